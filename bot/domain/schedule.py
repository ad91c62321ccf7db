"""Schedule maths: local times, days of the week, the next post. Pure; `now` passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def is_valid_timezone(name: str) -> bool:
    if name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_choices(current: str, limit: int = 25) -> list[str]:
    """Time zones for autocomplete: UK first, then matches of what was typed."""
    current = current.strip().lower()
    if not current:
        return ["Europe/London", "Europe/Dublin", "UTC", "Europe/Paris", "America/New_York"][:limit]
    starts = [z for z in _zones() if z.lower().startswith(current)]
    contains = [z for z in _zones() if current in z.lower() and z not in starts]
    return (starts + contains)[:limit]


# --- times and days ----------------------------------------------------------------------

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = {"daily": set(range(7)), "everyday": set(range(7)), "weekdays": set(range(5)), "weekends": {5, 6}}


class ScheduleError(ValueError):
    """Bad schedule input; the message says what is accepted."""


def parse_time(text: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError(f"`{text}` is not a time: use 24-hour HH:MM, from 00:00 to 23:59 (for example 09:00).")
    return time(int(match.group(1)), int(match.group(2)))


def parse_days(text: str) -> frozenset[int]:
    """'mon-fri', 'mon,wed,fri', 'daily', 'weekdays', 'weekends', 'sat-sun'."""
    words = re.sub(r"\s+to\s+", "-", text.strip().lower()).replace(" ", "")
    if words in _DAY_WORDS:
        return frozenset(_DAY_WORDS[words])
    days: set[int] = set()
    for part in filter(None, words.split(",")):
        ends = part.split("-")
        idx = [i for e in ends for i, full in enumerate(_FULL_DAY_NAMES) if len(e) >= 3 and full.startswith(e)]
        if len(idx) != len(ends):
            idx = []
        if len(idx) == 1:
            days.add(idx[0])
        elif len(idx) == 2:
            d = idx[0]
            while True:
                days.add(d)
                if d == idx[1]:
                    break
                d = (d + 1) % 7
        else:
            days = set()
            break
    if not days:
        raise ScheduleError(f"`{text}` is not a set of days: use e.g. `mon-fri`, `mon,wed,fri`, `daily` or `weekends`.")
    return frozenset(days)


def format_days(days: frozenset[int]) -> str:
    if days == frozenset(range(7)):
        return "every day"
    if days == frozenset(range(5)):
        return "Monday to Friday"
    return ", ".join(DAY_NAMES[d].capitalize() for d in sorted(days))


@dataclass(frozen=True)
class Slot:
    """One scheduled occurrence: the local date it belongs to and when it is due (UTC)."""

    local_date: date
    due: datetime

    @property
    def key(self) -> str:
        return self.local_date.isoformat()


def slot_on(day: date, at: time, tz: str) -> Slot:
    local = datetime.combine(day, at, tzinfo=ZoneInfo(tz))
    return Slot(day, local.astimezone(UTC))


def latest_slot(now: datetime, at: time, tz: str, days: frozenset[int]) -> Slot | None:
    """The most recent scheduled occurrence at or before ``now``."""
    today = now.astimezone(ZoneInfo(tz)).date()
    for back in range(8):
        day = today - timedelta(days=back)
        if day.weekday() in days:
            slot = slot_on(day, at, tz)
            if slot.due <= now:
                return slot
    return None


def next_slot(now: datetime, at: time, tz: str, days: frozenset[int]) -> Slot | None:
    """The first scheduled occurrence after ``now``."""
    today = now.astimezone(ZoneInfo(tz)).date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() in days:
            slot = slot_on(day, at, tz)
            if slot.due > now:
                return slot
    return None


def due_slot(now: datetime, at: time, tz: str, days: frozenset[int], window: timedelta) -> Slot | None:
    """The occurrence to post now: the latest one, if it fell due within the catch-up window."""
    slot = latest_slot(now, at, tz, days)
    return slot if slot is not None and now - slot.due <= window else None


def week_start(now: datetime, tz: str) -> datetime:
    """Monday 00:00 of ``now``'s week in the zone, as UTC."""
    local = now.astimezone(ZoneInfo(tz))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


RETRY_FIRST, RETRY_MAX = timedelta(seconds=30), timedelta(minutes=10)
MAX_SEND_ATTEMPTS = 8  # about 35 minutes of retries


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after ``attempts`` failed sends (doubling); None: give up."""
    if attempts >= MAX_SEND_ATTEMPTS:
        return None
    return min(RETRY_FIRST * 2 ** max(0, attempts - 1), RETRY_MAX)


def parse_duration(text: str, least: timedelta = timedelta(hours=1), most: timedelta = timedelta(days=30)) -> timedelta:
    """'2d', '36h', '1d12h', '90m' -> a timedelta between ``least`` and ``most``."""
    parts = re.fullmatch(r"\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*", text.lower())
    if not parts or not any(parts.groups()):
        raise ScheduleError(f"`{text}` is not a duration: use days, hours and minutes like `2d`, `36h` or `1d12h`.")
    d, h, m = (int(g or 0) for g in parts.groups())
    value = timedelta(days=d, hours=h, minutes=m)
    if not least <= value <= most:
        raise ScheduleError(f"A deadline must be between {least} and {most.days} days away.")
    return value
