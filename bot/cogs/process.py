"""This process among the others on one database: it keeps in step with the changes they
make (uploads, enabled packs, schedules), logs its health line, and answers /status for
the bot's owner."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands, tasks
from discord.utils import utcnow

from bot.access import owner_only
from bot.app import RevisionBot
from bot.cogs.scheduler import Scheduler
from bot.domain.health import ProcessHealth
from bot.ui.status import status_embed

log = logging.getLogger(__name__)


class Process(commands.Cog):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot
        self.name = bot.settings.process_name or f"{socket.gethostname()}:{os.getpid()}"
        self.started_at = utcnow()
        self.every = timedelta(seconds=bot.settings.health_seconds)
        self.keep_in_step.change_interval(seconds=bot.settings.sync_seconds)
        self.health.change_interval(seconds=bot.settings.health_seconds)

    async def cog_load(self) -> None:
        self.keep_in_step.start()
        self.health.start()

    async def cog_unload(self) -> None:
        self.keep_in_step.cancel()
        self.health.cancel()

    @tasks.loop(seconds=2)
    async def keep_in_step(self) -> None:
        """Reload what another process changed, and let the scheduler look again."""
        try:
            if await self.bot.svc.changes.catch_up():
                self.bot.cog(Scheduler).wake()
        except Exception:  # an exception would stop tasks.loop for good; the next look tries again
            log.exception("could not look for changes made by other processes")

    @tasks.loop(minutes=5)
    async def health(self) -> None:
        try:
            health = self.measure()
            await self.bot.svc.health.report(health)
            await self.bot.svc.delivery.forget_old(health.at or utcnow())
        except Exception:
            log.exception("could not record this process's health")

    @health.before_loop
    async def _wait_ready(self) -> None:
        await self.bot.wait_until_ready()

    def measure(self) -> ProcessHealth:
        return ProcessHealth(
            self.name,
            self.bot.serving.describe(),
            len(self.bot.guilds),
            {shard: ProcessHealth.latency(seconds) for shard, seconds in self.bot.latencies},
            self.started_at,
            utcnow(),
            self.bot.settings.health_seconds,
        )

    @app_commands.command(name="status", description="How the bot's processes are running (for the bot's owner).")
    @app_commands.default_permissions()  # out of members' command lists: admins (and the owner in DMs) see it
    @owner_only()
    async def status(self, interaction: discord.Interaction) -> None:
        here = self.measure()
        processes = await self.bot.svc.health.processes(here.at or utcnow(), self.every)
        database = "PostgreSQL" if self.bot.settings.database_url else "SQLite"
        await interaction.response.send_message(embed=status_embed(here, processes, database), ephemeral=True)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Process(bot))
