"""One number that goes up with every write another process may need to notice: a content
upload, a pack enabled or disabled, a schedule or time zone set.

Each process keeps packs in memory and sleeps until its next post is due; it reads the
number every few seconds (``SYNC_SECONDS``) and, when it has moved, reloads what changed
and looks at the schedules again. The number is one row updated inside each change's own
transaction, so changes count in the order they commit and none is missed.
"""

from __future__ import annotations

import sqlite3

from .database import Database

KEY = "changes"


def count_change(c: sqlite3.Connection) -> None:
    """Count a change, inside the transaction that makes it."""
    c.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
        (KEY,),
    )


class ChangesRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def count(self) -> int:
        """How many changes have been made, ever (0 before the first)."""

        def q(c: sqlite3.Connection) -> int:
            row = c.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
            return int(row[0]) if row else 0

        return await self.db.read(q)
