"""Streaks: consecutive scheduled daily posts answered.

Only scheduled posts count, so days without a post (not a scheduled day, or the
schedule was paused) never break a streak. A post still open does not break it yet.

A learner's streak is kept as a ``Run`` (their latest run of answered posts, as of their
latest answer) so answering reads one row; ``shown`` decides against the server's posts
whether that run is still alive. The run is judged against the posts that existed when
the answer was given: a post whose sending only succeeded after a later one went out
(retries give up within about 35 minutes) is not fitted into runs already kept.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

MANUAL = "manual:"  # the slot prefix of a post a tutor sent by hand (/daily post, /myth post, a challenge)


def counts_for_streak(slot: str) -> bool:
    """Only scheduled posts make (or break) a streak; a post sent by hand does neither."""
    return not slot.startswith(MANUAL)


def scheduled(posts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The posts, (slot, still open), that count for streaks."""
    return [p for p in posts if counts_for_streak(p[0])]


@dataclass(slots=True)
class Streak:
    current: int
    best: int


@dataclass(slots=True)
class Run:
    last_slot: str  # the latest scheduled post answered
    length: int  # answered posts in a row, ending there
    best: int


def extend(run: Run | None, slots: list[str], slot: str) -> Run | None:
    """The run after answering the post at ``slot``; ``slots`` are the server's scheduled
    posts, oldest first. None when the answer is older than the run's end (answered out
    of order): the run must then be rebuilt from the history with ``from_history``."""
    if run is None:
        return Run(slot, 1, 1)
    if slot <= run.last_slot:
        return None
    i = bisect_left(slots, slot)
    follows = i > 0 and slots[i - 1] == run.last_slot
    length = run.length + 1 if follows else 1
    return Run(slot, length, max(run.best, length))


def from_history(slots: list[str], answered: set[str]) -> Run | None:
    """The run from every answer the learner has given (``slots`` oldest first)."""
    run: Run | None = None
    for slot in slots:
        if slot in answered:
            run = extend(run, slots, slot)
    return run


def shown(run: Run | None, posts: list[tuple[str, bool]]) -> Streak:
    """The streak as the learner sees it now. ``posts``: (slot, still open) for the
    server's scheduled posts, oldest first. The run is alive unless a post after it has
    closed unanswered; today's open post does not break it yet."""
    if run is None:
        return Streak(0, 0)
    after = len(posts) - bisect_right(posts, run.last_slot, key=_slot)
    alive = after == 0 or (after == 1 and posts[-1][1])
    return Streak(run.length if alive else 0, run.best)


def _slot(post: tuple[str, bool]) -> str:
    return post[0]


def streak(posts: list[tuple[str, bool]], answered: set[str]) -> Streak:
    """The streak straight from the history (what ``shown`` of the kept run must equal)."""
    return shown(from_history([slot for slot, _ in posts], answered), posts)
