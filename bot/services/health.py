"""Each process's health: logged, kept in the database, and shown to the owner by /status."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.domain.health import ProcessHealth
from bot.store.processes import ProcessRepo

log = logging.getLogger("bot.health")


class HealthService:
    def __init__(self, repo: ProcessRepo) -> None:
        self._repo = repo

    async def report(self, health: ProcessHealth) -> None:
        """Log the health line and keep it for /status."""
        log.info(health.line())
        await self._repo.beat(health)

    async def processes(self, now: datetime, every: timedelta) -> list[tuple[ProcessHealth, bool]]:
        """Every process heard from in the last day, with whether it is beating still."""
        return [(h, h.alive(now, every)) for h in await self._repo.recent()]
