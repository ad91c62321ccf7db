"""Several bot processes on one PostgreSQL, as a sharded deployment runs them, in one test.

SimCord runs one simulated Discord per event loop, so each process here is a thread with
its own event loop, its own SimCord environment and its own bot (``create_bot``, as
``python -m bot`` builds it), all on the same ``DATABASE_URL``. Every environment builds
the same world, the same servers, channels and members with the same ids (SimCord's ids
follow its clock, and each world is built at the same virtual moment, before its bot
logs in), so a server looks
the same from every process; a post that any process made is in that process's copy of
the channel, and counting the copies counts the posts. Each process receives only its
own shards' servers, as from Discord.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import discord
import simcord

from bot.app import create_bot
from bot.settings import Settings

T = TypeVar("T")
STOP = object()


@dataclass
class Server:
    guild: Any
    channel: Any
    tutor: Any
    learner: Any
    operator: Any  # the bot's owner (OWNER_IDS), an administrator of every server
    admin: Any  # the server's administrator, not the bot's owner

    @property
    def id(self) -> int:
        return self.guild.id


def build_world(env, shard_count: int, per_shard: int) -> list[Server]:
    """``per_shard`` servers on each shard, each with a daily channel, a tutor (Manage
    Server), a learner, an administrator and the operator; the same ids in every environment built at the
    same moment."""
    servers = []
    operator = env.create_user("operator")
    for shard in range(shard_count):
        for i in range(per_shard):
            guild = env.create_guild(f"Cohort {shard}.{i}", shard_id=shard)
            channel = guild.create_text_channel("daily-revision")
            admins = guild.create_role("Tutors", permissions=discord.Permissions(manage_guild=True))
            tutor = guild.add_member(env.create_user(f"tutor-{shard}-{i}"), roles=[admins])
            learner = guild.add_member(env.create_user(f"learner-{shard}-{i}"))
            administrators = guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
            admin = guild.add_member(env.create_user(f"admin-{shard}-{i}"), roles=[administrators])
            owner = guild.add_member(operator, roles=[administrators])
            servers.append(Server(guild, channel, tutor, learner, owner, admin))
    return servers


class BotProcess:
    """One bot process: ``await p.run(fn)`` runs ``fn(env, servers)`` on the process's own
    loop (where its SimCord environment lives) and hands back the result."""

    def __init__(self, name: str, settings: Settings, per_shard: int, index: int = 0) -> None:
        self.name = name
        self.settings = settings.model_copy(update={"process_name": name})
        self.per_shard = per_shard
        self.servers: list[Server] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._jobs: asyncio.Queue | None = None
        self._ready: concurrent.futures.Future = concurrent.futures.Future()
        self._failure: BaseException | None = None
        self._start_at: datetime | None = None
        # each process's clock runs ``index`` milliseconds after the first's, as real machines'
        # clocks differ a little: the ids each simulated Discord makes from then on (of
        # interactions, messages) then differ too, as Discord's own never repeat
        self.skew = timedelta(milliseconds=index)
        self._errors_seen = 0
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name=name, daemon=True)

    @property
    def shards(self):
        return self.settings.shards

    def holds(self, server: Server) -> bool:
        return self.shards.serves(server.id)

    async def start(self, at: datetime | None = None) -> BotProcess:
        """Start the process, its clock at ``at`` (and its skew; the world is built at SimCord's start of
        time first, so its ids are the same as every other process's)."""
        self._start_at = at
        self._thread.start()
        await asyncio.wrap_future(self._ready)
        return self

    async def _main(self) -> None:
        self._loop, self._jobs = asyncio.get_running_loop(), asyncio.Queue()
        try:
            # strict_sync off: a deployment syncs its commands once (the digest is in the shared
            # database), to the one real Discord; here each process has its own copy of
            # Discord, and those the sync did not reach take the commands on first use
            env = simcord.Env(create_bot(self.settings), strict_sync=False)
            # the world is built before the bot logs in (the bot's own start-up, such as
            # syncing commands, takes ids too, and differs between processes)
            self.servers = build_world(env, self.settings.shard_count or 1, self.per_shard)
            start = self._start_at - env.now() if self._start_at is not None else timedelta(0)
            env.backend.clock.advance((start + self.skew).total_seconds())
            await env.start()
            with env.time_context():
                try:
                    self._ready.set_result(None)
                    while (job := await self._jobs.get()) is not STOP:
                        fn, done = job
                        try:
                            done.set_result(await fn(env, self.servers))
                        except BaseException as exc:  # handed to the test, which re-raises it
                            done.set_exception(exc)
                finally:
                    await env.bot.close()
                    await env.shutdown()
            if unseen := env.errors_since(self._errors_seen):  # swallowed and not looked at, as simcord.run says
                raise ExceptionGroup(f"{self.name} swallowed errors", list(unseen))
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            else:
                self._failure = exc

    async def run(self, fn: Callable[[Any, list[Server]], Awaitable[T]]) -> T:
        assert self._loop is not None and self._jobs is not None, "start() the process first"
        done: concurrent.futures.Future = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._jobs.put_nowait, (fn, done))
        return await asyncio.wrap_future(done)

    async def errors(self) -> list[BaseException]:
        """The errors the bot swallowed so far (a check refusing a command is one); looked
        at, they are not raised when the process stops."""

        async def seen(env, _):
            self._errors_seen = env.error_cursor
            return env.errors

        return await self.run(seen)

    async def now(self) -> datetime:
        """The deployment's time: this process's clock, less its skew."""
        return await self.run(lambda env, _: _value(env.now() - self.skew))

    async def advance(self, seconds: float) -> None:
        await self.run(lambda env, _: env.advance_time(seconds))

    async def restart(self, bot: discord.Client | None = None) -> None:
        """Stop the bot and start it again (or ``bot`` instead: a dormant one is a process
        that is down), its simulated Discord as it was."""

        async def again(env, _):
            await env.bot.close()
            await env.restart_bot(bot or create_bot(self.settings))

        await self.run(again)

    async def stop(self) -> None:
        if self._loop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._jobs.put_nowait, STOP)  # type: ignore[union-attr]
            await asyncio.to_thread(self._thread.join, 60)
        if self._failure is not None:
            raise self._failure


async def _value(value: T) -> T:
    return value


async def advance_all(processes: list[BotProcess], seconds: float, step: float = 6 * 3600) -> None:
    """Move every process's clock on together, ``step`` at a time (each advance has its own
    settle deadline), all processes at once, as real processes run side by side."""
    while seconds > 0:
        move = min(step, seconds)
        await asyncio.gather(*(p.advance(move) for p in processes))
        seconds -= move
