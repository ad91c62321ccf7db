"""PostgreSQL going away in the middle of a burst of answers: every answer a learner was
told is saved is there afterwards, the others were told "not saved, try again", and the
store connects again by itself (no restart of the bot). The server ends every connection
to the database mid-burst (``pg_terminate_backend``, what a restart or a failover does to
its clients)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg

from bot.packs.library import ContentLibrary
from bot.store.database import Database, StorageUnavailable
from tests.conftest import ROOT
from tests.inside import open_services
from tests.postgres import fresh_database_url, private_server, requires_postgres

LEARNERS = 1000


async def _drop_connections(url: str) -> None:
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()


async def daily_post(db: Database):
    """A sent daily post with a single-choice question, and a learner's right click on it."""
    svc, inside = await open_services(db, ContentLibrary.from_folder(ROOT / "content"))
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    q = next(q for lp in inside.library.packs(1) for q in lp.pack.questions if q.kind == "single")
    post = await inside.posts.claim(1, "daily", "2026-01-05", q.id, 2, now)
    await inside.posts.mark_sent(post.id, 3, now)

    async def click(user: int):
        return await svc.answering.answer_post(1, user, post.id, q.answer, now)

    return click, post


@requires_postgres
async def test_connections_dropped_mid_burst_lose_no_acknowledged_answer_and_the_store_carries_on():
    async with fresh_database_url() as url:
        db = await Database.open(url)
        try:
            click, post = await daily_post(db)
            before = await asyncio.gather(*(click(u) for u in range(1, 301)))  # committed: told saved

            # the next clicks queue up behind a write that holds the writer, so they go to the
            # server together, in one transaction with a slow job; the connections drop while it runs
            holding = db.write(lambda c: c.execute("SELECT pg_sleep(0.3)"))
            in_flight = [asyncio.ensure_future(click(u)) for u in range(301, 701)]
            await asyncio.sleep(0.05)
            slow = db.write(lambda c: c.execute("SELECT pg_sleep(5)"))
            await holding
            await asyncio.sleep(0.5)
            await _drop_connections(url)
            lost = await asyncio.gather(*in_flight, slow, return_exceptions=True)
            assert all(isinstance(r, StorageUnavailable) for r in lost)  # told "not saved, try again"

            after = await asyncio.gather(*(click(u) for u in range(701, LEARNERS + 1)))  # no bot restart

            def saved(c):
                return {r[0] for r in c.execute("SELECT user_id FROM answers WHERE post_id = ?", (post.id,))}

            assert await db.read(saved) == set(range(1, 301)) | set(range(701, LEARNERS + 1))
            again = await asyncio.gather(*(click(u) for u in range(301, 701)))  # those told to retry do
            counts = await db.read(
                lambda c: c.execute(
                    "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM answers WHERE post_id = ?", (post.id,)
                ).fetchone()
            )
        finally:
            await db.close()
    assert not any(fb.already_answered for fb in before + after + again)
    assert tuple(counts) == (LEARNERS, LEARNERS)


async def test_the_server_restarted_mid_burst_loses_no_acknowledged_answer_and_the_bot_carries_on():
    """A real restart of the server (stopped, then started again) in the middle of a burst:
    clicks while it is down are told "not saved"; once it is back, the store connects again
    by itself and the retried clicks are saved once each."""
    with private_server() as server:
        db = await Database.open(server.url)
        try:
            click, post = await daily_post(db)

            first = await asyncio.gather(*(click(u) for u in range(1, 301)))  # before: all saved
            await asyncio.to_thread(server.stop)
            down = await asyncio.gather(*(click(u) for u in range(301, 601)), return_exceptions=True)
            assert all(isinstance(r, StorageUnavailable) for r in down)  # told "not saved, try again"
            await asyncio.to_thread(server.start)
            again = await asyncio.gather(*(click(u) for u in range(301, 601)))  # no restart of the bot
            rows = await db.read(
                lambda c: c.execute(
                    "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM answers WHERE post_id = ?", (post.id,)
                ).fetchone()
            )
        finally:
            await db.close()
    assert not any(fb.already_answered for fb in first + again)
    assert tuple(rows) == (600, 600)
