"""/help: every command the member can use, read from the live command tree (in the order
a newcomer needs them: ``bot.ui.embeds.HELP_ORDER``). A tutor sees the learners' and the
tutors' commands; a learner sees theirs, and one line saying tutors have more. A command
listed in ``LINES`` is shown with that line instead of its description (Discord holds a
description to 100 characters and shows it where the command is typed; /help can say more)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.access import is_tutor, requires_owner, requires_tutor
from bot.app import RevisionBot
from bot.domain.errors import StorageUnavailable
from bot.ui.embeds import help_embed

# /help's line for a command, where it says more than the command's description. Only
# commands in the live tree are listed: a line here never advertises a missing command.
LINES = {
    "flashcards": "Flashcards of the packs' key terms, just for you: recall a term, show its definition, "
    "rate yourself. Cards you forgot come back soon, ones you knew later (practice, no points).",
    "content import": "Import a question bank from Moodle (GIFT, Aiken, Moodle XML) or an Anki/Quizlet term list.",
}


def rows(commands_: list) -> list[tuple[str, str, bool]]:
    """(qualified name, the line /help shows, tutor only) for every command in the tree but
    the owner's (/status is for whoever runs the bot, not for learners or tutors)."""
    return [
        (c.qualified_name, LINES.get(c.qualified_name, c.description), requires_tutor(c))
        for c in walk(commands_)
        if not requires_owner(c)
    ]


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
        listed = rows(self.bot.tree.get_commands())
        try:
            tutor = await is_tutor(self.bot, interaction.user)
        except StorageUnavailable:  # the tutor role cannot be read: /help still answers, as for a learner
            tutor = False
        await interaction.response.send_message(embed=help_embed(listed, tutor=tutor), ephemeral=True)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Help(bot))
