"""Clicks on a button of ours that no current item recognises (a button from an older
version of the bot, or one whose custom_id was tampered with): a private explanation
instead of Discord's own "This interaction failed"."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.app import RevisionBot
from bot.ui.errors import send_ephemeral

STALE = "This button is out of date, so I cannot act on it. Use a newer message, or `/help` to see what you can do."


class StaleButtons(commands.Cog):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str(interaction.data.get("custom_id", "")) if interaction.data else ""
        if custom_id.startswith("rb:") and not self.bot.recognises(custom_id):
            await send_ephemeral(interaction, STALE)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(StaleButtons(bot))
