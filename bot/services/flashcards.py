"""Flashcards from the packs' terms (/flashcards): the next card for a learner, its
definition, and the learner's rating of their recall, scheduled with FSRS.

Practice only: a rating writes the learner's card and nothing else (no answer, no points,
no streak, nothing a leaderboard reads). The cards offered are the terms of one pack, or
of every enabled pack in the server; due cards come first (most overdue first), then the
terms the learner has not rated yet, in the packs' order. A rating counts once: it names
how many ratings the card had when it was shown, and is kept only if that is still so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import flashcards as fc
from bot.domain.errors import UserError
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Term
from bot.store.flashcards import FlashcardRepo, FlashcardTx

GONE = (
    "This flashcard's term is no longer in its pack (a tutor has changed or removed it, or the pack is off), "
    "so nothing was recorded. Run `/flashcards` for your current cards."
)
STALE = "That button is out of date. Run `/flashcards` for your current cards."
NO_TERMS = (
    "None of this server's enabled packs has any terms to make flashcards from yet. "
    "A tutor can add terms to a pack (its `terms` list)."
)


@dataclass(frozen=True, slots=True)
class Front:
    """A card to show, term side up."""

    card: fc.TermCard
    reviews: int  # ratings it has had (0: a new card)
    due: int  # cards due now among those offered, this one included if it is due
    new: int  # cards never rated among those offered, this one included if it is new

    @property
    def term(self) -> Term:
        return self.card.term

    @property
    def pack(self) -> Pack:
        return self.card.pack

    @property
    def is_new(self) -> bool:
        return self.reviews == 0


@dataclass(frozen=True, slots=True)
class AllDone:
    """Nothing is due and every term offered has a card: when the next one falls due."""

    next_due: datetime | None
    cards: int


@dataclass(frozen=True, slots=True)
class Back:
    """A card turned over: its definition, and how long each rating would put it away for."""

    card: fc.TermCard
    reviews: int
    intervals: dict[int, timedelta]

    @property
    def term(self) -> Term:
        return self.card.term

    @property
    def pack(self) -> Pack:
        return self.card.pack


@dataclass(frozen=True, slots=True)
class Rated:
    card: fc.TermCard
    rating: int
    recorded: bool  # False: the card had been rated since it was shown (a double click): nothing written
    due: datetime | None  # when the card is next due (None: not known, the card is gone)


Next = Front | AllDone


class FlashcardService:
    def __init__(self, library: ContentLibrary, repo: FlashcardRepo) -> None:
        self._library = library
        self._repo = repo
        self._terms: dict[tuple[int, str], tuple[Pack, list[fc.TermCard], dict[str, fc.TermCard]]] = {}

    # -- what is offered ------------------------------------------------------------------
    def _term_cards(self, guild_id: int, pack: Pack) -> tuple[list[fc.TermCard], dict[str, fc.TermCard]]:
        """The pack's cards, and the same by digest; kept until the pack is replaced."""
        key = (guild_id, pack.pack)
        cached = self._terms.get(key)
        if cached is None or cached[0] is not pack:
            cards = fc.term_cards(pack)
            cached = self._terms[key] = (pack, cards, {c.digest: c for c in cards})
        return cached[1], cached[2]

    def packs_with_terms(self, guild_id: int | None) -> set[str]:
        """The ids of the server's enabled packs that have terms."""
        return {p.id for p in self._library.packs(guild_id) if p.pack.terms}

    def _offered(self, guild_id: int, pack_id: str | None) -> list[fc.TermCard]:
        packs = [p for p in self._library.packs(guild_id) if pack_id in (None, p.id)]
        if pack_id is not None and not packs:
            raise UserError(f"There is no enabled pack `{pack_id}`. `/content list` shows the packs.")
        if not any(p.pack.terms for p in packs):
            if pack_id is not None:
                raise UserError(
                    f"The pack **{packs[0].pack.title}** has no terms to make flashcards from. "
                    "Try `/flashcards` without a pack for the terms of every enabled pack."
                )
            raise UserError(NO_TERMS if packs else "No content packs are enabled in this server.")
        return [c for p in packs for c in self._term_cards(guild_id, p.pack)[0]]

    def _card(self, guild_id: int, pack_id: str, digest: str) -> fc.TermCard:
        """The card a button names, if its term is still in an enabled pack."""
        loaded = self._library.pack(guild_id, pack_id)
        if loaded is None or not self._library.is_enabled(guild_id, pack_id):
            raise UserError(GONE)
        found = self._term_cards(guild_id, loaded.pack)[1].get(digest)
        if found is None:
            raise UserError(GONE)
        return found

    # -- the use cases --------------------------------------------------------------------
    async def next_card(self, guild_id: int, user_id: int, pack_id: str | None, now: datetime) -> Next:
        """The learner's next card: the most overdue, else the first new one; else when
        the next falls due."""
        offered = self._offered(guild_id, pack_id)
        d = fc.deck(offered, await self._repo.cards(guild_id, user_id), now)
        first = d.first()
        if first is None:
            return AllDone(d.next_due, len(d.cards))
        stored = d.stored(first)
        return Front(first, stored.reviews if stored else 0, len(d.due), len(d.new))

    async def reveal(self, guild_id: int, user_id: int, pack_id: str, digest: str, now: datetime) -> Back:
        """The card's definition, with the intervals each rating would give it now."""
        card = self._card(guild_id, pack_id, digest)
        stored = await self._repo.card(guild_id, user_id, card.pack_id, card.key)
        cid = fc.flashcard_id(guild_id, user_id, card.pack_id, card.key)
        return Back(
            card,
            stored.reviews if stored else 0,
            dict(fc.intervals(stored.card if stored else None, cid, now)),
        )

    async def rate(
        self, guild_id: int, user_id: int, pack_id: str, digest: str, reviews: int, rating: int, now: datetime
    ) -> Rated:
        """Keep the learner's rating of a card that had ``reviews`` ratings when it was
        shown. A second rating given at the same count (a double click, a retried
        interaction) records nothing and says so."""
        if rating not in fc.RATINGS:
            raise UserError(STALE)
        card = self._card(guild_id, pack_id, digest)
        cid = fc.flashcard_id(guild_id, user_id, card.pack_id, card.key)

        def decide(tx: FlashcardTx) -> Rated:
            stored = tx.card(guild_id, user_id, card.pack_id, card.key)
            if (stored.reviews if stored else 0) != reviews:
                return Rated(card, rating, False, stored.due if stored else None)
            state, due = fc.review(stored.card if stored else None, cid, rating, now)
            args = (guild_id, user_id, card.pack_id, card.key, card.term.term, state, due, rating, now)
            kept = tx.add(*args) if stored is None else tx.update(*args, reviews=reviews)
            return Rated(card, rating, kept, due if kept else None)

        return await self._repo.write(decide)
