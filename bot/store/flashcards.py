"""The flashcards table: each learner's FSRS card for a pack's term.

Reads and plain writes only: what a rating does to a card is decided above
(``bot.services.flashcards``). The constraint kept here is the one that makes a rating
count once: a card is added only if it is not there yet, and changed only while its count
of ratings is the one the rating was given at (``reviews = ?``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from bot.domain.flashcards import StoredCard
from bot.domain.timestamps import iso

from .database import Database

T = TypeVar("T")
_COLUMNS = "pack_id, term_key, card, due, reviews"


def _card(row: sqlite3.Row | tuple) -> StoredCard:
    pack_id, key, card, due, reviews = tuple(row)
    return StoredCard(pack_id, key, card, datetime.fromisoformat(due), reviews)


class FlashcardTx:
    """The flashcards table inside one write transaction."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self._c = c

    def card(self, guild_id: int, user_id: int, pack_id: str, key: str) -> StoredCard | None:
        row = self._c.execute(
            f"SELECT {_COLUMNS} FROM flashcards WHERE guild_id = ? AND user_id = ? AND pack_id = ? AND term_key = ?",
            (guild_id, user_id, pack_id, key),
        ).fetchone()
        return _card(row) if row else None

    def add(
        self,
        guild_id: int,
        user_id: int,
        pack_id: str,
        key: str,
        term: str,
        card: str,
        due: datetime,
        rating: int,
        now: datetime,
    ) -> bool:
        """A card's first rating; False (nothing written) if the learner has the card already."""
        return (
            self._c.execute(
                "INSERT INTO flashcards (guild_id, user_id, pack_id, term_key, term, card, due, reviews, last_rating, "
                "reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
                "ON CONFLICT (guild_id, user_id, pack_id, term_key) DO NOTHING",
                (guild_id, user_id, pack_id, key, term, card, iso(due), rating, iso(now)),
            ).rowcount
            == 1
        )

    def update(
        self,
        guild_id: int,
        user_id: int,
        pack_id: str,
        key: str,
        term: str,
        card: str,
        due: datetime,
        rating: int,
        now: datetime,
        reviews: int,
    ) -> bool:
        """A later rating, given when the card had ``reviews`` ratings; False (nothing
        written) if it has had another since."""
        return (
            self._c.execute(
                "UPDATE flashcards SET term = ?, card = ?, due = ?, reviews = reviews + 1, last_rating = ?, "
                "reviewed_at = ? WHERE guild_id = ? AND user_id = ? AND pack_id = ? AND term_key = ? AND reviews = ?",
                (term, card, iso(due), rating, iso(now), guild_id, user_id, pack_id, key, reviews),
            ).rowcount
            == 1
        )


class FlashcardRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def cards(self, guild_id: int, user_id: int) -> list[StoredCard]:
        """Every flashcard the learner has in the server (the primary key's range)."""
        return await self._db.read(
            lambda c: [
                _card(r)
                for r in c.execute(
                    f"SELECT {_COLUMNS} FROM flashcards WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
                )
            ]
        )

    async def card(self, guild_id: int, user_id: int, pack_id: str, key: str) -> StoredCard | None:
        return await self._db.read(lambda c: FlashcardTx(c).card(guild_id, user_id, pack_id, key))

    def write(self, fn: Callable[[FlashcardTx], T]) -> Awaitable[T]:
        """Run ``fn`` in a write of its own; awaited, its result once committed."""
        return self._db.write(lambda c: fn(FlashcardTx(c)))
