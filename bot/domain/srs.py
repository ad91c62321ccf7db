"""Spaced repetition with FSRS: every question a learner answers becomes a card.

A wrong answer rates the card Again (due again within minutes); a right one rates it
Good (due in days, growing with each right answer). Fuzzing is off so schedules are
reproducible.
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta
from functools import cache

from fsrs import Card, Rating, Scheduler

from .timestamps import iso

SCHEDULER = Scheduler(
    learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),), enable_fuzzing=False
)


def card_id(guild_id: int, user_id: int, question_id: str) -> int:
    # fsrs.Card() without an id sleeps 1 ms to make one; a stable id avoids that.
    return zlib.crc32(f"{guild_id}:{user_id}:{question_id}".encode()) or 1


def review(card_json: str | None, cid: int, correct: bool, now: datetime) -> tuple[str, datetime]:
    """The card after this answer, as JSON, and when it is next due."""
    now = now.astimezone(UTC)
    card = Card.from_json(card_json) if card_json else Card(card_id=cid, due=now)
    card, _ = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, now)
    return card.to_json(), card.due


@cache
def _first(correct: bool) -> tuple[str, timedelta]:
    """A new card's first review, as a template: it depends only on the rating, and the
    card falls due the same interval after the answer whenever it is given. Returns the
    card's JSON with its id and times left as %-placeholders, and that interval."""
    at = datetime(2000, 1, 1, tzinfo=UTC)
    card, _ = SCHEDULER.review_card(Card(card_id=1, due=at), Rating.Good if correct else Rating.Again, at)
    fields = card.to_dict()
    rest = json.dumps({k: v for k, v in fields.items() if k not in ("card_id", "due", "last_review")})
    template = '{"card_id": %d, ' + rest[1:-1].replace("%", "%%") + ', "due": "%s", "last_review": "%s"}'
    return template, card.due - at


def first_review(cid: int, correct: bool, now: datetime, stamp: str) -> tuple[str, str]:
    """``review(None, cid, correct, now)`` without running the scheduler for every new
    card in a burst (tests/domain/test_srs.py holds the two equal). ``now`` must be in UTC
    (as the answer path keeps its moments) and ``stamp`` is its text as stored, which the
    caller already has; returns the card's JSON and when it falls due, as stored."""
    if now.utcoffset() != timedelta(0):
        raise ValueError(f"first_review takes a moment in UTC, not {now!r}")
    template, interval = _first(correct)
    due = iso(now + interval)
    return template % (cid, due, stamp), due
