"""/flashcards: the packs' terms as flashcards, just for the learner (practice, no points).

The command shows a term privately; "Show definition" turns the card over; a rating
(Again, Hard, Good, Easy) schedules it with FSRS and shows the next card in its place.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.app import RevisionBot
from bot.services.flashcards import AllDone, Next
from bot.ui import choices
from bot.ui import flashcards as ui
from bot.ui.errors import guild_id, reports_errors, send_ephemeral, show_feedback

log = logging.getLogger(__name__)
DESCRIPTION = "Flashcards of the packs' key terms: recall, reveal, rate yourself (spaced repetition, no points)."
PACK_HELP = "Only the terms of this pack (default: the terms of every enabled pack)."


class Flashcards(commands.Cog):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @app_commands.command(name="flashcards", description=DESCRIPTION)
    @app_commands.describe(pack=PACK_HELP)
    @app_commands.guild_only()
    async def flashcards(self, interaction: discord.Interaction, pack: str | None = None) -> None:
        nxt = await self.bot.svc.flashcards.next_card(guild_id(interaction), interaction.user.id, pack, utcnow())
        if isinstance(nxt, AllDone):
            await send_ephemeral(interaction, ui.all_done_text(nxt))
            return
        scope = "a" if pack is None else "p"
        await interaction.response.send_message(
            embed=ui.front_embed(nxt), view=ui.front_view(nxt, scope), ephemeral=True
        )

    @flashcards.autocomplete("pack")
    async def _pack_autocomplete(self, interaction: discord.Interaction, current: str):
        offered = choices.packs(self.bot.svc.content, interaction.guild_id, current)
        try:  # an autocomplete must answer (bot/ui/choices.py): the packs' terms are in memory
            with_terms = self.bot.svc.flashcards.packs_with_terms(interaction.guild_id)
        except Exception:  # noqa: BLE001 - logged; every pack is offered, and one without terms says so
            log.exception("autocomplete for flashcard packs failed; offering every pack")
            return offered
        return [c for c in offered if c.value in with_terms]

    # -- the buttons (bot/ui/flashcards.py) -------------------------------------------------
    @reports_errors
    async def show_definition(self, interaction: discord.Interaction, pack_id: str, digest: str, scope: str) -> None:
        back = await self.bot.svc.flashcards.reveal(
            guild_id(interaction), interaction.user.id, pack_id, digest, utcnow()
        )
        await interaction.response.edit_message(content=None, embed=ui.back_embed(back), view=ui.back_view(back, scope))

    @reports_errors
    async def rate_flashcard(
        self, interaction: discord.Interaction, pack_id: str, digest: str, reviews: int, rating: int, scope: str
    ) -> None:
        gid, svc, now = guild_id(interaction), self.bot.svc.flashcards, utcnow()
        await interaction.response.defer()  # a write comes first (the 3-second rule)
        rated = await svc.rate(gid, interaction.user.id, pack_id, digest, reviews, rating, now)
        nxt: Next = await svc.next_card(gid, interaction.user.id, pack_id if scope == "p" else None, now)
        line = ui.rated_line(rated)
        if isinstance(nxt, AllDone):
            content, embed, view = f"{line}\n{ui.all_done_text(nxt)}", None, None
        else:
            content, embed, view = line, ui.front_embed(nxt), ui.front_view(nxt, scope)
        await show_feedback(
            interaction,
            lambda: interaction.edit_original_response(content=content, embed=embed, view=view),
            saved=True,
        )


async def setup(bot: RevisionBot) -> None:
    bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
    await bot.add_cog(Flashcards(bot))
