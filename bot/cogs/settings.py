"""/settings: who the tutors are, and the server's time zone."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.access import tutor_only
from bot.app import RevisionBot
from bot.ui import choices
from bot.ui.errors import guild_id


class Settings(commands.GroupCog, group_name="settings", group_description="Server settings for the revision bot."):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @app_commands.command(name="tutor-role", description="Choose the role whose members are tutors.")
    @app_commands.describe(role="Members with this role can use tutor commands.")
    @app_commands.guild_only()
    @tutor_only()
    async def tutor_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        await self.bot.svc.settings.set_tutor_role(guild_id(interaction), role.id)
        await interaction.response.send_message(
            f"Tutors are now members with {role.mention} (and anyone with Manage Server).", ephemeral=True
        )

    @app_commands.command(name="timezone", description="Set the server's time zone (used for weeks and schedules).")
    @app_commands.describe(timezone="An IANA time zone such as Europe/London.")
    @app_commands.guild_only()
    @tutor_only()
    async def timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        await self.bot.svc.settings.set_timezone(guild_id(interaction), timezone)
        await interaction.response.send_message(f"Time zone set to **{timezone}**.", ephemeral=True)

    @timezone.autocomplete("timezone")
    async def _timezone_autocomplete(self, interaction: discord.Interaction, current: str):
        return choices.timezones(current)

    @app_commands.command(name="show", description="Show this server's revision-bot settings.")
    @app_commands.guild_only()
    async def show(self, interaction: discord.Interaction) -> None:
        s = await self.bot.svc.settings.get(guild_id(interaction))
        role = f"<@&{s.tutor_role_id}>" if s.tutor_role_id else "not set (members with Manage Server are tutors)"
        embed = discord.Embed(title="Revision bot settings", colour=discord.Colour.blurple())
        embed.add_field(name="Tutor role", value=role, inline=False)
        embed.add_field(name="Time zone", value=s.timezone, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Settings(bot))
