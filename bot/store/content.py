"""Tutors' uploaded packs (every version kept) and which packs a server has disabled."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.shards import Shards
from bot.domain.timestamps import iso

from .changes import count_change
from .database import Database
from .shards import served_by

KEYS_PER_READ = 300  # (server, pack, version) keys in one read of upload texts: 900 parameters


@dataclass(frozen=True)
class StoredUpload:
    guild_id: int
    pack_id: str
    version: int
    yaml_text: str


class ContentRepo:
    def __init__(self, db: Database, shards: Shards | None = None) -> None:
        self.db = db
        self._served = served_by(shards or Shards())  # latest_versions, disabled: this process's servers

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
        """(server, pack, latest version) of every pack uploaded on this process's servers:
        what to compare with the packs in memory before reading any pack's text."""
        query = (
            f"SELECT guild_id, pack_id, MAX(version) FROM uploaded_packs WHERE {self._served} "
            "GROUP BY guild_id, pack_id ORDER BY guild_id, pack_id"
        )
        return await self.db.read(lambda c: [(r[0], r[1], r[2]) for r in c.execute(query)])

    async def uploads(self, keys: list[tuple[int, str, int]]) -> list[StoredUpload]:
        """The stored uploads with these (server, pack, version) keys, in as few reads as
        the parameter limit allows."""

        def reader(chunk: list[tuple[int, str, int]]) -> Callable[[sqlite3.Connection], list[StoredUpload]]:
            # one comparison per key (each column's type is clear to either database)
            where = " OR ".join("(guild_id = ? AND pack_id = ? AND version = ?)" for _ in chunk)
            query = f"SELECT guild_id, pack_id, version, yaml_text FROM uploaded_packs WHERE {where}"
            return lambda c: [StoredUpload(*r) for r in c.execute(query, [v for key in chunk for v in key])]

        found: list[StoredUpload] = []
        for start in range(0, len(keys), KEYS_PER_READ):
            found.extend(await self.db.read(reader(keys[start : start + KEYS_PER_READ])))
        return sorted(found, key=lambda u: (u.guild_id, u.pack_id))

    async def disabled(self) -> set[tuple[int, str]]:
        """(server, pack) of every pack disabled on this process's servers."""
        query = f"SELECT guild_id, pack_id FROM disabled_packs WHERE {self._served}"
        return await self.db.read(lambda c: {(r[0], r[1]) for r in c.execute(query).fetchall()})

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
