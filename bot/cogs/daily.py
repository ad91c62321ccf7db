"""/daily: the tutor's schedule for the cohort's daily question, drawing the post, and
keeping its count of answers up to date.

The count on an open post is edited at most once every ``LIVE_COUNT_EVERY`` seconds per
post: the first answer after an edit starts the wait, the answers that come in meanwhile
ride along, and the edit reads the count from the database when it is made. So a burst of
1,000 clicks costs one edit, not 1,000. A wait cut short by a restart is made up at start
(each open post that has answers is refreshed once), and the reveal at close shows the
final count whatever happened.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.access import tutor_only
from bot.app import RevisionBot
from bot.cogs.scheduler import PostKind, Rendered, Scheduler
from bot.domain.errors import UserError
from bot.domain.records import Post
from bot.ui import choices
from bot.ui import questions as ui
from bot.ui.errors import guild_id

log = logging.getLogger(__name__)
LIVE_COUNT_EVERY = 30.0  # seconds: the most often one post's answer count is edited


class Daily(commands.GroupCog, group_name="daily", group_description="The cohort's daily revision question."):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot
        self._counting: dict[int, asyncio.Task[None]] = {}  # post id -> its pending count edit
        self._startup: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        scheduler = self.bot.cog(Scheduler)
        scheduler.register(
            "daily", PostKind(render=self.render, reveal=self.reveal, after_sent=self.bot.svc.daily.after_sent)
        )
        scheduler.add_claimer(self.bot.svc.daily.claim_due, self.bot.svc.daily.next_due)
        self._startup = asyncio.create_task(self._refresh_open_posts())

    async def cog_unload(self) -> None:
        for task in (*self._counting.values(), self._startup):
            if task is not None:
                task.cancel()
        self._counting.clear()

    # -- the post ---------------------------------------------------------------------
    async def render(self, post: Post) -> Rendered | None:
        live = await self.bot.svc.daily.live(post, utcnow())
        if live is None:
            return None
        return ui.live_post_embed(live), ui.answer_view(live.question, f"p{post.id}", in_channel=True, order=live.order)

    async def reveal(self, post: Post, now: datetime) -> Rendered | None:
        """The closed post: the answer and how the cohort answered, with no components
        (a menu or buttons left on it would look usable). A click on an older closed post
        that still has them gets the private "closed" reply."""
        revealed = await self.bot.svc.daily.reveal(post)
        if revealed is None:
            return None
        q, pack, tally, order = revealed
        return ui.reveal_embed(q, pack, tally, now, order), None

    # -- the live count of answers ---------------------------------------------------------
    def post_answered(self, post_id: int) -> None:
        """A first answer was kept on this daily post: its count is shown within
        ``LIVE_COUNT_EVERY`` seconds, in one edit for every answer until then."""
        if post_id not in self._counting:
            self._counting[post_id] = asyncio.create_task(self._count_later(post_id))

    async def _count_later(self, post_id: int) -> None:
        try:
            await asyncio.sleep(LIVE_COUNT_EVERY)
        finally:
            self._counting.pop(post_id, None)  # answers from now on wait for the next edit
        try:
            await self._show_count(post_id)
        except Exception:  # a task's exception would go unseen: log it; the reveal has the count anyway
            log.exception("could not show the answer count on daily post %d", post_id)

    async def _show_count(self, post_id: int) -> None:
        daily = self.bot.svc.daily
        post = await daily.post(post_id)
        if post is None or post.status != "open" or post.message_id is None or post.closed_at_time(utcnow()):
            return  # closing (or closed): the reveal shows the final count
        rendered = await self.render(post)
        try:
            channel = await self.bot.cog(Scheduler).channel_of(post.channel_id)
        except discord.HTTPException:
            return
        if rendered is None or channel is None:
            return
        message = channel.get_partial_message(post.message_id)
        try:
            await message.edit(embed=rendered[0])
        except discord.HTTPException as exc:
            log.warning("could not show the answer count on daily post %d: %s", post_id, exc)
            return
        # The post may have closed while this edit was on its way, and the edit may have
        # landed on top of the reveal: then put the reveal back.
        after = await daily.post(post_id)
        if after is not None and after.status == "closed" and (revealed := await self.reveal(after, utcnow())):
            await message.edit(embed=revealed[0], view=revealed[1])

    async def _refresh_open_posts(self) -> None:
        """At start, show the count on every open post that has answers (an edit that was
        waiting when the bot stopped was lost with it)."""
        await self.bot.wait_until_ready()
        daily = self.bot.svc.daily
        try:
            for guild in self.bot.guilds:
                for post in await daily.open_posts(guild.id):
                    if await daily.answer_count(post):
                        self.post_answered(post.id)
        except Exception:  # the counts are a nicety: the bot runs on without them
            log.exception("could not refresh the answer counts of the open daily posts")

    @app_commands.command(name="setup", description="Post a question to a channel at a set local time on set days.")
    @app_commands.describe(
        channel="Where the question is posted.",
        time="Local time, 24-hour HH:MM (e.g. 09:00).",
        timezone="IANA time zone (start typing, e.g. Europe/London).",
        days="Which days: mon-fri (default), daily, weekends, or a list like mon,wed,fri.",
        packs="Only these pack ids, comma separated (default: every enabled pack).",
        answer_hours="Close answers after this many hours (default: when the next question is posted).",
    )
    @app_commands.guild_only()
    @tutor_only()
    async def setup_(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str = "Europe/London",
        days: str | None = None,
        packs: str | None = None,
        answer_hours: app_commands.Range[int, 1, 72] | None = None,
    ) -> None:
        me = channel.guild.me
        perms = channel.permissions_for(me) if me else None
        if perms is None or not (perms.view_channel and perms.send_messages and perms.embed_links):
            raise UserError(
                f"I cannot post in {channel.mention}: give me View Channel, Send Messages and "
                "Embed Links there, or choose another channel."
            )
        status = await self.bot.svc.daily.configure(
            guild_id(interaction), channel.id, time, timezone, days, packs, answer_hours, utcnow()
        )
        self.bot.cog(Scheduler).wake()
        await interaction.response.send_message(f"✅ Daily question set.\n{status.describe()}", ephemeral=True)

    @setup_.autocomplete("timezone")
    async def _tz(self, interaction: discord.Interaction, current: str):
        return choices.timezones(current)

    @app_commands.command(name="status", description="When the next daily question is posted, and from which packs.")
    @app_commands.guild_only()
    async def status(self, interaction: discord.Interaction) -> None:
        status = await self.bot.svc.daily.status(guild_id(interaction), utcnow())
        await interaction.response.send_message(f"📅 **The daily question**\n{status.describe()}", ephemeral=True)

    @app_commands.command(name="pause", description="Stop posting daily questions until resumed (streaks are kept).")
    @app_commands.guild_only()
    @tutor_only()
    async def pause(self, interaction: discord.Interaction) -> None:
        status = await self.bot.svc.daily.set_paused(guild_id(interaction), True, utcnow())
        await interaction.response.send_message(f"⏸️ Paused.\n{status.describe()}", ephemeral=True)

    @app_commands.command(name="resume", description="Start posting daily questions again.")
    @app_commands.guild_only()
    @tutor_only()
    async def resume(self, interaction: discord.Interaction) -> None:
        status = await self.bot.svc.daily.set_paused(guild_id(interaction), False, utcnow())
        self.bot.cog(Scheduler).wake()
        await interaction.response.send_message(f"▶️ Resumed.\n{status.describe()}", ephemeral=True)

    @app_commands.command(name="post", description="Post the next question now, outside the schedule.")
    @app_commands.guild_only()
    @tutor_only()
    async def post(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = utcnow()
        post = await self.bot.svc.daily.claim_now(guild_id(interaction), now)
        await self.bot.cog(Scheduler).post_now(interaction, post, now)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Daily(bot))
