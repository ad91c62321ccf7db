"""Spaced repetition: when a card falls due again after a right or wrong answer."""

import json
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.srs import card_id, first_review, review

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CID = card_id(1, 2, "ex-q1")


def test_a_new_card_answered_wrong_is_due_within_15_minutes():
    _, due = review(None, CID, False, NOW)
    assert NOW < due <= NOW + timedelta(minutes=15)


def test_a_new_card_answered_right_is_due_at_least_a_day_later():
    _, due = review(None, CID, True, NOW)
    assert due >= NOW + timedelta(days=1)


def test_right_twice_gives_a_longer_interval():
    card, first_due = review(None, CID, True, NOW)
    _, second_due = review(card, CID, True, first_due)
    assert second_due - first_due > first_due - NOW


def test_wrong_after_right_brings_the_card_back_soon():
    card, first_due = review(None, CID, True, NOW)
    _, due = review(card, CID, False, first_due)
    assert first_due < due <= first_due + timedelta(minutes=15)


def test_the_card_round_trips_through_json():
    card_json, due = review(None, CID, True, NOW)
    data = json.loads(card_json)
    assert data["card_id"] == CID
    card = Card.from_json(card_json)
    assert card.to_json() == card_json
    assert card.due == due


def test_reviewing_from_json_continues_the_same_card():
    card_json, due = review(None, CID, True, NOW)
    again_json, _ = review(card_json, CID, True, due)
    assert json.loads(again_json)["card_id"] == CID
    assert json.loads(again_json)["last_review"] != json.loads(card_json)["last_review"]


def test_schedules_are_reproducible():
    assert review(None, CID, True, NOW) == review(None, CID, True, NOW)


def test_due_is_utc_even_when_now_is_local():
    local_now = datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    _, due = review(None, CID, False, local_now)
    assert due.utcoffset() == timedelta(0)
    assert local_now < due <= local_now + timedelta(minutes=15)


def test_card_id_is_stable():
    assert card_id(1, 2, "ex-q1") == card_id(1, 2, "ex-q1")
    assert card_id(1, 2, "ex-q1") == zlib.crc32(b"1:2:ex-q1")


def test_card_id_differs_by_guild_user_and_question():
    ids = {card_id(1, 2, "ex-q1"), card_id(9, 2, "ex-q1"), card_id(1, 9, "ex-q1"), card_id(1, 2, "ex-q2")}
    assert len(ids) == 4


def test_card_id_is_a_positive_int():
    assert all(isinstance(c, int) and c > 0 for c in (card_id(g, u, "q") for g in range(20) for u in range(20)))


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1),
        max_value=datetime(2035, 1, 1),
        timezones=st.sampled_from([UTC, ZoneInfo("Europe/London"), ZoneInfo("Pacific/Auckland")]),
    ),
    st.booleans(),
    st.integers(min_value=1, max_value=2**32 - 1),
)
def test_first_review_is_the_schedulers_own_first_review(now, correct, cid):
    utc = now.astimezone(UTC)
    fast_json, fast_due = first_review(cid, correct, utc, utc.isoformat())
    slow_json, slow_due = review(None, cid, correct, now)
    assert fast_due == slow_due.isoformat()
    assert json.loads(fast_json) == json.loads(slow_json)
    assert Card.from_json(fast_json).to_json() == slow_json  # and fsrs reads it back as its own


def test_first_review_refuses_a_moment_that_is_not_utc():
    local = datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    for wrong in (local, local.replace(tzinfo=None)):
        with pytest.raises(ValueError, match="UTC"):
            first_review(CID, True, wrong, wrong.isoformat())
