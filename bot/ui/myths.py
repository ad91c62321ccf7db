"""Myth-or-fact cards on screen, and the buttons that open them."""

from __future__ import annotations

import discord

from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack


def bust_buttons(myth_ids, library: ContentLibrary, pack: Pack) -> list[discord.ui.Item]:
    """A "Bust this myth" button for each misconception a wrong answer showed."""
    return [BustMyth(m) for m in list(myth_ids)[:3]]


class BustMyth(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:bust:(?P<myth>[A-Za-z0-9][A-Za-z0-9_.-]{0,39})"):
    def __init__(self, myth_id: str) -> None:
        super().__init__(discord.ui.Button(label="Bust this myth", emoji="💥", style=discord.ButtonStyle.danger,
                                           custom_id=f"rb:bust:{myth_id}"))
        self.myth_id = myth_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(match["myth"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.client.get_cog("Myths").show_card(interaction, self.myth_id)
