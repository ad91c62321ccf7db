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


@requires_postgres
async def test_connections_dropped_mid_burst_lose_no_acknowledged_answer_and_the_store_carries_on():
    async with fresh_database_url() as url:
        db = await Database.open(url)
        try:
            svc, inside = await open_services(db, ContentLibrary.from_folder(ROOT / "content"))
            now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
            q = next(q for lp in inside.library.packs(1) for q in lp.pack.questions if q.kind == "single")
            post = await inside.posts.claim(1, "daily", "2026-01-05", q.id, 2, now)
            await inside.posts.mark_sent(post.id, 3, now)

            async def click(user: int):
                return await svc.answering.answer_post(1, user, post.id, q.answer, now)

            # the burst arrives in waves of a hundred clicks; the connections drop half-way
            burst: list[asyncio.Future] = []
            for wave in range(10):
                burst += [asyncio.ensure_future(click(u)) for u in range(wave * 100 + 1, wave * 100 + 101)]
                await asyncio.sleep(0.01)
                if wave == 4:
                    await _drop_connections(url)
            results = await asyncio.gather(*burst, return_exceptions=True)
            told_saved = {u for u, r in zip(range(1, LEARNERS + 1), results) if not isinstance(r, BaseException)}
            told_not_saved = {u for u, r in zip(range(1, LEARNERS + 1), results) if isinstance(r, StorageUnavailable)}
            assert told_saved | told_not_saved == set(range(1, LEARNERS + 1))  # nothing else went wrong
            assert told_saved and told_not_saved  # the drop came in the middle of the burst

            def saved(c):
                return {r[0] for r in c.execute("SELECT user_id FROM answers WHERE post_id = ?", (post.id,))}

            assert told_saved <= await db.read(saved)  # every acknowledged answer is there

            # the learners told to try again do, and are saved, once each
            again = await asyncio.gather(*(click(u) for u in sorted(told_not_saved)))
            assert all(not fb.already_answered or u in told_saved for u, fb in zip(sorted(told_not_saved), again))
            counts = await db.read(
                lambda c: c.execute(
                    "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM answers WHERE post_id = ?", (post.id,)
                ).fetchone()
            )
            assert tuple(counts) == (LEARNERS, LEARNERS)
        finally:
            await db.close()


async def test_the_server_restarted_mid_burst_loses_no_acknowledged_answer_and_the_bot_carries_on():
    """A real restart of the server (stopped, then started again) in the middle of a burst:
    clicks while it is down are told "not saved"; once it is back, the store connects again
    by itself and the retried clicks are saved once each."""
    with private_server() as server:
        db = await Database.open(server.url)
        try:
            svc, inside = await open_services(db, ContentLibrary.from_folder(ROOT / "content"))
            now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
            q = next(q for lp in inside.library.packs(1) for q in lp.pack.questions if q.kind == "single")
            post = await inside.posts.claim(1, "daily", "2026-01-05", q.id, 2, now)
            await inside.posts.mark_sent(post.id, 3, now)

            async def click(user: int):
                return await svc.answering.answer_post(1, user, post.id, q.answer, now)

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
