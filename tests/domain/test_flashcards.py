"""Flashcards' pure rules: how a term is known, the order cards come in, FSRS on four ratings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain import flashcards as fc
from bot.domain import srs
from bot.packs.loader import load_paths

PACKS = {r.pack.pack: r.pack for r in load_paths([Path(__file__).resolve().parents[2] / "content"]) if r.pack}
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_a_term_is_known_by_its_text_normalised_whatever_its_case_spacing_or_unicode_form():
    assert fc.term_key("  Acknowledge,  Apologise,\nAct ") == "acknowledge, apologise, act"
    assert fc.term_key("HEAT") == fc.term_key("heat") == fc.term_key("Heat\u00a0")  # a no-break space too
    assert fc.term_key("ﬁle") == fc.term_key("file")  # NFKC: a ligature is its letters
    assert fc.term_key("HEAT") != fc.term_key("HEAT model")
    assert fc.digest("heat") == fc.digest(fc.term_key("HEAT"))
    assert len(fc.digest("heat")) == fc.DIGEST_CHARS and int(fc.digest("heat"), 16) >= 0


def test_every_shipped_term_is_a_card_of_its_own_within_its_pack():
    for pack in PACKS.values():
        cards = fc.term_cards(pack)
        assert cards and len({c.digest for c in cards}) == len(cards) == len(pack.terms), pack.pack
        assert [c.term for c in cards] == pack.terms  # in the pack's order


def test_a_term_written_twice_in_a_pack_is_one_card():
    pack = next(iter(PACKS.values()))
    twice = pack.model_copy(
        update={"terms": [*pack.terms, pack.terms[0].model_copy(update={"term": "  " + pack.terms[0].term.upper()})]}
    )
    assert len(fc.term_cards(twice)) == len(pack.terms)


def _stored(tc: fc.TermCard, due: datetime, reviews: int = 1) -> fc.StoredCard:
    return fc.StoredCard(tc.pack_id, tc.key, "{}", due, reviews)


def test_the_deck_serves_due_cards_most_overdue_first_then_new_ones_in_the_packs_order():
    cards = fc.term_cards(PACKS["highfield-l3-unmet-expectations"])
    a, b, c, d = cards[:4]
    stored = [
        _stored(b, T0 - timedelta(hours=1)),
        _stored(d, T0 - timedelta(days=2)),
        _stored(a, T0 + timedelta(days=3)),
    ]
    deck = fc.deck(cards, stored, T0)
    assert deck.due == [d, b]
    assert deck.new == [c, *cards[4:]]
    assert deck.first() == d and deck.stored(a) == stored[2]
    assert deck.next_due == T0 + timedelta(days=3)


def test_a_card_whose_term_is_not_offered_plays_no_part():
    cards = fc.term_cards(PACKS["highfield-l3-unmet-expectations"])
    gone = fc.StoredCard(cards[0].pack_id, "a term taken out of the pack", "{}", T0 - timedelta(days=9), 4)
    deck = fc.deck(cards, [gone], T0)
    assert deck.due == [] and deck.new == cards and deck.next_due is None and deck.cards == {}


def test_every_card_rated_leaves_nothing_but_when_the_next_falls_due():
    cards = fc.term_cards(PACKS["highfield-l3-unmet-expectations"])
    stored = [_stored(tc, T0 + timedelta(hours=n + 1)) for n, tc in enumerate(cards)]
    deck = fc.deck(cards, stored, T0)
    assert deck.first() is None and deck.next_due == T0 + timedelta(hours=1) and len(deck.cards) == len(cards)


def test_good_and_again_schedule_a_flashcard_exactly_as_a_revision_card():
    cid = fc.flashcard_id(1, 2, "pack", "heat")
    for rating, correct in ((3, True), (1, False)):
        assert fc.review(None, cid, rating, T0) == srs.review(None, cid, correct, T0)
        card, due = fc.review(None, cid, rating, T0)
        assert fc.review(card, cid, rating, due) == srs.review(card, cid, correct, due)


def test_the_four_ratings_put_a_card_away_for_longer_and_longer():
    new = fc.intervals(None, 1, T0)
    assert new[1] == timedelta(minutes=10)  # Again: the learning step
    assert new[1] < new[2] < new[3] < new[4]
    card, due = fc.review(None, 1, 3, T0)
    later = fc.intervals(card, 1, due)
    assert later[1] < later[2] < later[3] < later[4] and later[3] > new[3]  # a second Good waits longer
