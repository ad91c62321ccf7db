"""Flashcards from a pack's terms: each term is a card for each learner, scheduled with FSRS
(the scheduler of ``bot.domain.srs``, so flashcards and revision cards keep the same steps)
on the learner's own rating of their recall: Again, Hard, Good or Easy.

A card is known by its pack id and its term normalised (``term_key``: Unicode NFKC, case
folded, every run of white space one space, trimmed). A pack update that keeps the term,
with a new definition, a capital letter or a stray space, keeps every learner's card; a
term renamed or taken out leaves its cards unoffered, as a question taken out of a pack
leaves its revision cards. A button names a card by its pack and ``digest(key)`` (a
custom_id holds 100 characters; a term alone may hold 100).

Pure: no I/O, and the moment is passed in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating

from bot.packs.schema import Pack, Term

from .srs import SCHEDULER, card_id

RATINGS: dict[int, str] = {int(r): r.name for r in Rating}  # 1 Again, 2 Hard, 3 Good, 4 Easy
DIGEST_CHARS = 12  # hex: 48 bits, for the terms of one pack
_SPACES = re.compile(r"\s+")


def term_key(term: str) -> str:
    """The term as a card knows it: ``"  HEAT "`` and ``"heat"`` are one card."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", term).casefold()).strip()


def digest(key: str) -> str:
    """A short, stable name for a term's key, for custom_ids."""
    return hashlib.blake2b(key.encode(), digest_size=DIGEST_CHARS // 2).hexdigest()


def flashcard_id(guild_id: int, user_id: int, pack_id: str, key: str) -> int:
    """The FSRS card id (passed in, so ``fsrs.Card`` does not sleep to make one)."""
    return card_id(guild_id, user_id, f"fc:{pack_id}:{key}")


@dataclass(frozen=True, slots=True)
class TermCard:
    """A term of a pack, as a card: what it is shown as, and how it is known."""

    pack: Pack
    term: Term
    key: str
    digest: str

    @property
    def pack_id(self) -> str:
        return self.pack.pack


def term_cards(pack: Pack) -> list[TermCard]:
    """The pack's terms in the pack's order, one card per key (a term written twice is one card)."""
    seen: set[str] = set()
    out = []
    for term in pack.terms:
        key = term_key(term.term)
        if key and key not in seen:
            seen.add(key)
            out.append(TermCard(pack, term, key, digest(key)))
    return out


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A learner's flashcard as kept: its FSRS state (JSON), when it is due, and how many
    ratings it has had (a rating names the count it was given at, so it counts once)."""

    pack_id: str
    term_key: str
    card: str
    due: datetime
    reviews: int


@dataclass(frozen=True, slots=True)
class Deck:
    """What a learner has to do in the cards offered: the due ones, most overdue first,
    then the new ones in the packs' order; and, when nothing is either, when the next falls due."""

    due: list[TermCard]
    new: list[TermCard]
    next_due: datetime | None
    cards: dict[tuple[str, str], StoredCard]  # the learner's cards among those offered, by (pack, key)

    def first(self) -> TermCard | None:
        for cards in (self.due, self.new):
            if cards:
                return cards[0]
        return None

    def stored(self, tc: TermCard) -> StoredCard | None:
        return self.cards.get((tc.pack_id, tc.key))


def deck(offered: Iterable[TermCard], stored: Iterable[StoredCard], now: datetime) -> Deck:
    """Sort the offered terms by the learner's cards. A card whose term is not offered (its
    term left the pack, or its pack is disabled or not asked for) plays no part."""
    mine = {(s.pack_id, s.term_key): s for s in stored}
    due: list[tuple[datetime, int, TermCard]] = []
    new: list[TermCard] = []
    later: list[datetime] = []
    kept: dict[tuple[str, str], StoredCard] = {}
    for n, tc in enumerate(offered):
        card = mine.get((tc.pack_id, tc.key))
        if card is None:
            new.append(tc)
            continue
        kept[(tc.pack_id, tc.key)] = card
        if card.due <= now:
            due.append((card.due, n, tc))
        else:
            later.append(card.due)
    due.sort(key=lambda d: (d[0], d[1]))
    return Deck([tc for *_, tc in due], new, min(later, default=None), kept)


def review(card_json: str | None, cid: int, rating: int, now: datetime) -> tuple[str, datetime]:
    """The card after the learner's rating (1 Again ... 4 Easy), as JSON, and when it is next due."""
    now = now.astimezone(UTC)
    card = Card.from_json(card_json) if card_json else Card(card_id=cid, due=now)
    card, _ = SCHEDULER.review_card(card, Rating(rating), now)
    return card.to_json(), card.due


def intervals(card_json: str | None, cid: int, now: datetime) -> Mapping[int, timedelta]:
    """How long until the card is due again after each rating given now."""
    return {rating: review(card_json, cid, rating, now)[1] - now for rating in RATINGS}
