"""FlashcardService on a real SQLite file and the shipped packs: scheduling, due order,
a double rating kept once, cards that survive a pack update, and practice staying practice."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import flashcards as fc
from bot.domain.errors import UserError
from bot.services.flashcards import GONE, NO_TERMS, AllDone, Front

G, LEARNER, OTHER, TUTOR = 41, 42, 43, 44
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
PACK = "highfield-l3-unmet-expectations"  # the shipped pack with the fewest terms (15)
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()
GOOD, AGAIN, EASY = 3, 1, 4


async def front(services, now: datetime, pack: str | None = PACK, user: int = LEARNER) -> Front:
    shown = await services.flashcards.next_card(G, user, pack, now)
    assert isinstance(shown, Front), shown
    return shown


async def rate(services, shown: Front, rating: int, now: datetime, user: int = LEARNER):
    return await services.flashcards.rate(G, user, shown.card.pack_id, shown.card.digest, shown.reviews, rating, now)


async def rows(inside, table: str) -> list[tuple]:
    return await inside.db.read(lambda c: [tuple(r) for r in c.execute(f"SELECT * FROM {table}")])


async def test_a_new_card_is_the_packs_first_term_and_good_puts_it_away_for_days(built):
    services, inside = built
    terms = inside.library.pack(G, PACK).pack.terms
    shown = await front(services, T0)
    assert shown.term == terms[0] and shown.is_new and (shown.due, shown.new) == (0, len(terms))

    back = await services.flashcards.reveal(G, LEARNER, PACK, shown.card.digest, T0)
    assert back.term.definition == terms[0].definition and back.reviews == 0
    assert back.intervals[AGAIN] == timedelta(minutes=10) and back.intervals[GOOD] == timedelta(days=2)

    rated = await rate(services, shown, GOOD, T0)
    assert rated.recorded and rated.due == T0 + back.intervals[GOOD]
    after = await front(services, T0)
    assert after.term == terms[1] and (after.due, after.new) == (0, len(terms) - 1)

    # two days on, the first card is due again, before any new one, and has a rating to its name
    again = await front(services, T0 + timedelta(days=2, minutes=1))
    assert again.term == terms[0] and not again.is_new and again.reviews == 1 and again.due == 1
    assert (await front(services, T0 + timedelta(days=3), user=OTHER)).is_new  # each learner has cards of their own
    assert await rows(inside, "answers") == [] and await rows(inside, "points") == []  # practice: nothing else
    assert await rows(inside, "score_totals") == [] and await rows(inside, "cards") == []


async def test_due_cards_come_first_most_overdue_first_then_the_new_ones(built):
    services, inside = built
    terms = inside.library.pack(G, PACK).pack.terms
    # three new cards rated Good (2 days), Easy (8 days) and Again (10 minutes)
    dealt = []
    for rating in (GOOD, EASY, AGAIN):
        shown = await front(services, T0)
        await rate(services, shown, rating, T0)
        dealt.append(shown.card)
    good, easy, again = dealt

    soon = T0 + timedelta(minutes=11)
    assert (await front(services, soon)).card == again  # due, so before the 12 new ones
    order = []
    later = T0 + timedelta(days=9)
    for _ in range(4):
        shown = await front(services, later)
        order.append(shown.card)
        await rate(services, shown, GOOD, later)
    assert order[:3] == [again, good, easy]  # by how long each has been due
    assert [c.term for c in dealt] == terms[:3] and order[3].term == terms[3]  # then new ones, in the pack's order


async def test_a_double_rating_is_recorded_once_and_the_next_rating_counts(built):
    services, inside = built
    shown = await front(services, T0)
    both = await asyncio.gather(rate(services, shown, GOOD, T0), rate(services, shown, GOOD, T0))
    assert sorted(r.recorded for r in both) == [False, True]
    assert both[0].due == both[1].due == T0 + timedelta(days=2)  # the second is told when the kept one is due
    again = await rate(services, shown, EASY, T0 + timedelta(seconds=5))  # a late click on the same card: still once
    assert not again.recorded

    stored = await inside.db.read(
        lambda c: c.execute("SELECT reviews, last_rating, due FROM flashcards WHERE user_id = ?", (LEARNER,)).fetchall()
    )
    assert [tuple(r) for r in stored] == [(1, GOOD, (T0 + timedelta(days=2)).isoformat())]

    later = T0 + timedelta(days=2, minutes=1)
    due = await front(services, later)
    assert due.card == shown.card and due.reviews == 1
    assert (await rate(services, due, GOOD, later)).recorded
    assert not (await rate(services, due, GOOD, later)).recorded


async def test_when_every_term_is_rated_it_says_when_the_next_card_falls_due(built):
    services, inside = built
    terms = inside.library.pack(G, PACK).pack.terms
    for n in range(len(terms)):
        shown = await front(services, T0)
        await rate(services, shown, AGAIN if n == 0 else GOOD, T0)
    done = await services.flashcards.next_card(G, LEARNER, PACK, T0 + timedelta(minutes=1))
    assert isinstance(done, AllDone)
    assert done.next_due == T0 + timedelta(minutes=10) and done.cards == len(terms)  # the first, rated Again
    # the other packs' terms are still new: without a pack, the learner goes on
    assert (await front(services, T0 + timedelta(minutes=1), pack=None)).is_new


async def test_a_card_survives_a_pack_update_that_keeps_its_term_and_a_removed_term_is_refused(built):
    services = built[0]
    await services.content.upload(G, TUTOR, "example.yaml", EXAMPLE, T0)
    shown = await front(services, T0, pack="example-heat")
    assert shown.term.term == "HEAT"
    await rate(services, shown, GOOD, T0)

    # a new version: the term's case and definition change, the card stays the learner's
    v2 = EXAMPLE.replace(b'{term: HEAT, definition: "Hear,', b'{term: Heat, definition: "Listen and hear,')
    assert (await services.content.upload(G, TUTOR, "example.yaml", v2, T0)).pack is not None
    later = T0 + timedelta(days=3)
    kept = await front(services, later, pack="example-heat")
    assert kept.term.term == "Heat" and kept.reviews == 1 and kept.card.digest == shown.card.digest
    back = await services.flashcards.reveal(G, LEARNER, "example-heat", kept.card.digest, later)
    assert back.term.definition.startswith("Listen and hear")

    # another: the term renamed, so the old card's buttons name a term that is gone
    v3 = EXAMPLE.replace(b"{term: HEAT,", b"{term: HEAT model,")
    assert (await services.content.upload(G, TUTOR, "example.yaml", v3, T0)).pack is not None
    with pytest.raises(UserError) as gone:
        await rate(services, kept, GOOD, later)
    assert str(gone.value) == GONE
    with pytest.raises(UserError, match="no longer in its pack"):
        await services.flashcards.reveal(G, LEARNER, "example-heat", kept.card.digest, later)
    renamed = await front(services, later, pack="example-heat")
    assert renamed.term.term == "HEAT model" and renamed.is_new

    # a disabled pack's cards are not offered, and its buttons say so
    await services.content.set_enabled(G, "example-heat", False)
    with pytest.raises(UserError, match="no longer in its pack"):
        await rate(services, renamed, GOOD, later)


async def test_packs_without_terms_and_unknown_packs_are_told_plainly(built):
    services = built[0]
    with pytest.raises(UserError, match="no enabled pack `nope`"):
        await services.flashcards.next_card(G, LEARNER, "nope", T0)
    no_terms = re.sub(rb"terms:\n(  - .*\n)+", b"", EXAMPLE)
    outcome = await services.content.upload(G, TUTOR, "example.yaml", no_terms, T0)
    assert outcome.pack is not None and outcome.pack.pack.terms == []
    with pytest.raises(UserError, match=r"Calming an upset customer\*\* has no terms"):
        await services.flashcards.next_card(G, LEARNER, "example-heat", T0)
    for loaded in services.content.packs(G):
        if loaded.id != "example-heat":
            await services.content.set_enabled(G, loaded.id, False)
    with pytest.raises(UserError) as none:
        await services.flashcards.next_card(G, LEARNER, None, T0)
    assert str(none.value) == NO_TERMS
    assert services.flashcards.packs_with_terms(G) == set()


async def test_a_tampered_rating_or_digest_records_nothing(built):
    services, inside = built
    shown = await front(services, T0)
    with pytest.raises(UserError, match="out of date"):
        await services.flashcards.rate(G, LEARNER, PACK, shown.card.digest, 0, 9, T0)
    with pytest.raises(UserError, match="no longer in its pack"):
        await services.flashcards.rate(G, LEARNER, PACK, "0" * fc.DIGEST_CHARS, 0, GOOD, T0)
    assert not (await services.flashcards.rate(G, LEARNER, PACK, shown.card.digest, 7, GOOD, T0)).recorded
    assert await rows(inside, "flashcards") == []
