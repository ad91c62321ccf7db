"""The points ledger and the per-period totals kept in step with it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from .database import iso


@dataclass(frozen=True)
class Award:
    guild_id: int
    user_id: int
    source: str  # daily | myth_post | challenge | reflection | roleplay
    ref: str  # what earned it; one award per (user, source, ref)
    points: int
    reason: str
    periods: tuple[str, ...]  # e.g. ('all', 'w:2026-01-05', 'm:2026-01')


def add_points(c: sqlite3.Connection, award: Award, now: datetime) -> bool:
    """Record an award inside the caller's transaction; False if it was already given."""
    cur = c.execute(
        "INSERT OR IGNORE INTO points (guild_id, user_id, source, ref, points, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (award.guild_id, award.user_id, award.source, award.ref, award.points, award.reason, now.isoformat()))
    if cur.rowcount == 0:
        return False
    _add_to_totals(c, [(award, now)])
    return True


def add_new_points(c: sqlite3.Connection, awards: list[tuple[Award, datetime]]) -> None:
    """Record awards known not to have been given yet (the caller checked, in this
    transaction), one statement per table however many there are."""
    c.executemany(
        "INSERT INTO points (guild_id, user_id, source, ref, points, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(a.guild_id, a.user_id, a.source, a.ref, a.points, a.reason, iso(now)) for a, now in awards])
    _add_to_totals(c, awards)


def _add_to_totals(c: sqlite3.Connection, awards: list[tuple[Award, datetime]]) -> None:
    c.executemany(
        "INSERT INTO score_totals (guild_id, period, user_id, points, reached_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, period, user_id) DO UPDATE SET points = points + excluded.points, "
        "reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE reached_at END",
        [(a.guild_id, p, a.user_id, a.points, iso(now)) for a, now in awards for p in a.periods])
