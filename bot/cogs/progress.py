"""/leaderboard, /stats, /privacy and /cohort; the weekly top three in the daily channel."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.access import is_tutor, tutor_only
from bot.app import RevisionBot
from bot.cogs.scheduler import PostKind, Scheduler
from bot.domain.errors import UserError
from bot.domain.records import Post
from bot.services.progress import ProgressService
from bot.ui import choices
from bot.ui import progress as ui
from bot.ui.errors import NOT_IN_SERVER, guild_id, reports_errors, send_ephemeral

MAX_NAME_LOOKUPS = 500  # display names fetched for one CSV; beyond that the column is left empty
PERIOD_CHOICES = [
    app_commands.Choice(name="This week", value="week"),
    app_commands.Choice(name="This month", value="month"),
    app_commands.Choice(name="All time", value="all"),
]


class Progress(commands.Cog):
    privacy = app_commands.Group(
        name="privacy", description="Your data: leave the leaderboards, export it or delete it."
    )
    privacy_board = app_commands.Group(
        name="leaderboard", description="Leave or rejoin the leaderboards.", parent=privacy
    )
    cohort = app_commands.Group(name="cohort", description="Tutors: how the cohort is doing.", guild_only=True)

    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @property
    def svc(self) -> ProgressService:
        return self.bot.svc.progress

    async def cog_load(self) -> None:
        scheduler = self.bot.cog(Scheduler)
        scheduler.register("weekly", _post_kind(self.bot))
        scheduler.add_claimer(self.svc.claim_weekly, self.svc.next_weekly)

    # -- leaderboards ----------------------------------------------------------------------
    @app_commands.command(
        name="leaderboard", description="The top 10 and your own place: this week, this month or all time."
    )
    @app_commands.describe(
        period="Which points count (default: this week, from Monday 00:00 server time).",
        pack="Only points earned on this pack's posts (start typing).",
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    @app_commands.guild_only()
    async def leaderboard(
        self, interaction: discord.Interaction, period: str = "week", pack: str | None = None
    ) -> None:
        if pack:  # summed from the pack's awards: a moment on a big server
            await interaction.response.defer(ephemeral=True, thinking=True)
        view = await self.svc.leaderboard(guild_id(interaction), interaction.user.id, period, pack, utcnow())
        await send_ephemeral(interaction, embed=ui.leaderboard_embed(view, interaction.user.id))

    @leaderboard.autocomplete("pack")
    async def _pack(self, interaction: discord.Interaction, current: str):
        return choices.packs(self.bot.svc.content, interaction.guild_id, current, enabled_only=False)

    @reports_errors
    async def show_weekly_board(self, interaction: discord.Interaction, post_id: int) -> None:
        """ "Where am I?" on a weekly post: that week's board, privately."""
        view = await self.svc.weekly_board(guild_id(interaction), interaction.user.id, post_id)
        await interaction.response.send_message(embed=ui.leaderboard_embed(view, interaction.user.id), ephemeral=True)

    # -- a learner's stats -----------------------------------------------------------------
    @app_commands.command(
        name="stats", description="Your progress: accuracy by pack and criterion, streak, revision, a progress card."
    )
    @app_commands.describe(member="Tutors: whose progress to see (default: your own).")
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        target = member or interaction.user
        if target.id != interaction.user.id and not await is_tutor(self.bot, interaction.user):
            raise UserError("You can see your own progress with `/stats`; only tutors can see another learner's.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await self.svc.stats(guild_id(interaction), target.id, utcnow())
        name = getattr(target, "display_name", None) or target.name
        await interaction.followup.send(
            embed=ui.stats_embed(stats, name), file=ui.card_file(stats, name), ephemeral=True
        )

    # -- privacy ---------------------------------------------------------------------------
    @privacy_board.command(name="hide", description="Leave the leaderboards; you keep your own stats.")
    async def hide(self, interaction: discord.Interaction) -> None:
        await self._set_hidden(interaction, True)

    @privacy_board.command(name="show", description="Appear on the leaderboards again.")
    async def show(self, interaction: discord.Interaction) -> None:
        await self._set_hidden(interaction, False)

    async def _set_hidden(self, interaction: discord.Interaction, hidden: bool) -> None:
        if interaction.guild_id is None:
            raise UserError("Leaderboards belong to a server: use this command inside it.")
        await self.svc.set_hidden(interaction.guild_id, interaction.user.id, hidden)
        text = (
            "You have left this server's leaderboards. Your points still count and `/stats` still shows them; "
            "`/privacy leaderboard show` puts you back."
            if hidden
            else "You are on this server's leaderboards again."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @privacy.command(name="export", description="A JSON file of everything the bot stores about you (only you see it).")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.svc.export_user(interaction.user.id, utcnow())
        await interaction.followup.send(ui.data_summary(data), file=ui.data_file(data), ephemeral=True)

    @privacy.command(
        name="delete", description="Delete everything the bot stores about you (asks first; cannot be undone)."
    )
    async def delete(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=ui.delete_embed(), view=ui.delete_view(interaction.user.id), ephemeral=True
        )

    @reports_errors
    async def confirm_delete(self, interaction: discord.Interaction, user_id: int) -> None:
        if interaction.user.id != user_id:
            raise UserError("Only the person who asked can confirm deleting their data.")
        counts = await self.svc.delete_user(user_id)
        await interaction.response.edit_message(content=ui.deleted_text(counts), embed=None, view=None)

    @reports_errors
    async def cancel_delete(self, interaction: discord.Interaction, user_id: int) -> None:
        if interaction.user.id != user_id:
            raise UserError("This is someone else's question.")
        await interaction.response.edit_message(content="Nothing was deleted.", embed=None, view=None)

    # -- tutors ----------------------------------------------------------------------------
    @cohort.command(
        name="report",
        description="Participation, hardest questions, weakest criteria, misconceptions, a line per learner.",
    )
    @app_commands.describe(
        days="How many days back the report covers (default 7).",
        page="Which page of learners to list, 20 a page (default 1).",
    )
    @tutor_only()
    async def cohort_report(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, 365] = 7,
        page: app_commands.Range[int, 1, 10_000] = 1,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.svc.cohort_report(guild_id(interaction), days, utcnow(), page)
        await interaction.followup.send(
            embeds=ui.report_embeds(result), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @cohort.command(
        name="export",
        description="CSVs of each learner's evidence per criterion: answers, myths, role-plays, reflections.",
    )
    @tutor_only()
    async def cohort_export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = utcnow()
        export = await self.svc.cohort_export(guild_id(interaction))
        if interaction.guild is None:
            raise UserError(NOT_IN_SERVER)
        users = {r.user_id for r in export.rows} | {r.reflection.user_id for r in export.reflections}
        names = await _display_names(interaction.guild, users)
        await interaction.followup.send(
            ui.export_text(export), files=ui.export_files(export, names, now), ephemeral=True
        )


async def _display_names(guild: discord.Guild, user_ids: set[int]) -> dict[int, str]:
    """Names for the CSV: from the cache, else asked of Discord (without the members intent
    the cache is nearly empty); a learner who has left the server gets none."""
    names = {}
    for user_id in sorted(user_ids)[:MAX_NAME_LOOKUPS]:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                continue
        names[user_id] = member.display_name
    return names


def _post_kind(bot: RevisionBot) -> PostKind:
    """The weekly top three: drawn from the totals when sent; nothing to reveal later."""
    svc = bot.svc.progress

    async def render(post: Post):
        label, top = await svc.weekly_standings(post)
        return ui.weekly_embed(label, top), ui.weekly_view(post.id)

    async def reveal(post: Post, now: datetime):
        return None

    return PostKind(render=render, reveal=reveal, after_sent=svc.weekly_sent)


async def setup(bot: RevisionBot) -> None:
    bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
    await bot.add_cog(Progress(bot))
