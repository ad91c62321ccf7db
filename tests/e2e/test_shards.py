"""Sharding: several bot processes, each running some of the shards, on one PostgreSQL.

Each server gets exactly one daily post per slot, from a process that holds its shard,
whatever restarts happen and even while two processes hold the same shards (a redeploy
that starts the new process before stopping the old, or SHARD_IDS set wrong); a pack
uploaded on one process is served by another; each process says how it is doing.
See ``tests/e2e/processes.py`` for how several processes run in one test.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest
import simcord
from discord.ext import commands

from tests.conftest import bot_settings
from tests.e2e.helpers import embed_text, reply
from tests.e2e.processes import BotProcess, Server, advance_all, build_world
from tests.postgres import fresh_database_url, requires_postgres

pytestmark = requires_postgres

HOUR = 3600
SHARDS = 4
PER_SHARD = 3  # 12 servers, 6 on each half
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()


@pytest.fixture
async def shared(tmp_path):
    """The settings of a deployment split into SHARD_COUNT=4, on a fresh PostgreSQL database."""
    async with fresh_database_url() as url:
        yield bot_settings(tmp_path).model_copy(
            update={
                "database_url": url,
                "shard_count": SHARDS,
                # a look for other processes' changes each virtual hour keeps days of virtual
                # time quick (each look is a query); the upload test looks every 2 s, as deployed
                "sync_seconds": 3600.0,
                "health_seconds": 3600.0,
                "owner_ids": str(operator_id()),
            }
        )


def operator_id() -> int:
    """The id the world's operator (the bot's owner) has in every process."""
    env = simcord.Env(dormant(SHARDS))
    return build_world(env, SHARDS, PER_SHARD)[0].operator.id


class Deployment:
    """The processes of one test, stopped at its end whatever happens."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.processes: list[BotProcess] = []
        self.started = 0

    async def start(self, name: str, shard_ids: str, **settings) -> BotProcess:
        """Start a process, its clock where the running ones' are."""
        now = await self.running[0].now() if self.processes else None
        process = BotProcess(
            name,
            self.settings.model_copy(update={"shard_ids": shard_ids, **settings}),
            PER_SHARD,
            index=self.started,
        )
        self.started += 1
        await process.start(now)
        self.processes.append(process)
        return process

    @property
    def running(self) -> list[BotProcess]:
        return list(self.processes)

    async def stop(self, process: BotProcess) -> None:
        self.processes.remove(process)
        await process.stop()

    async def advance(self, seconds: float) -> None:
        await advance_all(self.running, seconds)

    async def advance_to(self, when: datetime) -> None:
        now = await self.running[0].now()
        await self.advance((when - now).total_seconds())


@pytest.fixture
async def deployment(shared):
    deployment = Deployment(shared)
    try:
        yield deployment
    finally:
        for process in list(deployment.processes):
            await deployment.stop(process)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of January 2026 (SimCord's clock starts at 1 January, 00:00 UTC; London is on UTC)."""
    return datetime(2026, 1, day, hour, minute, second, tzinfo=UTC)


async def set_up_daily(process: BotProcess) -> None:
    """Each tutor sets the daily question up, on the process that holds their server."""

    async def setup(env, servers: list[Server]) -> None:
        for s in servers:
            if process.holds(s):
                result = await s.tutor.slash(
                    s.channel, "daily setup", channel=s.channel, time="09:00", timezone="Europe/London", days="daily"
                )
                assert "Daily question set" in result.response.content

    await process.run(setup)


async def daily_posts(process: BotProcess) -> dict[int, int]:
    """How many daily questions each server's channel shows, in this process's Discord."""

    async def count(env, servers: list[Server]) -> dict[int, int]:
        return {
            s.id: sum(1 for m in s.channel.history() if m.embeds and m.embeds[0].title.startswith("Daily question"))
            for s in servers
        }

    return await process.run(count)


async def posts_everywhere(processes: list[BotProcess]) -> Counter:
    total: Counter = Counter()
    for p in processes:
        total.update(await daily_posts(p))
    return total


def dormant(shard_count: int = SHARDS) -> commands.AutoShardedBot:
    """A bot that does nothing: the process is down while the clock runs on."""
    return commands.AutoShardedBot(
        command_prefix="!", intents=discord.Intents.none(), shard_count=shard_count, shard_ids=[0, 1]
    )


async def test_each_server_gets_one_daily_post_a_day_from_the_process_with_its_shard_across_restarts(deployment):
    a = await deployment.start("worker-a", "0-1")
    b = await deployment.start("worker-b", "2-3")
    assert [s.id for s in a.servers] == [s.id for s in b.servers]  # one world, seen from both
    assert {s.id for s in a.servers if a.holds(s)}.isdisjoint({s.id for s in b.servers if b.holds(s)})
    mine = {p.name: {s.id for s in p.servers if p.holds(s)} for p in (a, b)}
    assert all(len(ids) == 2 * PER_SHARD for ids in mine.values())
    await set_up_daily(a)
    await set_up_daily(b)

    async def check(days: int) -> None:
        for p in (a, b):
            shown = await daily_posts(p)
            assert {sid: n for sid, n in shown.items() if sid in mine[p.name]} == dict.fromkeys(mine[p.name], days)
            assert all(n == 0 for sid, n in shown.items() if sid not in mine[p.name]), "posted outside its shards"

    await deployment.advance_to(at(1, 9, 0, 1))
    await check(1)

    # A restarts just before the next slot; B runs on
    await deployment.advance_to(at(2, 8, 59, 59))
    await a.restart()
    await deployment.advance_to(at(2, 9, 0, 5))
    await check(2)

    # B restarts at the very moment of the slot
    await deployment.advance_to(at(3, 9))
    await b.restart()
    await deployment.advance_to(at(3, 9, 1))
    await check(3)

    # A is down across the next slot (a rolling restart with a gap) and back an hour later:
    # its servers get the day's question late, once; B's on time
    await deployment.advance_to(at(4, 8, 30))
    await a.restart(dormant())
    await deployment.advance_to(at(4, 9, 30))
    shown = await daily_posts(b)
    assert all(shown[sid] == 4 for sid in mine["worker-b"])
    await a.restart()
    await deployment.advance_to(at(4, 10))
    await check(4)


async def test_two_processes_holding_the_same_shards_post_each_slot_once(deployment):
    """A redeploy that starts the new process before stopping the old one, and a process
    started by mistake with every shard: three processes, the shards held twice over."""
    a = await deployment.start("worker-a", "0-1")
    b = await deployment.start("worker-b", "2-3")
    await set_up_daily(a)
    await set_up_daily(b)
    await deployment.advance_to(at(1, 8))
    await deployment.start("worker-a-new", "0-1")  # the redeploy of A, A still running
    await deployment.start("worker-stray", "0-3")  # every shard, by mistake
    await deployment.advance_to(at(1, 9, 1))
    everywhere = await posts_everywhere(deployment.running)
    assert set(everywhere.values()) == {1}, everywhere  # each server's slot posted once over all processes
    assert len(everywhere) == SHARDS * PER_SHARD

    kept = await daily_posts(a)  # what the old A posted stays in the channels when it goes
    await deployment.stop(a)  # the new A and the stray run on through the next day's slot
    await deployment.advance_to(at(2, 9, 1))
    later = await posts_everywhere(deployment.running) + Counter(kept)
    assert set(later.values()) == {2}, later


async def test_a_pack_uploaded_on_one_process_is_served_by_another_holding_the_same_shard(deployment):
    a = await deployment.start("worker-a", "0-1", sync_seconds=2.0)
    new_a = await deployment.start("worker-a-new", "0-1", sync_seconds=2.0)  # both hold shards 0 and 1
    server = next(s for s in a.servers if a.holds(s))

    async def packs_listed(env, servers) -> str:
        s = next(x for x in servers if x.id == server.id)
        return embed_text(reply(await s.tutor.slash(s.channel, "content list")))

    async def upload(env, servers) -> str:
        s = next(x for x in servers if x.id == server.id)
        result = await s.tutor.slash(s.channel, "content upload", file=("example.yaml", EXAMPLE))
        return result.response.content or embed_text(reply(result))

    assert "example-heat" not in await new_a.run(packs_listed)
    shown = await a.run(upload)
    assert "example-heat" in shown
    assert "example-heat" not in await new_a.run(packs_listed)  # not yet: the other looks every 2 s
    await deployment.advance(2)
    assert "example-heat" in await new_a.run(packs_listed)

    async def quiz(env, servers) -> str:  # a learner's /quiz on the other process draws from the new pack
        s = next(x for x in servers if x.id == server.id)
        return embed_text(reply(await s.learner.slash(s.channel, "quiz", pack="example-heat")))

    assert "Practice question · Calming an upset customer" in await new_a.run(quiz)  # the pack's title

    async def disable(env, servers) -> str:
        s = next(x for x in servers if x.id == server.id)
        return (await s.tutor.slash(s.channel, "content disable", pack="example-heat")).response.content

    await new_a.run(disable)
    await deployment.advance(2)
    assert "example-heat" in await a.run(packs_listed)
    listed = await a.run(packs_listed)
    assert "disabled" in listed.split("example-heat", 1)[1][:200].lower(), listed


async def test_each_process_logs_its_health_and_status_shows_every_process_to_the_owner(deployment, caplog):
    caplog.set_level(logging.INFO, logger="bot.health")
    a = await deployment.start("worker-a", "0-1", health_seconds=600.0)
    b = await deployment.start("worker-b", "2-3", health_seconds=600.0)
    await deployment.advance(600)
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.health"]
    assert any(line.startswith("health: worker-a; shards 0-1 of 4; 6 servers; latency shard 0 ") for line in lines)
    assert any(line.startswith("health: worker-b; shards 2-3 of 4; 6 servers; latency shard 2 ") for line in lines)

    async def status(owner: bool):
        async def ask(env, servers):
            s = next(x for x in servers if a.holds(x))
            member = s.operator if owner else s.admin
            return reply(await member.slash(s.channel, "status"))

        return await a.run(ask)

    shown = await status(owner=True)
    text = embed_text(shown)
    assert shown.flags.ephemeral
    assert "worker-a (this process)" in text and "worker-b" in text and "PostgreSQL" in text
    assert "\nworker-b\n🟢 running, shards 2-3 of 4, 6 servers\nLatency: 0 ms over 2 shards" in text
    refused = await status(owner=False)
    assert "Only the bot's owner" in refused.content and "worker-b" not in (refused.content or "")
    assert [type(e).__name__ for e in await a.errors()] == ["NotOwner"]

    await deployment.stop(b)  # B stops reporting: after three of its intervals /status says so
    await deployment.advance(3 * 600 + 1)
    assert "\nworker-b\n🔴 not heard from, shards 2-3 of 4" in embed_text(await status(owner=True))


async def test_a_schedule_set_on_the_old_process_during_a_redeploy_is_posted_on_time_by_the_new_one(deployment):
    """The new process started before any schedule existed, so it sleeps for hours; a tutor
    sets the daily question up on the old one, which then stops before nine: the change
    count wakes the new one, which posts at nine (without the wake it would sleep past the
    three hours a missed post may still be made in)."""
    old = await deployment.start("bot-a", "0-1")
    await deployment.advance_to(at(1, 8))
    new = await deployment.start("bot-a-new", "0-1", sync_seconds=60.0)
    await deployment.advance_to(at(1, 8, 50))
    await set_up_daily(old)
    await deployment.advance(60)
    await deployment.stop(old)  # stopped before any post was due: the posts are all the new one's
    await deployment.advance_to(at(1, 9, 1))
    shown = await daily_posts(new)
    assert {sid: n for sid, n in shown.items() if new.shards.serves(sid)} == dict.fromkeys(
        [s.id for s in new.servers if new.holds(s)], 1
    )
    assert sum(n for sid, n in shown.items() if not new.shards.serves(sid)) == 0
