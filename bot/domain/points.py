"""What earns leaderboard points, and the periods a point counts in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from .schedule import week_start

DAILY_RIGHT = 10
DAILY_TAKING_PART = 2
MYTH_POST_RIGHT = 5
MYTH_POST_TAKING_PART = 1


def daily_points(correct: bool) -> int:
    return DAILY_RIGHT if correct else DAILY_TAKING_PART


def myth_post_points(correct: bool) -> int:
    return MYTH_POST_RIGHT if correct else MYTH_POST_TAKING_PART


def week_key(now: datetime, tz: str) -> str:
    return "w:" + week_start(now, tz).astimezone(ZoneInfo(tz)).date().isoformat()


def month_key(now: datetime, tz: str) -> str:
    return "m:" + now.astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def periods(now: datetime, tz: str) -> tuple[str, ...]:
    """The periods a point earned at ``now`` counts in (the week and month are the
    server's local ones)."""
    return _periods_of_day(now.astimezone(ZoneInfo(tz)).date())


@cache
def _periods_of_day(day: date) -> tuple[str, ...]:
    monday = day - timedelta(days=day.weekday())
    return ("all", f"w:{monday.isoformat()}", f"m:{day.year:04d}-{day.month:02d}")
