"""Storage failure: the database refuses writes (read-only, disk full). The learner is told
plainly that nothing was saved, nothing is acknowledged, the bot keeps running, and the
next click after storage recovers is saved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.store.database import Database, StorageUnavailable
from bot.ui.errors import NOT_SAVED
from tests.e2e.helpers import answer, embed_text, post_id_of, question_of, reply
from tests.e2e.test_daily import bot_posts, setup_daily

HOUR = 3600


async def rows_for(inside, post_id: int, user_id: int) -> tuple[int, int, int]:
    return await inside.db.read(
        lambda c: (
            c.execute("SELECT COUNT(*) FROM answers WHERE post_id = ? AND user_id = ?", (post_id, user_id)).fetchone()[
                0
            ],
            c.execute("SELECT COUNT(*) FROM points WHERE user_id = ?", (user_id,)).fetchone()[0],
            c.execute("SELECT COUNT(*) FROM cards WHERE user_id = ?", (user_id,)).fetchone()[0],
        )
    )


async def set_read_only(inside, on: bool) -> None:
    """The database refuses every write on the bot's writing connection: SQLite as on a
    read-only file (SQLITE_READONLY; running as root, chmod would not stop it), PostgreSQL
    as a read-only server or a standby does (read_only_sql_transaction)."""
    if inside.db.is_postgres:  # for the connection, and for any it opens again
        value = "on" if on else "off"

        def read_only(c):
            name = c.execute("SELECT current_database()").fetchone()[0]
            c.execute("SET default_transaction_read_only = off")  # to change the database's own setting
            c.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {value}')
            c.execute(f"SET default_transaction_read_only = {value}")

        await inside.db._run(read_only)
    else:
        await inside.db._run(lambda c: c.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}"))


async def test_a_click_while_storage_is_read_only_says_not_saved_and_a_later_click_is_saved(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    inside = cohort.inside
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    pid = post_id_of(post)

    await set_read_only(inside, True)
    failed = await answer(amira, post, q, right=True)
    shown = reply(failed)
    assert failed.acknowledged and shown.ephemeral
    assert shown.content == NOT_SAVED and "not saved" in shown.content and "try again" in shown.content
    assert not shown.embeds  # no feedback, no points, no streak: nothing claims it was saved
    assert await rows_for(inside, pid, amira.id) == (0, 0, 0)

    # the bot is still up: reads work, and other learners get the same clear message
    listed = await ben.slash(cohort.channel, "content list")
    assert listed.ephemeral and "Content packs" in listed.response.embeds[0].title
    assert reply(await answer(ben, post, q, right=False)).content == NOT_SAVED

    await set_read_only(inside, False)  # storage recovers
    ok = reply(await answer(amira, post, q, right=True))
    assert "Right" in ok.embeds[0].title and "+10 points" in embed_text(ok)
    assert await rows_for(inside, pid, amira.id) == (1, 1, 1)
    again = reply(await answer(amira, post, q, right=True))
    assert "already answered" in again.embeds[0].title
    assert await rows_for(inside, pid, amira.id) == (1, 1, 1)

    # and the scheduler survived the failed writes: the next day's post still goes out
    await env.advance_time(24 * HOUR)
    assert len(bot_posts(cohort.channel)) == 2


async def test_disk_full_fails_the_whole_batch_and_recovers(tmp_path):
    """SQLITE_FULL in the middle of a group commit: every job in that batch fails with
    StorageUnavailable (none half-saved), and writes work again once there is room."""
    db = await Database.open(tmp_path / "full.sqlite3")
    try:
        pages = await db.read(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
        await db._run(lambda c: c.execute(f"PRAGMA max_page_count = {pages}"))  # the disk is full (for the writer)

        def small(i):
            return lambda c: c.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (f"small{i}",))

        big = lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('big', ?)", ("x" * 200_000,))  # noqa: E731
        # queued together, so they share one transaction: the big one fills the disk
        results = await asyncio.gather(*(db.write(f) for f in (small(1), big, small(2))), return_exceptions=True)
        assert all(isinstance(r, StorageUnavailable) for r in results), results
        assert "full" in str(results[1])
        keys = await db.read(lambda c: [r[0] for r in c.execute("SELECT key FROM meta")])
        assert keys == []

        await db._run(lambda c: c.execute("PRAGMA max_page_count = 1073741823"))  # room again
        await asyncio.gather(*(db.write(f) for f in (small(1), big, small(2))))
        keys = await db.read(lambda c: sorted(r[0] for r in c.execute("SELECT key FROM meta")))
        assert keys == ["big", "small1", "small2"]
    finally:
        await db.close()


async def test_a_failed_answer_write_is_not_acknowledged_by_the_service(tmp_path, settings):
    """At the service level: answer_post raises StorageUnavailable (the cog shows NOT_SAVED)
    instead of returning feedback, and the retry after recovery counts once."""
    from bot.packs.library import ContentLibrary
    from tests.inside import open_services

    db = await Database.open(tmp_path / "svc.sqlite3")
    try:
        svc, inside = await open_services(db, ContentLibrary.from_folder(settings.content_dir))
        now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        q = next(q for lp in inside.library.packs(1) for q in lp.pack.questions if q.kind == "single")
        post = await inside.posts.claim(1, "daily", "2026-01-05", q.id, 2, now)
        await inside.posts.mark_sent(post.id, 3, now)
        await set_read_only(inside, True)
        with pytest.raises(StorageUnavailable):
            await svc.answering.answer_post(1, 42, post.id, q.answer, now)
        await set_read_only(inside, False)
        fb = await svc.answering.answer_post(1, 42, post.id, q.answer, now)
        assert not fb.already_answered and fb.points == 10
        assert await rows_for(inside, post.id, 42) == (1, 1, 1)
    finally:
        await db.close()
