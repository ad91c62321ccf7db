"""Each running process's last health line, so /status on any of them shows them all."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta

from bot.domain.health import ProcessHealth

from .database import Database

log = logging.getLogger(__name__)
PREFIX = "process:"
FORGET_AFTER = timedelta(days=1)  # a process gone this long is dropped from the list


def _parsed(value: str) -> ProcessHealth | None:
    try:
        return ProcessHealth.from_json(value)
    except (ValueError, KeyError, TypeError):
        return None


class ProcessRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def beat(self, health: ProcessHealth) -> None:
        """Record the process's health line, and forget processes long gone (and any
        record that cannot be read)."""
        at = health.at
        assert at is not None

        def w(c: sqlite3.Connection) -> None:
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (PREFIX + health.name, health.to_json()),
            )
            for key, value in c.execute("SELECT key, value FROM meta WHERE key LIKE ?", (PREFIX + "%",)).fetchall():
                seen = _parsed(value)
                if seen is None or seen.at is None or at - seen.at > FORGET_AFTER:
                    c.execute("DELETE FROM meta WHERE key = ?", (key,))

        await self.db.write(w)

    async def recent(self) -> list[ProcessHealth]:
        """Every process's last health line, by name (a record that cannot be read is skipped)."""
        rows = await self.db.read(
            lambda c: c.execute("SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", (PREFIX + "%",)).fetchall()
        )
        found = []
        for key, value in rows:
            if (health := _parsed(value)) is None:
                log.warning("the health record %s cannot be read; it is dropped at the next report", key)
            else:
                found.append(health)
        return found
