"""Each server's daily-post schedule."""

from __future__ import annotations

from datetime import datetime

from bot.domain.records import Schedule
from bot.domain.timestamps import iso

from .database import Database

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
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> Schedule | None:
        def q(c):
            r = c.execute(f"SELECT {_COLUMNS} FROM daily_schedules WHERE guild_id = ?", (guild_id,)).fetchone()
            return _row(r) if r else None

        return await self.db.read(q)

    async def all_active(self) -> list[Schedule]:
        return await self.db.read(
            lambda c: [
                _row(r) for r in c.execute(f"SELECT {_COLUMNS} FROM daily_schedules WHERE paused = 0 ORDER BY guild_id")
            ]
        )

    async def save(self, s: Schedule, now: datetime) -> None:
        await self.db.write(
            lambda c: c.execute(
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
        )
