"""Sending cohort posts and closing them: what is due, each send attempt, and the retry rule.

The posts table is the record: a post is claimed (one row per slot) before it is sent,
and each send is taken by one process (``start_attempt``), so whatever restarts happen,
and however many processes hold the server's shard, a slot is posted at most once. A failed send is tried again
later, waiting twice as long each time, until ``retry_delay`` gives up.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.records import Post
from bot.domain.schedule import retry_delay
from bot.store.posts import PostRepo


class PostingService:
    def __init__(self, posts: PostRepo) -> None:
        self._posts = posts

    async def to_send(self, now: datetime) -> list[Post]:
        """Posts claimed and not sent yet whose time (or retry) has come."""
        return await self._posts.pending(now)

    async def to_close(self, now: datetime) -> list[Post]:
        """Open posts whose answer time is over."""
        return await self._posts.due_to_close(now)

    async def next_event(self) -> datetime | None:
        """The earliest retry of a post not sent yet, or close of an open one."""
        return await self._posts.next_event()

    async def start_attempt(self, post: Post, now: datetime) -> int | None:
        """Take the post to retry it, or to take it over from a process that stopped
        mid-send (its lease ran out), counting the attempt; returns its number (above 1:
        the message may already be in the channel), or None when the post is not this
        process's to send: another holds it, or it is no longer pending."""
        return await self._posts.start_attempt(post.id, now)

    async def hold(self, post: Post, attempt: int, now: datetime) -> bool:
        """Renew this process's hold on ``attempt`` just before sending (a slow tick may
        have used up much of it); False: another process has taken the post over."""
        return await self._posts.hold(post.id, attempt, now)

    async def sent(self, post: Post, message_id: int, now: datetime, *, attempt: int) -> bool:
        """Record the send of ``attempt``; False if another process took the post over
        meanwhile (its record stands)."""
        return await self._posts.mark_sent(post.id, message_id, now, attempt=attempt)

    async def failed(self, post: Post, attempt: int, now: datetime) -> datetime | None:
        """A send failed: when to try again, or None when it is given up."""
        delay = retry_delay(attempt)
        retry_at = now + delay if delay else None
        await self._posts.mark_retry(post.id, retry_at, attempt=attempt)
        return retry_at

    async def give_up(self, post: Post, *, attempt: int) -> None:
        """The post cannot be sent (its content is gone): never try it again."""
        await self._posts.mark_retry(post.id, None, attempt=attempt)

    async def close(self, post: Post, now: datetime) -> bool:
        """Close the post; False if it was closed already."""
        return await self._posts.close(post.id, now)
