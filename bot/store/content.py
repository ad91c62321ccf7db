"""Tutors' uploaded packs (every version kept) and which packs a server has disabled."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.timestamps import iso

from .database import Database


@dataclass(frozen=True)
class StoredUpload:
    guild_id: int
    pack_id: str
    version: int
    yaml_text: str


class ContentRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_upload(self, guild_id: int, pack_id: str, yaml_text: str, user_id: int, now: datetime) -> int:
        """Store a new version of the pack; returns its version number."""

        def w(c: sqlite3.Connection) -> int:
            version = c.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM uploaded_packs WHERE guild_id = ? AND pack_id = ?",
                (guild_id, pack_id),
            ).fetchone()[0]
            c.execute(
                "INSERT INTO uploaded_packs (guild_id, pack_id, version, yaml_text, uploaded_by, uploaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, pack_id, version, yaml_text, user_id, iso(now)),
            )
            return version

        return await self.db.write(w)

    async def latest_uploads(self) -> list[StoredUpload]:
        def q(c: sqlite3.Connection) -> list[StoredUpload]:
            rows = c.execute(
                "SELECT guild_id, pack_id, version, yaml_text FROM uploaded_packs AS u "
                "WHERE version = (SELECT MAX(version) FROM uploaded_packs "
                "                 WHERE guild_id = u.guild_id AND pack_id = u.pack_id) "
                "ORDER BY guild_id, pack_id"
            ).fetchall()
            return [StoredUpload(*row) for row in rows]

        return await self.db.read(q)

    async def disabled(self) -> list[tuple[int, str]]:
        return await self.db.read(
            lambda c: [tuple(r) for r in c.execute("SELECT guild_id, pack_id FROM disabled_packs").fetchall()]
        )

    async def set_enabled(self, guild_id: int, pack_id: str, enabled: bool) -> None:
        sql = (
            "DELETE FROM disabled_packs WHERE guild_id = ? AND pack_id = ?"
            if enabled
            else "INSERT OR IGNORE INTO disabled_packs (guild_id, pack_id) VALUES (?, ?)"
        )
        await self.db.write(lambda c: c.execute(sql, (guild_id, pack_id)))
