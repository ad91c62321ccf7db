"""/daily: the tutor's schedule for the cohort's daily question, and drawing the post."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt, utcnow

from bot.access import tutor_only
from bot.app import RevisionBot
from bot.cogs.scheduler import PostKind, Scheduler
from bot.domain.errors import UserError
from bot.domain.records import Post
from bot.ui import choices
from bot.ui import questions as ui
from bot.ui.errors import guild_id


class Daily(commands.GroupCog, group_name="daily", group_description="The cohort's daily revision question."):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        scheduler = self.bot.cog(Scheduler)
        scheduler.register("daily", _post_kind(self.bot))
        scheduler.add_claimer(self.bot.svc.daily.claim_due, self.bot.svc.daily.next_due)

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
        await interaction.response.send_message(status.describe(), ephemeral=True)

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


def _post_kind(bot: RevisionBot) -> PostKind:
    svc = bot.svc

    async def render(post: Post):
        found = svc.daily.question_for(post)
        if found is None:
            return None
        q, pack, order = found
        embed = ui.question_embed(q, pack, "daily", order=order)
        if post.closes_at:
            embed.add_field(name="Answers close", value=format_dt(post.closes_at, "R"), inline=False)
        return embed, ui.answer_view(q, f"p{post.id}", in_channel=True, order=order)

    async def reveal(post: Post, now: datetime):
        revealed = await svc.daily.reveal(post)
        if revealed is None:
            return None
        q, pack, tally, order = revealed
        return (
            ui.reveal_embed(q, pack, tally, format_dt(now, "f"), order),
            ui.answer_view(q, f"p{post.id}", in_channel=True, order=order),
        )

    return PostKind(render=render, reveal=reveal, after_sent=svc.daily.after_sent)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Daily(bot))
