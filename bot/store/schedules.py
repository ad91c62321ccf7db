"""Each server's daily-post schedule."""

from __future__ import annotations

from datetime import datetime

from bot.domain.records import Schedule
from bot.domain.shards import Shards
from bot.domain.timestamps import iso

from .changes import count_change
from .database import Database
from .shards import served_by

_COLUMNS = "guild_id, channel_id, local_time, timezone, days, packs, paused, answer_hours, myth_day"


def _row(r) -> Schedule:
    return Schedule(
        r[0],
        r[1],
        r[2],
        r[3],
        frozenset(int(d) for d in r[4].split(",") if d),
        tuple(p for p in r[5].split(",") if p),
        bool(r[6]),
        r[7],
        r[8],
    )


class ScheduleRepo:
    def __init__(self, db: Database, shards: Shards | None = None) -> None:
        self.db = db
        self._served = served_by(shards or Shards())  # all_active: this process's servers only

    async def get(self, guild_id: int) -> Schedule | None:
        def q(c):
            r = c.execute(f"SELECT {_COLUMNS} FROM daily_schedules WHERE guild_id = ?", (guild_id,)).fetchone()
            return _row(r) if r else None

        return await self.db.read(q)

    async def all_active(self) -> list[Schedule]:
        """The schedules running on this process's servers."""
        query = f"SELECT {_COLUMNS} FROM daily_schedules WHERE paused = 0 AND {self._served} ORDER BY guild_id"
        return await self.db.read(lambda c: [_row(r) for r in c.execute(query)])

    async def save(self, s: Schedule, now: datetime) -> None:
        def w(c) -> None:
            c.execute(
                f"INSERT INTO daily_schedules ({_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
                "local_time = excluded.local_time, timezone = excluded.timezone, days = excluded.days, "
                "packs = excluded.packs, paused = excluded.paused, answer_hours = excluded.answer_hours, "
                "myth_day = excluded.myth_day, "
                "updated_at = excluded.updated_at",
                (
                    s.guild_id,
                    s.channel_id,
                    s.local_time,
                    s.timezone,
                    ",".join(map(str, sorted(s.days))),
                    ",".join(s.packs),
                    int(s.paused),
                    s.answer_hours,
                    s.myth_day,
                    iso(now),
                ),
            )
            count_change(c)  # a process holding the same shards looks at the schedules again

        await self.db.write(w)
