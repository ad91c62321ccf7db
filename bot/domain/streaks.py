"""Streaks: consecutive scheduled daily posts answered.

Only scheduled posts count, so days without a post (not a scheduled day, or the
schedule was paused) never break a streak. A post still open does not break it yet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Streak:
    current: int
    best: int


def streak(posts: list[tuple[str, bool]], answered: set[str]) -> Streak:
    """``posts``: (slot, still open) for the server's scheduled posts, oldest first."""
    best = run = 0
    for slot, _ in posts:
        run = run + 1 if slot in answered else 0
        best = max(best, run)
    current = 0
    for i, (slot, is_open) in enumerate(reversed(posts)):
        if slot in answered:
            current += 1
        elif i == 0 and is_open:
            continue  # today's question can still be answered
        else:
            break
    return Streak(current, max(best, current))
