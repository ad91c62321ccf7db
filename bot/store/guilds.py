"""Per-server settings and deployment metadata."""

from __future__ import annotations

import sqlite3

from bot.domain.records import DEFAULT_TIMEZONE, GuildSettings

from .changes import count_change
from .database import Database


def timezone_of(c: sqlite3.Connection, guild_id: int) -> str:
    """The server's time zone, inside the caller's transaction."""
    row = c.execute("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,)).fetchone()
    return row[0] if row else DEFAULT_TIMEZONE


class GuildRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        def q(c: sqlite3.Connection) -> GuildSettings:
            row = c.execute(
                "SELECT tutor_role_id, timezone FROM guild_settings WHERE guild_id = ?", (guild_id,)
            ).fetchone()
            return GuildSettings(guild_id, row[0], row[1]) if row else GuildSettings(guild_id)

        return await self.db.read(q)

    async def set_tutor_role(self, guild_id: int, role_id: int | None) -> None:
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO guild_settings (guild_id, tutor_role_id) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET tutor_role_id = excluded.tutor_role_id",
                (guild_id, role_id),
            )
        )

    async def set_timezone(self, guild_id: int, timezone: str) -> None:
        def w(c: sqlite3.Connection) -> None:
            c.execute(
                "INSERT INTO guild_settings (guild_id, timezone) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
                (guild_id, timezone),
            )
            count_change(c)  # the weekly board's turn moves with the time zone

        await self.db.write(w)


class MetaRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        def q(c: sqlite3.Connection) -> str | None:
            row = c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

        return await self.db.read(q)

    async def put(self, key: str, value: str) -> None:
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )
