"""The records the store keeps and the layers above it read and write.

Plain data, no behaviour beyond a question about itself: the store builds them from rows
and takes them as rows; a second store (PostgreSQL) would build the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

DEFAULT_TIMEZONE = "Europe/London"  # a server's, until a tutor sets it


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    tutor_role_id: int | None = None
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    local_time: str  # HH:MM
    timezone: str
    days: frozenset[int]  # Monday = 0
    packs: tuple[str, ...] = ()  # empty: every enabled pack
    paused: bool = False
    answer_hours: int | None = None  # None: a post closes when the next one goes out
    myth_day: int | None = None  # weekday of the weekly myth post, at the same time

    def with_(self, **changes: object) -> Schedule:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Post:
    """A cohort post: claimed once per slot, then sent, then closed."""

    id: int
    guild_id: int
    kind: str  # daily | myth | challenge
    slot: str
    item_id: str
    channel_id: int
    message_id: int | None
    status: str  # pending | open | closed | failed
    attempts: int
    retry_at: datetime | None
    posted_at: datetime | None
    closes_at: datetime | None
    shuffled: bool = False  # options shown in the post's own order (posts made before that: written order)

    def closed_at_time(self, now: datetime) -> bool:
        return self.status == "closed" or (self.closes_at is not None and now >= self.closes_at)


@dataclass(slots=True)
class Award:
    """Points for something a learner did; one award per (user, source, ref)."""

    guild_id: int
    user_id: int
    source: str  # daily | myth_post | challenge | reflection | roleplay
    ref: str  # what earned it
    points: int
    reason: str
    periods: tuple[str, ...]  # e.g. ('all', 'w:2026-01-05', 'm:2026-01')
    pack_id: str | None  # the content pack it came from (for that pack's leaderboard)


@dataclass(slots=True)
class Answered:
    """An answer to keep: who, which question, what they chose, right or not, and when."""

    guild_id: int
    user_id: int
    question_id: str
    pack_id: str
    source: str  # daily | quiz | revise
    post_id: int | None
    choice: str  # JSON
    correct: bool
    at: datetime  # UTC
    stamp: str  # ``at`` as stored (bot.domain.timestamps.iso): one answer stamps several rows
    misconceptions: tuple[str, ...] = ()  # myth ids the wrong answer showed


@dataclass(slots=True)
class ReviewedCard:
    """A learner's revision card for one question after a review (FSRS state as JSON)."""

    guild_id: int
    user_id: int
    question_id: str
    card: str
    due: str  # as stored
    new: bool = False  # the learner had no card for this question before this write (a plain insert)


@dataclass(frozen=True)
class Session:
    """A learner's role-play, under way or over."""

    id: int
    guild_id: int
    user_id: int
    scenario_id: str
    pack_id: str
    challenge_id: int | None
    state: dict
    steps: int
    status: str  # active | finished | quit
    outcome: str | None
    score: int | None
    best_score: int | None


@dataclass(frozen=True)
class Reflection:
    """A learner's STAR reflection on a challenge attempt, and the tutor's marking."""

    session_id: int
    user_id: int
    situation: str
    task: str
    action: str
    result: str
    status: str
    feedback: str | None
    bonus: int | None


@dataclass(frozen=True)
class StepSaved:
    """What ``RoleplayRepo.save_step`` did: the step was ``saved`` (False: another step got
    there first, and nothing was written), and the award it carried was ``awarded`` (False
    when there was none, or it had been given before). True when the step was saved."""

    saved: bool
    awarded: bool = False

    def __bool__(self) -> bool:
        return self.saved
