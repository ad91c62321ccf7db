"""/help: every command, grouped for learners and tutors, read from the live command tree
(in the order a newcomer needs them: ``bot.ui.embeds.HELP_ORDER``)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.access import requires_tutor
from bot.app import RevisionBot
from bot.ui.embeds import help_embed


def walk(commands_: list) -> list[app_commands.Command]:
    out = []
    for cmd in commands_:
        if isinstance(cmd, app_commands.Group):
            out.extend(walk(cmd.commands))
        elif isinstance(cmd, app_commands.Command):
            out.append(cmd)
    return out


class Help(commands.Cog):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and every command you can use.")
    async def help(self, interaction: discord.Interaction) -> None:
        rows = [(c.qualified_name, c.description, requires_tutor(c)) for c in walk(self.bot.tree.get_commands())]
        await interaction.response.send_message(embed=help_embed(rows), ephemeral=True)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Help(bot))
