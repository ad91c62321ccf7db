"""A server's settings (who the tutors are, its time zone) and the deployment's own notes."""

from __future__ import annotations

from bot.domain.errors import UserError
from bot.domain.records import GuildSettings
from bot.domain.schedule import is_valid_timezone
from bot.store.guilds import GuildRepo, MetaRepo


class SettingsService:
    def __init__(self, guilds: GuildRepo, meta: MetaRepo) -> None:
        self._guilds = guilds
        self._meta = meta

    async def get(self, guild_id: int) -> GuildSettings:
        return await self._guilds.get(guild_id)

    async def set_tutor_role(self, guild_id: int, role_id: int | None) -> None:
        await self._guilds.set_tutor_role(guild_id, role_id)

    async def set_timezone(self, guild_id: int, timezone: str) -> None:
        if not is_valid_timezone(timezone):
            raise UserError(f"`{timezone}` is not a time zone I know. Use a name like `Europe/London`.")
        await self._guilds.set_timezone(guild_id, timezone)

    async def synced_tree(self, key: str) -> str | None:
        """The digest of the command tree last synced for ``key`` (a server id or 'global')."""
        return await self._meta.get(f"command_tree:{key}")

    async def remember_synced_tree(self, key: str, digest: str) -> None:
        await self._meta.put(f"command_tree:{key}", digest)
