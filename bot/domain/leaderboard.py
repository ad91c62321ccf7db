"""Leaderboards: the periods a board covers and a deterministic ranking. Pure; `now` passed in.

Ranking: more points first; on equal points, whoever reached that total first (the time
of their last award in the period, as a total only grows); then the lower user id, so
two awards in the same microsecond still give one order. Hidden learners are left out
before ranking, so the ranks shown have no gaps.

The stores rank in SQL (bot/store/progress.py: the maintained totals through their index,
a pack's awards with a window function); ``totals``, ``rank`` and ``board`` below are the
rule written out in Python, which tests/store/test_progress.py holds both of them to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .schedule import week_start

PERIODS = ("week", "month", "all")
TOP = 10
TIE_RULE = "Ties go to whoever reached that score first."


@dataclass(frozen=True)
class Period:
    key: str  # the score_totals period: 'all', 'w:<Monday>', 'm:<YYYY-MM>'
    label: str  # e.g. "this week (from Monday 5 January)"
    start: datetime | None  # UTC, inclusive; None: from the beginning
    end: datetime | None  # UTC, exclusive; None: open-ended


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _week(monday: date, tz: str, label: str) -> Period:
    return Period(
        f"w:{monday.isoformat()}",
        f"{label} (from Monday {monday.day} {monday:%B})",
        _local_midnight(monday, tz),
        _local_midnight(monday + timedelta(days=7), tz),
    )


def _month(first: date, tz: str, label: str) -> Period:
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(f"m:{first:%Y-%m}", f"{label} ({first:%B %Y})", _local_midnight(first, tz), _local_midnight(nxt, tz))


def period(kind: str, now: datetime, tz: str) -> Period:
    """The current week (from Monday 00:00 local), month, or all time."""
    if kind == "all":
        return Period("all", "all time", None, None)
    local = now.astimezone(ZoneInfo(tz)).date()
    if kind == "week":
        return _week(local - timedelta(days=local.weekday()), tz, "this week")
    if kind == "month":
        return _month(local.replace(day=1), tz, "this month")
    raise ValueError(f"unknown period {kind!r}")


def period_from_key(key: str, tz: str, name: str | None = None) -> Period:
    """The period a score_totals key names (e.g. a past week, for the weekly post);
    ``name`` replaces the start of its label ("the week", "the month")."""
    if key == "all":
        return Period("all", "all time", None, None)
    if key.startswith("w:"):
        return _week(date.fromisoformat(key[2:]), tz, name or "the week")
    if key.startswith("m:"):
        return _month(date.fromisoformat(key[2:] + "-01"), tz, name or "the month")
    raise ValueError(f"unknown period key {key!r}")


def last_week(now: datetime, tz: str) -> Period:
    """The week before the one ``now`` is in."""
    this_monday = week_start(now, tz).astimezone(ZoneInfo(tz)).date()
    return _week(this_monday - timedelta(days=7), tz, "last week")


def next_week_turn(now: datetime, tz: str) -> datetime:
    """The next Monday 00:00 local after ``now``, as UTC."""
    this_monday = week_start(now, tz).astimezone(ZoneInfo(tz)).date()
    return _local_midnight(this_monday + timedelta(days=7), tz)


@dataclass(frozen=True)
class Entry:
    user_id: int
    points: int
    reached_at: datetime  # when they reached this total: their last award in the period


@dataclass(frozen=True)
class Ranked:
    rank: int
    user_id: int
    points: int
    reached_at: datetime


@dataclass(frozen=True)
class Board:
    top: list[Ranked]
    me: Ranked | None  # the caller's place (None: no points, or hidden)
    size: int  # learners on the board

    @property
    def me_in_top(self) -> bool:
        return self.me is not None and any(r.user_id == self.me.user_id for r in self.top)


def totals(awards: Iterable[tuple[int, int, datetime]]) -> list[Entry]:
    """Entries from ledger rows (user id, points, awarded at), in any order: the sum, and
    when it was reached: the latest award that raised it (the earliest award if none did)."""
    points: dict[int, int] = {}
    raised: dict[int, datetime] = {}
    first: dict[int, datetime] = {}
    for user_id, pts, at in awards:
        points[user_id] = points.get(user_id, 0) + pts
        if user_id not in first or at < first[user_id]:
            first[user_id] = at
        if pts > 0 and (user_id not in raised or at > raised[user_id]):
            raised[user_id] = at
    return [Entry(u, p, raised.get(u, first[u])) for u, p in points.items()]


def rank(entries: Iterable[Entry], hidden: frozenset[int] | set[int] = frozenset()) -> list[Ranked]:
    """Everyone visible with points, best first, numbered 1, 2, 3, ... without ties."""
    visible = [e for e in entries if e.user_id not in hidden and e.points > 0]
    visible.sort(key=lambda e: (-e.points, e.reached_at, e.user_id))
    return [Ranked(i, e.user_id, e.points, e.reached_at) for i, e in enumerate(visible, start=1)]


def board(entries: Iterable[Entry], hidden: frozenset[int] | set[int], caller_id: int | None, top: int = TOP) -> Board:
    ranked = rank(entries, hidden)
    me = next((r for r in ranked if r.user_id == caller_id), None)
    return Board(ranked[:top], me, len(ranked))
