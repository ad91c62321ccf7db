"""Autocomplete choices shared by several commands (Discord shows at most 25)."""

from __future__ import annotations

from discord import app_commands

from bot.domain.schedule import timezone_choices
from bot.services.content import ContentService
from bot.services.roleplay import RoleplayService


def packs(
    content: ContentService, guild_id: int | None, current: str, *, enabled_only: bool = True
) -> list[app_commands.Choice[str]]:
    found = content.packs(guild_id, enabled_only=enabled_only)
    return [
        app_commands.Choice(name=f"{p.pack.title} ({p.id})"[:100], value=p.id)
        for p in found
        if current.lower() in (p.id + p.pack.title).lower()
    ][:25]


def scenarios(roleplay: RoleplayService, guild_id: int | None, current: str) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=f"{s.title} ({s.setting})"[:100], value=s.id)
        for s, _ in roleplay.scenarios(guild_id)
        if current.lower() in (s.id + s.title + s.setting).lower()
    ][:25]


def timezones(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]
