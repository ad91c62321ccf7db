"""The answer tables: answers, misconceptions shown, revision cards and streak runs.

Reads and plain writes only; what an answer is worth, whether it counts and what it does
to a card or a streak is decided above (``bot.services.recording``). Answers to a cohort
post arrive in bursts, so a batch of clicks is decided and written inside one write
(``AnswerRepo.batched``): the reads take a few queries per post and per server, not per
click, and the writes a hundred rows to a statement (``insert_rows``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import TypeVar, cast

from bot.domain import streaks as st
from bot.domain.records import Answered, Award, Post, ReviewedCard
from bot.domain.timestamps import iso

from .database import Batch, Database, chunks, insert_rows, marks
from .guilds import timezone_of
from .points import add_new_points
from .posts import get_post

Item = TypeVar("Item")
T = TypeVar("T")
CardKey = tuple[int, int, str]  # guild, user, question


class AnswerTx:
    """The answer tables inside one write transaction."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self._c = c

    # -- reads ---------------------------------------------------------------------------
    def post(self, post_id: int) -> Post | None:
        return get_post(self._c, post_id)

    def timezone(self, guild_id: int) -> str:
        return timezone_of(self._c, guild_id)

    def choices_given(self, post_id: int, users: Sequence[int]) -> dict[int, str]:
        """The learners' answers to a post (JSON), for those who have answered."""
        out: dict[int, str] = {}
        for ids in chunks(list(users)):
            out.update(
                self._c.execute(
                    f"SELECT user_id, choice FROM answers WHERE post_id = ? AND user_id IN ({marks(ids)})",
                    (post_id, *ids),
                )
            )
        return out

    def cards(self, guild_id: int, question_id: str, users: Sequence[int]) -> dict[int, str]:
        """The learners' cards for one question (FSRS state as JSON), for those who have one."""
        out: dict[int, str] = {}
        for ids in chunks(list(users)):
            out.update(
                self._c.execute(
                    f"SELECT user_id, card FROM cards WHERE guild_id = ? AND question_id = ? "
                    f"AND user_id IN ({marks(ids)})",
                    (guild_id, question_id, *ids),
                )
            )
        return out

    def due_counts(self, guild_id: int, users: Sequence[int], now: datetime) -> dict[int, int]:
        """Cards due at ``now`` for each learner who has any."""
        return _due_counts(self._c, guild_id, users, now)

    def runs(self, guild_id: int, users: Sequence[int]) -> dict[int, st.Run]:
        return _runs(self._c, guild_id, users)

    def daily_posts(self, guild_id: int) -> list[tuple[str, bool]]:
        """The server's daily posts that went out, as (slot, still open), oldest first."""
        return _daily_posts(self._c, guild_id)

    def answered_slots(self, guild_id: int, user_id: int) -> set[str]:
        """The slots of the daily posts the learner has answered."""
        return {
            r[0]
            for r in self._c.execute(
                "SELECT p.slot FROM answers a JOIN posts p ON p.id = a.post_id "
                "WHERE a.guild_id = ? AND a.user_id = ? AND p.kind = 'daily'",
                (guild_id, user_id),
            )
        }

    # -- writes --------------------------------------------------------------------------
    def add_answers(self, answers: Sequence[Answered]) -> None:
        """Keep the answers and the misconceptions they showed."""
        insert_rows(
            self._c,
            "INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, correct, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    a.guild_id,
                    a.user_id,
                    a.question_id,
                    a.pack_id,
                    a.source,
                    a.post_id,
                    a.choice,
                    int(a.correct),
                    a.stamp,
                )
                for a in answers
            ],
        )
        insert_rows(
            self._c,
            "INSERT INTO misconceptions (guild_id, user_id, myth_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, myth_id) DO UPDATE SET times = misconceptions.times + 1, "
            "last_seen = excluded.last_seen",
            [(a.guild_id, a.user_id, m, a.stamp, a.stamp) for a in answers for m in a.misconceptions],
        )

    def save_cards(self, cards: Iterable[ReviewedCard]) -> None:
        cards = list(cards)
        # cards known to be new are plain INSERTs (binary COPY on PostgreSQL: an upsert costs
        # the server a conflict check per row); the others are upserts
        insert_rows(
            self._c,
            "INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, ?, ?)",
            [(k.guild_id, k.user_id, k.question_id, k.card, k.due) for k in cards if k.new],
        )
        insert_rows(
            self._c,
            "INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
            [(k.guild_id, k.user_id, k.question_id, k.card, k.due) for k in cards if not k.new],
        )

    def save_runs(self, guild_id: int, runs: dict[int, st.Run], had: set[int] | None = None) -> None:
        had = set(runs) if had is None else had
        insert_rows(
            self._c,
            "INSERT INTO streaks (guild_id, user_id, last_slot, length, best) VALUES (?, ?, ?, ?, ?)",
            [(guild_id, u, r.last_slot, r.length, r.best) for u, r in runs.items() if u not in had],
        )
        insert_rows(
            self._c,
            "INSERT INTO streaks (guild_id, user_id, last_slot, length, best) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET last_slot = excluded.last_slot, "
            "length = excluded.length, best = excluded.best",
            [(guild_id, u, r.last_slot, r.length, r.best) for u, r in runs.items() if u in had],
        )

    def add_new_points(self, stamped: list[tuple[Award, str]]) -> None:
        """Awards not given yet (the caller checked, in this transaction), each with its moment as stored."""
        add_new_points(self._c, stamped)


def _due_counts(c: sqlite3.Connection, guild_id: int, users: Sequence[int], now: datetime) -> dict[int, int]:
    out: dict[int, int] = {}
    for ids in chunks(list(users)):
        out.update(
            c.execute(
                f"SELECT user_id, COUNT(*) FROM cards WHERE guild_id = ? AND user_id IN ({marks(ids)}) "
                f"AND due <= ? GROUP BY user_id",
                (guild_id, *ids, iso(now)),
            )
        )
    return out


def _runs(c: sqlite3.Connection, guild_id: int, users: Sequence[int]) -> dict[int, st.Run]:
    out: dict[int, st.Run] = {}
    for ids in chunks(list(users)):
        for user_id, last_slot, length, best in c.execute(
            f"SELECT user_id, last_slot, length, best FROM streaks WHERE guild_id = ? AND user_id IN ({marks(ids)})",
            (guild_id, *ids),
        ):
            out[user_id] = st.Run(last_slot, length, best)
    return out


def _daily_posts(c: sqlite3.Connection, guild_id: int) -> list[tuple[str, bool]]:
    return [
        (r[0], r[1] == "open")
        for r in c.execute(
            "SELECT slot, status FROM posts WHERE guild_id = ? AND kind = 'daily' "
            "AND status IN ('open', 'closed') ORDER BY slot",
            (guild_id,),
        )
    ]


class AnswerRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    def batched(self, decide: Callable[[AnswerTx, list[Item]], list[T | Exception]]) -> Callable[[Item], Awaitable[T]]:
        """``record(item)`` for items decided together: the items queued at the same moment
        are handed to ``decide`` in one write, which returns one result per item (an
        exception for an item that cannot count, raised to that item's caller). Awaiting
        an item returns only after the commit."""

        def batch(c: sqlite3.Connection, items: list[Item]) -> list[T | Exception]:
            return decide(AnswerTx(c), items)

        # write_many raises an item's exception to its caller rather than returning it, so
        # what it returns is a T; its ``Batch`` type (results: list[T]) does not say so.
        return partial(self._db.write_many, cast("Batch[Item, T]", batch))

    def write(self, fn: Callable[[AnswerTx], T]) -> Awaitable[T]:
        """Run ``fn`` in a write of its own; awaited, its result once committed."""
        return self._db.write(lambda c: fn(AnswerTx(c)))

    async def post_choices(self, post_id: int) -> list[object]:
        """Every answer to a post (for the cohort tally), without who gave it."""
        return await self._db.read(
            lambda c: [json.loads(r[0]) for r in c.execute("SELECT choice FROM answers WHERE post_id = ?", (post_id,))]
        )

    async def answer_count(self, post_id: int) -> int:
        """How many answers a post has (one a learner), counted in the index."""
        return await self._db.read(
            lambda c: c.execute("SELECT COUNT(*) FROM answers WHERE post_id = ?", (post_id,)).fetchone()[0]
        )

    async def due_cards(self, guild_id: int, user_id: int, now: datetime) -> list[str]:
        """Question ids due for revision, most overdue first."""
        return await self._db.read(
            lambda c: [
                r[0]
                for r in c.execute(
                    "SELECT question_id FROM cards WHERE guild_id = ? AND user_id = ? AND due <= ? "
                    "ORDER BY due, question_id",
                    (guild_id, user_id, iso(now)),
                )
            ]
        )

    async def next_due(self, guild_id: int, user_id: int) -> datetime | None:
        def q(c: sqlite3.Connection) -> datetime | None:
            row = c.execute(
                "SELECT MIN(due) FROM cards WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            ).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self._db.read(q)

    async def due_count(self, guild_id: int, user_id: int, now: datetime) -> int:
        return await self._db.read(lambda c: _due_counts(c, guild_id, [user_id], now).get(user_id, 0))

    async def streak_run(self, guild_id: int, user_id: int) -> tuple[st.Run | None, list[tuple[str, bool]]]:
        """The learner's kept run and the server's daily posts (slot, still open), read together."""
        return await self._db.read(lambda c: (_runs(c, guild_id, [user_id]).get(user_id), _daily_posts(c, guild_id)))
