"""Ranking and leaderboard periods."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.leaderboard import (
    Entry,
    Ranked,
    board,
    last_week,
    next_week_turn,
    period,
    period_from_key,
    rank,
    totals,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_more_points_rank_higher():
    ranked = rank([Entry(1, 10, at(0)), Entry(2, 30, at(5)), Entry(3, 20, at(1))])
    assert [(r.rank, r.user_id) for r in ranked] == [(1, 2), (2, 3), (3, 1)]


def test_on_equal_points_whoever_reached_the_total_first_ranks_higher():
    ranked = rank([Entry(1, 20, at(9)), Entry(2, 20, at(3)), Entry(3, 20, at(6))])
    assert [r.user_id for r in ranked] == [2, 3, 1]
    assert [r.rank for r in ranked] == [1, 2, 3]  # no shared ranks: the order is always total


def test_at_the_same_instant_the_lower_user_id_ranks_higher():
    ranked = rank([Entry(9, 20, at(1)), Entry(4, 20, at(1))])
    assert [r.user_id for r in ranked] == [4, 9]


def test_the_order_does_not_depend_on_the_input_order():
    entries = [Entry(u, p, at(m)) for u, p, m in ((1, 5, 3), (2, 5, 1), (3, 7, 9), (4, 5, 1), (5, 2, 0))]
    expected = rank(entries)
    for shift in range(len(entries)):
        assert rank(entries[shift:] + entries[:shift]) == expected
    assert [r.user_id for r in expected] == [3, 2, 4, 1, 5]


def test_hidden_learners_and_zero_scores_are_left_out_without_gaps():
    ranked = rank([Entry(1, 30, at(0)), Entry(2, 20, at(0)), Entry(3, 10, at(0)), Entry(4, 0, at(0))], hidden={1})
    assert [(r.rank, r.user_id) for r in ranked] == [(1, 2), (2, 3)]


def test_the_board_shows_the_top_ten_and_the_caller_outside_it():
    entries = [Entry(u, 100 - u, at(0)) for u in range(1, 13)]
    b = board(entries, set(), caller_id=12)
    assert [r.user_id for r in b.top] == list(range(1, 11))
    assert b.me == Ranked(12, 12, 88, at(0)) and not b.me_in_top and b.size == 12


def test_a_caller_in_the_top_ten_a_hidden_caller_and_a_caller_without_points():
    entries = [Entry(u, 100 - u, at(0)) for u in range(1, 13)]
    assert board(entries, set(), caller_id=3).me_in_top
    hidden = board(entries, {12}, caller_id=12)
    assert hidden.me is None and hidden.size == 11
    assert board(entries, set(), caller_id=99).me is None


def test_totals_sum_the_ledger_and_keep_the_last_award():
    b = totals([(1, 10, at(0)), (2, 2, at(1)), (1, 5, at(7)), (2, 10, at(3))])
    assert sorted(b, key=lambda e: e.user_id) == [Entry(1, 15, at(7)), Entry(2, 12, at(3))]


def test_an_award_of_nothing_does_not_move_when_a_total_was_reached_whatever_the_order():
    # A challenge attempt can earn 0 points after, or be listed before, the award that counted.
    for rows in ([(1, 0, at(9)), (1, 5, at(2))], [(1, 5, at(2)), (1, 0, at(9))]):
        assert totals(rows) == [Entry(1, 5, at(2))]
    assert totals([(2, 0, at(9)), (2, 0, at(4))]) == [Entry(2, 0, at(4))]  # none raised it: the first


def test_a_week_starts_on_monday_midnight_local_time():
    sunday_night = datetime(2026, 7, 5, 22, 30, tzinfo=UTC)  # 23:30 Sunday in London (BST)
    monday_early = datetime(2026, 7, 5, 23, 30, tzinfo=UTC)  # 00:30 Monday in London
    assert period("week", sunday_night, "Europe/London").key == "w:2026-06-29"
    week = period("week", monday_early, "Europe/London")
    assert week.key == "w:2026-07-06"
    assert week.start == datetime(2026, 7, 5, 23, 0, tzinfo=UTC)
    assert week.end == datetime(2026, 7, 12, 23, 0, tzinfo=UTC)
    assert "Monday 6 July" in week.label


def test_a_week_across_the_clock_change_is_seven_local_days():
    week = period_from_key("w:2026-03-23", "Europe/London")  # BST starts on Sunday 29 March
    assert week.start == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
    assert week.end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    assert week.end - week.start == timedelta(days=7, hours=-1)


def test_months_and_all_time():
    month = period("month", datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/London")
    assert month.key == "m:2026-12" and month.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert period("all", T0, "UTC").key == "all" and period("all", T0, "UTC").start is None
    assert period_from_key("m:2026-02", "UTC").end == datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        period("fortnight", T0, "UTC")


def test_last_week_and_the_next_turn():
    thursday = datetime(2026, 1, 1, tzinfo=UTC)
    assert last_week(thursday, "Europe/London").key == "w:2025-12-22"
    assert next_week_turn(thursday, "Europe/London") == datetime(2026, 1, 5, tzinfo=UTC)
    monday = datetime(2026, 1, 5, 0, 0, 1, tzinfo=UTC)
    assert last_week(monday, "Europe/London").key == "w:2025-12-29"
    assert next_week_turn(monday, "Europe/London") == datetime(2026, 1, 12, tzinfo=UTC)
    assert next_week_turn(datetime(2026, 1, 4, 23, 0, tzinfo=UTC), "Europe/Paris") == datetime(
        2026, 1, 11, 23, 0, tzinfo=UTC
    )  # Paris was already in Monday 5 January
