"""Who may do what: tutors are members with the server's tutor role or Manage Server; the
bot's owner runs the deployment."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.ui.errors import NotOwner, NotTutor


async def is_tutor(bot, member: discord.abc.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await bot.svc.settings.get(member.guild.id)
    return settings.tutor_role_id is not None and any(r.id == settings.tutor_role_id for r in member.roles)


def tutor_only():
    """An app-command check; `/help` lists commands carrying it under "For tutors"."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not await is_tutor(interaction.client, interaction.user):
            raise NotTutor()
        return True

    predicate.tutor_only = True  # type: ignore[attr-defined]
    return app_commands.check(predicate)


def owner_only():
    """An app-command check for the bot's owner (OWNER_IDS, or the application's owner in
    the developer portal); /help does not list commands carrying it."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if not await interaction.client.is_owner(interaction.user):  # type: ignore[attr-defined]
            raise NotOwner()
        return True

    predicate.owner_only = True  # type: ignore[attr-defined]
    return app_commands.check(predicate)


def requires_owner(command: app_commands.Command | app_commands.Group) -> bool:
    return any(getattr(check, "owner_only", False) for check in getattr(command, "checks", []))


def requires_tutor(command: app_commands.Command | app_commands.Group) -> bool:
    """Whether the command, or a group it is in, carries the ``tutor_only`` check."""
    current: app_commands.Command | app_commands.Group | None = command
    while current is not None:
        if any(getattr(check, "tutor_only", False) for check in getattr(current, "checks", [])):
            return True
        current = current.parent
    return False
