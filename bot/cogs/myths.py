"""/myth: myth-or-fact cards for a learner, cohort myth posts and the weekly myth."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.access import tutor_only
from bot.app import RevisionBot
from bot.cogs.scheduler import PostKind, Scheduler
from bot.domain.errors import UserError
from bot.domain.records import Post
from bot.services.myths import DEFAULT_POST_HOURS
from bot.ui import choices
from bot.ui import myths as ui
from bot.ui.errors import guild_id, reports_errors, show_feedback
from bot.ui.targets import Target

WEEKDAYS = [
    app_commands.Choice(name=full, value=i)
    for i, full in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
] + [app_commands.Choice(name="Off", value=-1)]


class Myths(
    commands.GroupCog, group_name="myth", group_description="Myth or fact? Bust the misconceptions that cost marks."
):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        scheduler = self.bot.cog(Scheduler)
        scheduler.register("myth", _post_kind(self.bot))
        scheduler.add_claimer(self.bot.svc.myths.claim_due, self.bot.svc.myths.next_due)

    # -- a learner's own cards ----------------------------------------------------------
    @app_commands.command(name="card", description="A myth-or-fact card just for you (practice, no points).")
    @app_commands.describe(pack="Only cards from this pack (default: any enabled pack).")
    @app_commands.guild_only()
    async def card(self, interaction: discord.Interaction, pack: str | None = None) -> None:
        await self.send_card(interaction, pack, edit=False)

    @reports_errors
    async def send_card(self, interaction: discord.Interaction, pack_id: str | None, *, edit: bool) -> None:
        myth, pack = await self.bot.svc.myths.draw(guild_id(interaction), interaction.user.id, pack_id)
        embed, view = ui.card_embed(myth, pack), ui.card_view(f"m{myth.id}")
        if edit:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @reports_errors
    async def show_card(self, interaction: discord.Interaction, myth_id: str) -> None:
        """ "Bust this myth": that card, privately, at once."""
        found = self.bot.svc.content.myth(interaction.guild_id, myth_id)
        if found is None:
            raise UserError("That myth card is no longer available.")
        myth, pack = found
        await interaction.response.send_message(
            embed=ui.card_embed(myth, pack), view=ui.card_view(f"m{myth.id}"), ephemeral=True
        )

    @reports_errors
    async def answer(self, interaction: discord.Interaction, target: str, verdict: str) -> None:
        if interaction.guild_id is None:
            raise UserError("Myth cards are answered inside the server.")
        svc, now = self.bot.svc.myths, utcnow()
        about = Target.parse(target)
        if about.source == "post":
            await interaction.response.defer(ephemeral=True, thinking=True)
            fb = await svc.answer_post(interaction.guild_id, interaction.user.id, about.post_id, verdict, now)
            await show_feedback(
                interaction,
                lambda: interaction.followup.send(embed=ui.feedback_embed(fb), ephemeral=True),
                saved=not fb.closed,
            )
            return
        await interaction.response.defer()
        fb = await svc.answer_card(interaction.guild_id, interaction.user.id, about.ref, verdict, now)
        view = discord.ui.View(timeout=None)
        view.add_item(ui.NextMyth(None))
        await show_feedback(
            interaction,
            lambda: interaction.edit_original_response(embed=ui.feedback_embed(fb), view=view),
            saved=not fb.closed,
        )

    # -- tutors -------------------------------------------------------------------------
    @app_commands.command(name="post", description="Post a myth card for the whole cohort to answer.")
    @app_commands.describe(
        pack="Only cards from this pack (default: any enabled pack).",
        hours="How long answers stay open (default 24).",
        channel="Where to post (default: this channel).",
    )
    @app_commands.guild_only()
    @tutor_only()
    async def post(
        self,
        interaction: discord.Interaction,
        pack: str | None = None,
        hours: app_commands.Range[int, 1, 168] = DEFAULT_POST_HOURS,
        channel: discord.TextChannel | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = utcnow()
        target = channel or interaction.channel
        if target is None:
            raise UserError("I cannot tell which channel this is: choose one with the `channel` option.")
        claimed = await self.bot.svc.myths.claim_post(guild_id(interaction), target.id, pack, hours, now)
        if claimed is None:  # another myth post took the same manual slot at the same moment
            raise UserError("Another myth post was being made at the same moment. Please try again.")
        await self.bot.cog(Scheduler).post_now(interaction, claimed, now)

    @post.autocomplete("pack")
    @card.autocomplete("pack")
    async def _pack(self, interaction: discord.Interaction, current: str):
        return choices.packs(self.bot.svc.content, interaction.guild_id, current)

    @app_commands.command(name="schedule", description="Post a cohort myth each week, at the daily question's time.")
    @app_commands.describe(day="The weekday of the weekly myth, or Off.")
    @app_commands.choices(day=WEEKDAYS)
    @app_commands.guild_only()
    @tutor_only()
    async def schedule(self, interaction: discord.Interaction, day: app_commands.Choice[int]) -> None:
        value = None if day.value < 0 else day.value
        await self.bot.svc.myths.set_weekly(guild_id(interaction), value, utcnow())
        self.bot.cog(Scheduler).wake()
        text = (
            "The weekly myth is off."
            if value is None
            else f"A cohort myth will be posted every {day.name} at the daily question's time, open for 24 hours."
        )
        await interaction.response.send_message(text, ephemeral=True)


def _post_kind(bot: RevisionBot) -> PostKind:
    svc = bot.svc

    async def render(post: Post):
        found = svc.content.myth(post.guild_id, post.item_id)
        if found is None:
            return None
        return ui.card_embed(*found, cohort=True, closes_at=post.closes_at), ui.card_view(f"p{post.id}")

    async def reveal(post: Post, now: datetime):
        revealed = await svc.myths.reveal(post)
        return (ui.reveal_embed(*revealed), ui.card_view(f"p{post.id}")) if revealed else None

    return PostKind(render=render, reveal=reveal)


async def setup(bot: RevisionBot) -> None:
    bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
    await bot.add_cog(Myths(bot))
