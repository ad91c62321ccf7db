"""Answers, revision cards and the per-learner reads built on them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .database import Database
from .points import Award, add_points

# Review a card: (card JSON or None) -> (new card JSON, next due). Runs inside the write.
CardReview = Callable[[str | None], tuple[str, datetime]]


@dataclass(frozen=True)
class NewAnswer:
    guild_id: int
    user_id: int
    question_id: str
    pack_id: str
    source: str  # daily | quiz | revise
    post_id: int | None
    choice: object  # JSON-serialisable
    correct: bool
    misconceptions: tuple[str, ...] = ()  # myth ids the wrong answer showed


@dataclass(frozen=True)
class Recorded:
    first: bool  # False: the learner had already answered this post
    previous_choice: object | None  # what they answered before, when not first
    previous_correct: bool | None
    points: int  # points awarded by this answer (0 when not first)
    due_count: int  # revision cards due now, after this answer


def _due_count(c: sqlite3.Connection, guild_id: int, user_id: int, now: datetime) -> int:
    return c.execute("SELECT COUNT(*) FROM cards WHERE guild_id = ? AND user_id = ? AND due <= ?",
                     (guild_id, user_id, now.isoformat())).fetchone()[0]


def record_answer(c: sqlite3.Connection, a: NewAnswer, now: datetime, review: CardReview,
                  award: Award | None) -> Recorded:
    """The whole answer path in the caller's transaction: the answer (once per post),
    the points, and the revision card."""
    cur = c.execute(
        "INSERT OR IGNORE INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, "
        "correct, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (a.guild_id, a.user_id, a.question_id, a.pack_id, a.source, a.post_id, json.dumps(a.choice),
         int(a.correct), now.isoformat()))
    if cur.rowcount == 0:
        row = c.execute("SELECT choice, correct FROM answers WHERE post_id = ? AND user_id = ?",
                        (a.post_id, a.user_id)).fetchone()
        return Recorded(False, json.loads(row[0]), bool(row[1]), 0, _due_count(c, a.guild_id, a.user_id, now))
    points = award.points if award and add_points(c, award, now) else 0
    c.executemany(
        "INSERT INTO misconceptions (guild_id, user_id, myth_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id, myth_id) DO UPDATE SET times = times + 1, last_seen = excluded.last_seen",
        [(a.guild_id, a.user_id, m, now.isoformat(), now.isoformat()) for m in a.misconceptions])
    key = (a.guild_id, a.user_id, a.question_id)
    row = c.execute("SELECT card FROM cards WHERE guild_id = ? AND user_id = ? AND question_id = ?", key).fetchone()
    card, due = review(row[0] if row else None)
    c.execute("INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
              (*key, card, due.isoformat()))
    return Recorded(True, None, None, points, _due_count(c, a.guild_id, a.user_id, now))


class AnswerRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, a: NewAnswer, now: datetime, review: CardReview, award: Award | None) -> Recorded:
        return await self.db.write(lambda c: record_answer(c, a, now, review, award))

    async def previous(self, post_id: int, user_id: int) -> tuple[object, bool] | None:
        def q(c):
            row = c.execute("SELECT choice, correct FROM answers WHERE post_id = ? AND user_id = ?",
                            (post_id, user_id)).fetchone()
            return (json.loads(row[0]), bool(row[1])) if row else None

        return await self.db.read(q)

    async def post_choices(self, post_id: int) -> list[object]:
        """Every answer to a post (for the cohort tally), without who gave it."""
        return await self.db.read(lambda c: [json.loads(r[0]) for r in c.execute(
            "SELECT choice FROM answers WHERE post_id = ?", (post_id,))])

    async def due_cards(self, guild_id: int, user_id: int, now: datetime) -> list[str]:
        """Question ids due for revision, most overdue first."""
        return await self.db.read(lambda c: [r[0] for r in c.execute(
            "SELECT question_id FROM cards WHERE guild_id = ? AND user_id = ? AND due <= ? ORDER BY due, question_id",
            (guild_id, user_id, now.isoformat()))])

    async def next_due(self, guild_id: int, user_id: int) -> datetime | None:
        def q(c):
            row = c.execute("SELECT MIN(due) FROM cards WHERE guild_id = ? AND user_id = ?",
                            (guild_id, user_id)).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self.db.read(q)

    async def due_count(self, guild_id: int, user_id: int, now: datetime) -> int:
        return await self.db.read(lambda c: _due_count(c, guild_id, user_id, now))

    async def streak_data(self, guild_id: int, user_id: int) -> tuple[list[tuple[str, bool]], set[str]]:
        """The server's scheduled daily posts (slot, open) oldest first, and the slots
        this learner answered."""

        def q(c):
            posts = [(r[0], r[1] == "open") for r in c.execute(
                "SELECT slot, status FROM posts WHERE guild_id = ? AND kind = 'daily' "
                "AND status IN ('open', 'closed') AND slot NOT LIKE 'manual:%' ORDER BY slot", (guild_id,))]
            answered = {r[0] for r in c.execute(
                "SELECT p.slot FROM answers a JOIN posts p ON p.id = a.post_id "
                "WHERE a.guild_id = ? AND a.user_id = ? AND p.kind = 'daily'", (guild_id, user_id))}
            return posts, answered

        return await self.db.read(q)
