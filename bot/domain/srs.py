"""Spaced repetition with FSRS: every question a learner answers becomes a card.

A wrong answer rates the card Again (due again within minutes); a right one rates it
Good (due in days, growing with each right answer). Fuzzing is off so schedules are
reproducible.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),),
                      enable_fuzzing=False)


def card_id(guild_id: int, user_id: int, question_id: str) -> int:
    # fsrs.Card() without an id sleeps 1 ms to make one; a stable id avoids that.
    return zlib.crc32(f"{guild_id}:{user_id}:{question_id}".encode()) or 1


def review(card_json: str | None, cid: int, correct: bool, now: datetime) -> tuple[str, datetime]:
    """The card after this answer, as JSON, and when it is next due."""
    now = now.astimezone(timezone.utc)
    card = Card.from_json(card_json) if card_json else Card(card_id=cid, due=now)
    card, _ = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, now)
    return card.to_json(), card.due
