"""Slash commands already handled, so that two processes holding the same shard (each
sent the same interaction by Discord) run a command once."""

from __future__ import annotations

from datetime import datetime

from .database import Database

DISCORD_EPOCH_MS = 1_420_070_400_000  # snowflake time 0: 2015-01-01


def snowflake_at(moment: datetime) -> int:
    """The smallest snowflake made at ``moment``: every id below it is older."""
    return (int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22


class HandledCommandsRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def first(self, interaction_id: int) -> bool:
        """Record the interaction; False if a process recorded it already."""
        return await self.db.write(
            lambda c: (
                c.execute(
                    "INSERT OR IGNORE INTO handled_commands (interaction_id) VALUES (?)", (interaction_id,)
                ).rowcount
                == 1
            )
        )

    async def forget_before(self, moment: datetime) -> int:
        """Delete the ids of interactions made before ``moment``; returns how many."""
        cutoff = snowflake_at(moment)
        return await self.db.write(
            lambda c: c.execute("DELETE FROM handled_commands WHERE interaction_id < ?", (cutoff,)).rowcount
        )
