"""The one background loop: claim what is due, send pending posts, close finished ones.

Each kind of cohort post (daily question, myth card, challenge, weekly leaderboard)
registers a ``PostKind`` that knows how to draw it and how to reveal it at close. The
posts table is the record: a post is claimed (one row per slot) before it is sent, and
each send is taken by one process, so whatever restarts happen, and however many
processes hold a server's shard, a slot is posted at most once. Each process schedules
only the servers on its own shards (the store's reads are scoped to them).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord
from discord.ext import commands, tasks
from discord.utils import utcnow

from bot.app import RevisionBot
from bot.domain.records import Post

log = logging.getLogger(__name__)
Rendered = tuple[discord.Embed, discord.ui.View | None]
# The channels a post can be in (a text channel, a thread, a voice or stage channel's chat):
# each can send, read its history and edit one of its messages.
PostChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.StageChannel


@dataclass
class PostKind:
    render: Callable[[Post], Awaitable[Rendered | None]]  # None: the content is gone, give up
    # the closed post; a None view takes the post's buttons and menus off it
    reveal: Callable[[Post, datetime], Awaitable[Rendered | None]]
    after_sent: Callable[[Post, datetime], Awaitable[list[Post]]] | None = None  # posts this one closes


# claim what has fallen due: the posts this process won (and so sends); none claimed twice
Claim = Callable[[datetime], Awaitable[list[Post]]]
NextDue = Callable[[datetime], Awaitable[datetime | None]]  # when the next thing falls due


class Scheduler(commands.Cog):
    """Sleeps until the next thing is due (at most six hours), so it costs nothing between
    posts; commands that change a schedule call ``wake()``."""

    MAX_SLEEP = timedelta(hours=6)  # a safety net: schedule changes call wake()
    MIN_SLEEP = timedelta(seconds=1)

    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot
        self.kinds: dict[str, PostKind] = {}
        self.claimers: list[tuple[Claim, NextDue]] = []
        self._ticking = False
        self._woken = False

    def register(self, kind: str, handler: PostKind) -> None:
        self.kinds[kind] = handler

    def add_claimer(self, claim: Claim, next_due: NextDue) -> None:
        self.claimers.append((claim, next_due))

    def wake(self) -> None:
        """Look again now (a schedule changed), without cutting a tick short."""
        if self._ticking or not self.loop.is_running():
            self._woken = True
        else:
            self.loop.restart()

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    @tasks.loop(hours=1)
    async def loop(self) -> None:
        self._ticking = True
        now = utcnow()
        try:
            await self.tick(now)
            wake_at = await self.next_wake(now)
        except Exception:  # an exception would stop tasks.loop for good
            log.exception("scheduler tick failed; trying again in a minute")
            wake_at = now + timedelta(minutes=1)
        finally:
            self._ticking = False
        delay = self.MIN_SLEEP if self._woken else max(self.MIN_SLEEP, min(self.MAX_SLEEP, wake_at - utcnow()))
        self._woken = False
        self.loop.change_interval(seconds=delay.total_seconds())

    @loop.before_loop
    async def _wait_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def next_wake(self, now: datetime) -> datetime:
        candidates = [now + self.MAX_SLEEP]
        for _, next_due in self.claimers:
            if (due := await next_due(now)) is not None:
                candidates.append(due)
        if (due := await self.bot.svc.posting.next_event()) is not None:
            candidates.append(due)
        return min(candidates)

    async def tick(self, now: datetime) -> None:
        for claim, _ in self.claimers:
            for post in await claim(now):  # won here: the first send is this process's
                await self.publish(post, now, claimed=True)
        for post in await self.bot.svc.posting.to_send(now):  # retries, and sends another process left
            await self.publish(post, now)
        for post in await self.bot.svc.posting.to_close(now):
            await self.close(post, now)

    async def post_now(
        self, interaction: discord.Interaction, post: Post, now: datetime, *, done: str = "Posted"
    ) -> None:
        """Send a post a tutor asked for now, and tell them privately how it went (the
        interaction is deferred already)."""
        message = await self.publish(post, now, claimed=True)
        text = (
            f"{done}: {message.jump_url}"
            if message
            else "Discord did not accept the post; I will keep trying for a while."
        )
        await interaction.followup.send(text, ephemeral=True)

    async def publish(self, post: Post, now: datetime, *, claimed: bool = False) -> discord.Message | None:
        """Send the post, if it is this process's to send. ``claimed``: this process has
        just claimed it, and with the claim its first attempt, whose hold is renewed now;
        otherwise the post is taken (a retry, or one a stopped process left). Every record
        of the send is of that attempt only, so a process that was overtaken records nothing."""
        posting = self.bot.svc.posting
        held_from = utcnow()  # not the tick's start: claiming many servers takes a while
        if claimed:
            attempt = post.attempts if await posting.hold(post, post.attempts, held_from) else None
        else:
            attempt = await posting.start_attempt(post, held_from)
        if attempt is None:  # another process holding this server's shard has it
            log.info("post %d (%s %s) is being sent by another process", post.id, post.kind, post.item_id)
            return None
        kind = self.kinds.get(post.kind)
        rendered = await kind.render(post) if kind else None
        if kind is None or rendered is None:
            log.error("post %d (%s %s) has no content any more; giving up on it", post.id, post.kind, post.item_id)
            await posting.give_up(post, attempt=attempt)
            return None
        try:
            channel = await self.channel_of(post.channel_id)
            if channel is None:  # not a text channel or thread: trying again will not help
                log.error("post %d: channel %d cannot take a post; giving up on it", post.id, post.channel_id)
                await posting.give_up(post, attempt=attempt)
                return None
            message = await self._already_sent(channel, post) if attempt > 1 else None
            if message is None:
                embed, view = rendered
                message = await channel.send(
                    embed=embed, view=view or discord.utils.MISSING, allowed_mentions=discord.AllowedMentions.none()
                )
        except discord.HTTPException as exc:
            await self._failed(post, attempt, now, exc)
            return None
        if not await posting.sent(post, message.id, now, attempt=attempt):
            log.warning(
                "post %d was taken over by another process while this one was sending it (for longer than "
                "the send hold); the other's record stands",
                post.id,
            )
            return None
        log.info("posted %s %d (%s) in channel %d", post.kind, post.id, post.item_id, post.channel_id)
        if kind.after_sent:
            for old in await kind.after_sent(post, now):
                await self.close(old, now)
        return message

    async def _failed(self, post: Post, attempt: int, now: datetime, problem: object) -> None:
        """Record a failed send: the post is retried later, or given up on."""
        retry_at = await self.bot.svc.posting.failed(post, attempt, now)
        log.warning(
            "post %d to channel %d failed (attempt %d): %s; %s",
            post.id,
            post.channel_id,
            attempt,
            problem,
            f"retrying at {retry_at:%H:%M:%S}" if retry_at else "giving up",
        )

    async def channel_of(self, channel_id: int) -> PostChannel | None:
        """The channel a post is in; None if it is a kind of channel that cannot hold one."""
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        return channel if isinstance(channel, PostChannel) else None

    async def _already_sent(self, channel: PostChannel, post: Post) -> discord.Message | None:
        """After a crash between sending and recording, find the message we did send."""
        marker = f":p{post.id}"
        # Posts are sent by the loop (started after wait_until_ready) or by a command (which
        # arrives only once logged in): either way the bot is logged in and has a user.
        assert self.bot.user is not None
        async for message in channel.history(limit=25):
            if message.author.id != self.bot.user.id:
                continue
            ids = [
                getattr(c, "custom_id", "") or "" for row in message.components for c in getattr(row, "children", [])
            ]
            if any(i.endswith(marker) or f"{marker}:" in i for i in ids):
                return message
        return None

    async def close(self, post: Post, now: datetime) -> None:
        if not await self.bot.svc.posting.close(post, now):
            return  # closed already
        kind = self.kinds.get(post.kind)
        rendered = await kind.reveal(post, now) if kind else None
        if rendered is None or post.message_id is None:
            return
        embed, view = rendered
        try:
            channel = await self.channel_of(post.channel_id)
            if channel is None:
                log.warning("could not edit closed post %d: channel %d cannot hold posts", post.id, post.channel_id)
                return
            await channel.get_partial_message(post.message_id).edit(embed=embed, view=view)
        except discord.HTTPException as exc:
            log.warning("could not edit closed post %d: %s", post.id, exc)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Scheduler(bot))
