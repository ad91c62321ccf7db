"""The points ledger and the per-period totals kept in step with it."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from bot.domain.timestamps import iso

from .database import chunks, marks


@dataclass(slots=True)
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
    """Add each award to its learner's totals for its periods, and move the learner
    between the score_counts buckets (how many learners hold each score)."""
    current = _current_totals(c, {(a.guild_id, p, a.user_id) for a, _ in awards for p in a.periods})
    moves: Counter[tuple[int, str, int]] = Counter()
    for a, _ in awards:
        for p in a.periods:
            key = (a.guild_id, p, a.user_id)
            before = current.get(key, 0)
            current[key] = after = before + a.points
            if before > 0:
                moves[(a.guild_id, p, before)] -= 1
            if after > 0:
                moves[(a.guild_id, p, after)] += 1
    c.executemany(
        "INSERT INTO score_totals (guild_id, period, user_id, points, reached_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, period, user_id) DO UPDATE SET points = points + excluded.points, "
        "reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE reached_at END",
        [(a.guild_id, p, a.user_id, a.points, iso(now)) for a, now in awards for p in a.periods])
    c.executemany(
        "INSERT INTO score_counts (guild_id, period, points, learners) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, period, points) DO UPDATE SET learners = learners + excluded.learners",
        [(*bucket, n) for bucket, n in moves.items() if n])


def _current_totals(c: sqlite3.Connection, keys: set[tuple[int, str, int]]) -> dict[tuple[int, str, int], int]:
    users: dict[tuple[int, str], list[int]] = defaultdict(list)
    for guild_id, period, user_id in keys:
        users[(guild_id, period)].append(user_id)
    out: dict[tuple[int, str, int], int] = {}
    for (guild_id, period), ids in users.items():
        for chunk in chunks(ids):
            for user_id, points in c.execute(
                    f"SELECT user_id, points FROM score_totals WHERE guild_id = ? AND period = ? "
                    f"AND user_id IN ({marks(chunk)})", (guild_id, period, *chunk)):
                out[(guild_id, period, user_id)] = points
    return out
