"""Myth-card answers and the misconceptions each learner still holds."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.records import Award
from bot.domain.timestamps import iso

from .database import Database
from .points import add_points


@dataclass(frozen=True)
class MythRecorded:
    first: bool
    previous_verdict: str | None
    points: int
    cleared: bool  # this answer busted a misconception the learner had shown


class MythRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        guild_id: int,
        user_id: int,
        myth_id: str,
        pack_id: str,
        post_id: int | None,
        verdict: str,
        correct: bool,
        now: datetime,
        award: Award | None,
        bust: bool,
    ) -> MythRecorded:
        """Keep a myth answer, unless the learner already answered this post (the table's key):
        with ``award`` given, and with ``bust``, the learner's misconception marked busted."""

        def w(c: sqlite3.Connection) -> MythRecorded:
            cur = c.execute(
                "INSERT OR IGNORE INTO myth_answers (guild_id, user_id, myth_id, pack_id, post_id, verdict, correct, "
                "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (guild_id, user_id, myth_id, pack_id, post_id, verdict, int(correct), iso(now)),
            )
            if cur.rowcount == 0:
                row = c.execute(
                    "SELECT verdict FROM myth_answers WHERE post_id = ? AND user_id = ?", (post_id, user_id)
                ).fetchone()
                return MythRecorded(False, row[0], 0, False)
            points = award.points if award and add_points(c, award, now) else 0
            cleared = False
            if bust:
                cleared = (
                    c.execute(
                        "UPDATE misconceptions SET busted_at = ? WHERE guild_id = ? AND user_id = ? AND myth_id = ? "
                        "AND (busted_at IS NULL OR busted_at < last_seen)",
                        (iso(now), guild_id, user_id, myth_id),
                    ).rowcount
                    == 1
                )
            return MythRecorded(True, None, points, cleared)

        return await self.db.write(w)

    async def previous(self, post_id: int, user_id: int) -> str | None:
        def q(c):
            row = c.execute(
                "SELECT verdict FROM myth_answers WHERE post_id = ? AND user_id = ?", (post_id, user_id)
            ).fetchone()
            return row[0] if row else None

        return await self.db.read(q)

    async def busted(self, guild_id: int, user_id: int) -> set[str]:
        """Myths this learner has answered right at least once."""
        return await self.db.read(
            lambda c: {
                r[0]
                for r in c.execute(
                    "SELECT DISTINCT myth_id FROM myth_answers WHERE guild_id = ? AND user_id = ? AND correct = 1",
                    (guild_id, user_id),
                )
            }
        )

    async def post_verdicts(self, post_id: int) -> list[str]:
        return await self.db.read(
            lambda c: [r[0] for r in c.execute("SELECT verdict FROM myth_answers WHERE post_id = ?", (post_id,))]
        )

    async def open_misconceptions(self, guild_id: int, user_id: int) -> list[tuple[str, int]]:
        """(myth id, times shown) for misconceptions shown and not busted since."""
        return await self.db.read(
            lambda c: [
                (r[0], r[1])
                for r in c.execute(
                    "SELECT myth_id, times FROM misconceptions WHERE guild_id = ? AND user_id = ? "
                    "AND (busted_at IS NULL OR busted_at < last_seen) ORDER BY times DESC, myth_id",
                    (guild_id, user_id),
                )
            ]
        )

    async def cohort_open_misconceptions(self, guild_id: int, limit: int = 5) -> list[tuple[str, int]]:
        """(myth id, learners holding it) across the server, most common first."""
        return await self.db.read(
            lambda c: [
                (r[0], r[1])
                for r in c.execute(
                    "SELECT myth_id, COUNT(*) AS n FROM misconceptions WHERE guild_id = ? "
                    "AND (busted_at IS NULL OR busted_at < last_seen) "
                    "GROUP BY myth_id ORDER BY n DESC, myth_id LIMIT ?",
                    (guild_id, limit),
                )
            ]
        )
