"""Running each slash command once. Discord sends an interaction to every session of its
shard, so while two processes hold the same shard (a redeploy that starts the new process
before stopping the old one) both receive each command; the first to record it runs it.
Clicks need no such record: each one's own record (an answer, a step, a rating) is kept once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.interactions import HandledCommandsRepo

KEEP = timedelta(days=1)  # Discord retries nothing this old


class DeliveryService:
    def __init__(self, repo: HandledCommandsRepo) -> None:
        self._repo = repo

    async def first(self, interaction_id: int) -> bool:
        """Whether this process is the first to handle the command."""
        return await self._repo.first(interaction_id)

    async def forget_old(self, now: datetime) -> None:
        await self._repo.forget_before(now - KEEP)
