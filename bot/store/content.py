"""Tutors' uploaded packs (every version kept) and which packs a server has disabled."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.timestamps import iso

from .changes import count_change
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
            count_change(c)
            return version

        return await self.db.write(w)

    async def latest_versions(self) -> list[tuple[int, str, int]]:
        """(server, pack, latest version) of every uploaded pack: what to compare with the
        packs in memory before reading any pack's text."""
        return await self.db.read(
            lambda c: [
                tuple(r)
                for r in c.execute(
                    "SELECT guild_id, pack_id, MAX(version) FROM uploaded_packs GROUP BY guild_id, pack_id "
                    "ORDER BY guild_id, pack_id"
                )
            ]
        )

    async def upload(self, guild_id: int, pack_id: str, version: int) -> StoredUpload | None:
        def q(c: sqlite3.Connection) -> StoredUpload | None:
            row = c.execute(
                "SELECT guild_id, pack_id, version, yaml_text FROM uploaded_packs "
                "WHERE guild_id = ? AND pack_id = ? AND version = ?",
                (guild_id, pack_id, version),
            ).fetchone()
            return StoredUpload(*row) if row else None

        return await self.db.read(q)

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

    async def disabled(self) -> set[tuple[int, str]]:
        return await self.db.read(
            lambda c: {(r[0], r[1]) for r in c.execute("SELECT guild_id, pack_id FROM disabled_packs").fetchall()}
        )

    async def set_enabled(self, guild_id: int, pack_id: str, enabled: bool) -> None:
        sql = (
            "DELETE FROM disabled_packs WHERE guild_id = ? AND pack_id = ?"
            if enabled
            else "INSERT OR IGNORE INTO disabled_packs (guild_id, pack_id) VALUES (?, ?)"
        )

        def w(c: sqlite3.Connection) -> None:
            c.execute(sql, (guild_id, pack_id))
            count_change(c)

        await self.db.write(w)
