"""The points ledger and the per-period totals kept in step with it."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime

from bot.domain.records import Award
from bot.domain.timestamps import iso

from .database import chunks, insert_rows, marks


def add_points(c: sqlite3.Connection, award: Award, now: datetime) -> bool:
    """Record an award inside the caller's transaction; False if it was already given."""
    stamp = iso(now)
    cur = c.execute(
        "INSERT OR IGNORE INTO points (guild_id, user_id, source, ref, points, reason, created_at, pack_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (award.guild_id, award.user_id, award.source, award.ref, award.points, award.reason, stamp, award.pack_id),
    )
    if cur.rowcount == 0:
        return False
    _add_to_totals(c, [(award, stamp)])
    return True


def add_new_points(c: sqlite3.Connection, stamped: list[tuple[Award, str]]) -> None:
    """Record awards known not to have been given yet (the caller checked, in this
    transaction), each with the moment it was earned as stored (``iso``), a hundred rows
    to a statement."""
    insert_rows(
        c,
        "INSERT INTO points (guild_id, user_id, source, ref, points, reason, created_at, pack_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(a.guild_id, a.user_id, a.source, a.ref, a.points, a.reason, stamp, a.pack_id) for a, stamp in stamped],
    )
    _add_to_totals(c, stamped)


def _add_to_totals(c: sqlite3.Connection, awards: list[tuple[Award, str]]) -> None:
    """Add each award (with its moment as stored) to its learner's totals for its
    periods, and move the learner between the score_counts buckets (how many learners
    hold each score)."""
    by_period: dict[tuple[int, str], list[tuple[int, int, str]]] = defaultdict(list)  # -> (user, points, at)
    for a, stamp in awards:
        for p in a.periods:
            by_period[(a.guild_id, p)].append((a.user_id, a.points, stamp))
    totals: list[tuple] = []  # upserts: the learner already has a total for the period
    new_totals: list[tuple] = []
    moves: list[tuple] = []
    for (guild_id, period), group in by_period.items():
        current = _current_totals(c, guild_id, period, list({user_id for user_id, _, _ in group}))
        moved: dict[int, int] = {}  # score -> learners gained (lost if negative)
        for award in group:
            # a learner's first total for the period is a plain INSERT (COPY on PostgreSQL),
            # written before the upserts of the totals that already exist
            (new_totals if award[0] not in current else totals).append((guild_id, period, *award))
            user_id, points, _ = award
            before = current.get(user_id, 0)
            current[user_id] = after = before + points
            if before > 0:
                moved[before] = moved.get(before, 0) - 1
            if after > 0:
                moved[after] = moved.get(after, 0) + 1
        moves += [(guild_id, period, score, n) for score, n in moved.items() if n]
    insert_rows(
        c, "INSERT INTO score_totals (guild_id, period, user_id, points, reached_at) VALUES (?, ?, ?, ?, ?)", new_totals
    )
    insert_rows(
        c,
        "INSERT INTO score_totals (guild_id, period, user_id, points, reached_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, period, user_id) DO UPDATE SET points = score_totals.points + excluded.points, "
        "reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE score_totals.reached_at END",
        totals,
    )
    insert_rows(
        c,
        "INSERT INTO score_counts (guild_id, period, points, learners) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, period, points) DO UPDATE SET learners = score_counts.learners + excluded.learners",
        moves,
    )


def _current_totals(c: sqlite3.Connection, guild_id: int, period: str, users: list[int]) -> dict[int, int]:
    """The learners' totals for one period (those who have one)."""
    out: dict[int, int] = {}
    for chunk in chunks(users):
        out.update(
            c.execute(
                f"SELECT user_id, points FROM score_totals WHERE guild_id = ? AND period = ? "
                f"AND user_id IN ({marks(chunk)})",
                (guild_id, period, *chunk),
            )
        )
    return out
