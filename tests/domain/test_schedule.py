"""Schedule maths: parsing times and days, and slots across the UK clock changes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.schedule import (
    ScheduleError,
    due_slot,
    format_days,
    is_valid_timezone,
    latest_slot,
    next_slot,
    parse_days,
    parse_time,
    timezone_choices,
    week_start,
)

LONDON = "Europe/London"
WEEKDAYS = frozenset(range(5))
DAILY = frozenset(range(7))
NINE = time(9, 0)
THREE_HOURS = timedelta(hours=3)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- parse_time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("09:00", time(9, 0)),
        ("9:05", time(9, 5)),
        ("23:59", time(23, 59)),
        ("00:00", time(0, 0)),
        (" 07:30 ", time(7, 30)),
    ],
)
def test_parse_time_accepts_24_hour_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "12:60", "noon", "", "9", "9:5", "09:00:00", "-1:00"])
def test_parse_time_rejects_other_text_naming_the_format(text):
    with pytest.raises(ScheduleError) as excinfo:
        parse_time(text)
    assert "HH:MM" in str(excinfo.value)


def test_schedule_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_time("noon")


# --- parse_days and format_days ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon, Wed, Fri", {0, 2, 4}),
        ("daily", {0, 1, 2, 3, 4, 5, 6}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekends", {5, 6}),
        ("sat-sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("sun-tue", {6, 0, 1}),
        ("wed", {2}),
        ("monday,thursday", {0, 3}),
        ("mon-tue,sat", {0, 1, 5}),
    ],
)
def test_parse_days_understands_ranges_lists_and_words(text, expected):
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["funday", "", "mon,funday", "funday,mon", "mon-", "mon-wed-fri", "xyz-fri"])
def test_parse_days_rejects_unknown_days(text):
    with pytest.raises(ScheduleError) as excinfo:
        parse_days(text)
    assert "mon-fri" in str(excinfo.value)


def test_parse_days_reads_whole_day_names_and_rejects_lookalikes():
    assert parse_days("Monday to Friday") == WEEKDAYS
    with pytest.raises(ScheduleError):
        parse_days("monsoon")


@pytest.mark.parametrize(
    "days, expected",
    [
        (DAILY, "every day"),
        (WEEKDAYS, "Monday to Friday"),
        (frozenset({4, 0, 2}), "Mon, Wed, Fri"),
        (frozenset({5, 6}), "Sat, Sun"),
        (frozenset({3}), "Thu"),
    ],
)
def test_format_days(days, expected):
    assert format_days(days) == expected


@pytest.mark.parametrize("text", ["mon,wed,fri", "sat-sun", "daily", "tue,thu,sun"])
def test_format_days_reads_back_as_the_same_days(text):
    days = parse_days(text)
    assert parse_days(format_days(days)) == days


# --- slots across the 2026 clock changes ---------------------------------------------------
# BST starts Sunday 29 March 2026 at 01:00 UTC and ends Sunday 25 October 2026 at 01:00 UTC.


@pytest.mark.parametrize(
    "day, due",
    [
        (date(2026, 3, 27), utc(2026, 3, 27, 9, 0)),  # Friday before spring forward: GMT
        (date(2026, 3, 30), utc(2026, 3, 30, 8, 0)),  # Monday after: BST
        (date(2026, 10, 23), utc(2026, 10, 23, 8, 0)),  # Friday before fall back: BST
        (date(2026, 10, 26), utc(2026, 10, 26, 9, 0)),  # Monday after: GMT
    ],
)
def test_nine_local_is_nine_utc_in_winter_and_eight_utc_in_summer(day, due):
    just_before = due - timedelta(minutes=1)
    slot = next_slot(just_before, NINE, LONDON, WEEKDAYS)
    assert slot is not None
    assert slot.local_date == day
    assert slot.due == due
    assert slot.key == day.isoformat()
    assert slot.due.utcoffset() == timedelta(0)


def test_next_slot_skips_the_weekend_over_spring_forward():
    slot = next_slot(utc(2026, 3, 27, 9, 0), NINE, LONDON, WEEKDAYS)  # Friday's slot is due now
    assert (slot.local_date, slot.due) == (date(2026, 3, 30), utc(2026, 3, 30, 8, 0))


def test_next_slot_skips_the_weekend_over_fall_back():
    slot = next_slot(utc(2026, 10, 23, 12, 0), NINE, LONDON, WEEKDAYS)
    assert (slot.local_date, slot.due) == (date(2026, 10, 26), utc(2026, 10, 26, 9, 0))


def test_next_slot_on_the_day_the_clocks_go_forward():
    slot = next_slot(utc(2026, 3, 29, 0, 30), NINE, LONDON, DAILY)
    assert (slot.local_date, slot.due) == (date(2026, 3, 29), utc(2026, 3, 29, 8, 0))


def test_next_slot_on_the_day_the_clocks_go_back():
    slot = next_slot(utc(2026, 10, 25, 0, 30), NINE, LONDON, DAILY)
    assert (slot.local_date, slot.due) == (date(2026, 10, 25), utc(2026, 10, 25, 9, 0))


def test_next_slot_is_strictly_after_now():
    slot = next_slot(utc(2026, 3, 30, 8, 0), NINE, LONDON, DAILY)
    assert slot.due == utc(2026, 3, 31, 8, 0)


def test_next_slot_a_week_ahead_when_the_only_day_has_passed():
    monday_only = frozenset({0})
    slot = next_slot(utc(2026, 3, 30, 8, 1), NINE, LONDON, monday_only)
    assert (slot.local_date, slot.due) == (date(2026, 4, 6), utc(2026, 4, 6, 8, 0))


def test_next_slot_none_without_days():
    assert next_slot(utc(2026, 3, 30, 8, 0), NINE, LONDON, frozenset()) is None


def test_latest_slot_reaches_back_over_spring_forward():
    # Monday 30 March 07:30 UTC is 08:30 BST: Monday's slot is not due yet.
    slot = latest_slot(utc(2026, 3, 30, 7, 30), NINE, LONDON, WEEKDAYS)
    assert (slot.local_date, slot.due) == (date(2026, 3, 27), utc(2026, 3, 27, 9, 0))


def test_latest_slot_reaches_back_over_fall_back():
    # Monday 26 October 08:30 UTC is 08:30 GMT: Monday's slot is not due yet.
    slot = latest_slot(utc(2026, 10, 26, 8, 30), NINE, LONDON, WEEKDAYS)
    assert (slot.local_date, slot.due) == (date(2026, 10, 23), utc(2026, 10, 23, 8, 0))


@pytest.mark.parametrize(
    "now, due",
    [
        (utc(2026, 3, 30, 8, 0), utc(2026, 3, 30, 8, 0)),  # exactly due, BST
        (utc(2026, 10, 26, 9, 0), utc(2026, 10, 26, 9, 0)),  # exactly due, GMT
        (utc(2026, 3, 27, 20, 0), utc(2026, 3, 27, 9, 0)),
    ],
)
def test_latest_slot_includes_a_slot_due_now(now, due):
    assert latest_slot(now, NINE, LONDON, WEEKDAYS).due == due


def test_latest_slot_none_without_days():
    assert latest_slot(utc(2026, 3, 30, 8, 0), NINE, LONDON, frozenset()) is None


@pytest.mark.parametrize(
    "now, due",
    [
        (utc(2026, 3, 2, 10, 30), utc(2026, 3, 2, 9, 0)),  # 10:30 GMT
        (utc(2026, 3, 30, 9, 30), utc(2026, 3, 30, 8, 0)),  # 10:30 BST
        (utc(2026, 10, 23, 9, 30), utc(2026, 10, 23, 8, 0)),  # 10:30 BST
        (utc(2026, 10, 26, 10, 30), utc(2026, 10, 26, 9, 0)),  # 10:30 GMT
    ],
)
def test_due_slot_within_the_window_at_half_past_ten_local(now, due):
    slot = due_slot(now, NINE, LONDON, WEEKDAYS, THREE_HOURS)
    assert slot is not None and slot.due == due


@pytest.mark.parametrize(
    "now",
    [
        utc(2026, 3, 2, 15, 0),  # 15:00 GMT
        utc(2026, 3, 30, 14, 0),  # 15:00 BST
        utc(2026, 10, 23, 14, 0),  # 15:00 BST
        utc(2026, 10, 26, 15, 0),  # 15:00 GMT
    ],
)
def test_due_slot_none_at_three_in_the_afternoon_local(now):
    assert due_slot(now, NINE, LONDON, WEEKDAYS, THREE_HOURS) is None


def test_due_slot_window_edge_is_inclusive():
    assert due_slot(utc(2026, 3, 30, 11, 0), NINE, LONDON, WEEKDAYS, THREE_HOURS).due == utc(2026, 3, 30, 8, 0)
    assert due_slot(utc(2026, 3, 30, 11, 0, 1), NINE, LONDON, WEEKDAYS, THREE_HOURS) is None


def test_due_slot_none_on_a_day_without_a_slot():
    # Saturday 10:30 BST: the latest slot is Friday's, long past the window.
    assert due_slot(utc(2026, 4, 4, 9, 30), NINE, LONDON, WEEKDAYS, THREE_HOURS) is None


# --- week_start ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, monday",
    [
        (utc(2026, 3, 4, 12, 0), utc(2026, 3, 2, 0, 0)),  # GMT: Monday 00:00 is 00:00 UTC
        (utc(2026, 4, 1, 12, 0), utc(2026, 3, 29, 23, 0)),  # BST: Monday 00:00 is Sunday 23:00 UTC
        (utc(2026, 3, 29, 12, 0), utc(2026, 3, 23, 0, 0)),  # the Sunday clocks go forward: week began in GMT
        (utc(2026, 3, 29, 23, 30), utc(2026, 3, 29, 23, 0)),  # already Monday 00:30 BST
        (utc(2026, 10, 25, 12, 0), utc(2026, 10, 18, 23, 0)),  # the Sunday clocks go back: week began in BST
        (utc(2026, 10, 26, 0, 0), utc(2026, 10, 26, 0, 0)),  # Monday 00:00 GMT exactly
    ],
)
def test_week_start_is_monday_midnight_local_as_utc(now, monday):
    start = week_start(now, LONDON)
    assert start == monday
    assert start.utcoffset() == timedelta(0)


# --- time zones ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Europe/London", "UTC", "America/New_York", "Asia/Kolkata"])
def test_known_time_zones_are_valid(name):
    assert is_valid_timezone(name)


@pytest.mark.parametrize("name", ["", "London", "Europe/Londres", "Mars/Olympus_Mons", "../etc/passwd", "BST+1"])
def test_unknown_time_zones_are_not_valid(name):
    assert not is_valid_timezone(name)


def test_timezone_choices_empty_puts_london_first():
    choices = timezone_choices("")
    assert choices[0] == "Europe/London"
    assert all(is_valid_timezone(z) for z in choices)


def test_timezone_choices_blank_is_empty():
    assert timezone_choices("   ")[0] == "Europe/London"


def test_timezone_choices_finds_london_from_part_of_its_name():
    assert "Europe/London" in timezone_choices("lon")
    assert "Europe/London" in timezone_choices("LON")


def test_timezone_choices_lists_prefix_matches_first():
    choices = timezone_choices("europe/l")
    assert choices[:3] == ["Europe/Lisbon", "Europe/Ljubljana", "Europe/London"]


@pytest.mark.parametrize("typed", ["a", "e", "/", "america"])
def test_timezone_choices_at_most_25(typed):
    choices = timezone_choices(typed)
    assert len(choices) == 25
    assert all(typed in z.lower() for z in choices)


def test_timezone_choices_respects_a_smaller_limit():
    assert len(timezone_choices("", limit=2)) == 2
    assert len(timezone_choices("a", limit=3)) == 3


def test_timezone_choices_nothing_for_nonsense():
    assert timezone_choices("zzzzqqq") == []
