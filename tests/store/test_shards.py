"""The store as one process of several sees it, on each database: the scheduling reads are
only of the process's shards (the SQL agrees with ``Shards.serves``), every change another
process must notice moves the change count, and a second process catches up with uploads
and enabled packs from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import Services, Store
from bot.domain.health import ProcessHealth
from bot.domain.records import Schedule
from bot.domain.shards import Shards
from bot.packs.library import ContentLibrary
from bot.store.changes import ChangesRepo
from bot.store.database import Database
from bot.store.processes import FORGET_AFTER, ProcessRepo

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
GUILDS = [((1_400_000_000_000 + n) << 22) | (n * 7919 % 4096) for n in range(24)]  # shards 0-3, six each
SENT = {g for n, g in enumerate(GUILDS) if n // 4 % 2}  # on every shard, some sent and some not
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()


async def test_each_process_reads_only_its_shards_schedules_and_posts(database):
    db = await Database.open(database)
    try:
        everything = Store.on(db)
        for g in GUILDS:
            await everything.schedules.save(Schedule(g, g + 1, "09:00", "Europe/London", frozenset(range(7))), T0)
            post = await everything.posts.claim(g, "daily", "2026-03-02", "q", g + 1, T0, T0 + timedelta(hours=1))
            if g in SENT:  # half of them sent (open, due to close at 10:00), half failed, to retry at 09:05
                await everything.posts.mark_sent(post.id, 5, T0)
            else:
                await everything.posts.mark_retry(post.id, T0 + timedelta(minutes=5))
        for shards in (Shards(4, (0, 1)), Shards(4, (2,)), Shards(3, (0, 2)), Shards(4, (0, 1, 2, 3)), Shards()):
            mine = {g for g in GUILDS if shards.serves(g)}
            store = Store.on(db, shards)
            assert {s.guild_id for s in await store.schedules.all_active()} == mine
            retrying = await store.posts.pending(T0 + timedelta(minutes=5))
            assert {p.guild_id for p in retrying} == mine - SENT
            closing = await store.posts.due_to_close(T0 + timedelta(hours=1))
            assert {p.guild_id for p in closing} == mine & SENT
        assert {(g >> 22) % 4 for g in SENT} == {(g >> 22) % 4 for g in set(GUILDS) - SENT} == {0, 1, 2, 3}
        # a process whose servers have nothing pending does not wake for another's
        unused = next(s for s in range(100) if all((g >> 22) % 100 != s for g in GUILDS))
        lonely = Store.on(db, Shards(100, (unused,)))
        assert await lonely.posts.next_event() is None
        assert await everything.posts.next_event() is not None
    finally:
        await db.close()


async def test_every_change_another_process_must_notice_moves_the_count(database, settings):
    db = await Database.open(database)
    try:
        services = await Services.build(Store.on(db), ContentLibrary.from_folder(settings.content_dir))
        changes = ChangesRepo(db)
        counts = [await changes.count()]
        g = GUILDS[0]
        await services.content.upload(g, 1, "example.yaml", EXAMPLE, T0)
        counts.append(await changes.count())
        await services.content.set_enabled(g, "example-heat", False)
        counts.append(await changes.count())
        await services.daily.configure(g, 5, "09:00", "Europe/London", "daily", None, None, T0)
        counts.append(await changes.count())
        await services.settings.set_timezone(g, "Europe/Dublin")
        counts.append(await changes.count())
        await services.settings.set_tutor_role(g, 77)  # read from the database each time: no count
        counts.append(await changes.count())
        assert counts[0] == 0 and all(b > a for a, b in zip(counts[:4], counts[1:5])) and counts[5] == counts[4]
    finally:
        await db.close()


async def test_a_second_process_catches_up_with_uploads_and_enabled_packs(database, settings):
    db_a, db_b = await Database.open(database), await Database.open(database)
    try:
        a = await Services.build(Store.on(db_a), ContentLibrary.from_folder(settings.content_dir))
        b = await Services.build(Store.on(db_b), ContentLibrary.from_folder(settings.content_dir))
        g = GUILDS[0]
        assert await b.changes.catch_up() is False  # nothing new
        await a.content.upload(g, 1, "example.yaml", EXAMPLE, T0)
        assert b.content.question(g, "ex-q1") is None  # not until B looks
        assert await b.changes.catch_up() is True
        assert b.content.question(g, "ex-q1") is not None
        assert [p.version for p in b.content.packs(g) if p.id == "example-heat"] == [1]
        await a.content.upload(g, 1, "example.yaml", EXAMPLE.replace(b"What should you do first?", b"First?"), T0)
        await a.content.set_enabled(g, "pearson-challenging-customers", False)
        assert await b.changes.catch_up() is True
        assert b.content.question(g, "ex-q1")[0].prompt.endswith("First?")
        assert "pearson-challenging-customers" not in {p.id for p in b.content.packs(g)}
        await a.content.set_enabled(g, "pearson-challenging-customers", True)  # enabled again on A
        await b.changes.catch_up()
        assert "pearson-challenging-customers" in {p.id for p in b.content.packs(g)}
        assert await b.changes.catch_up() is False and await a.changes.catch_up() is True  # A sees its own, once
        assert await a.changes.catch_up() is False
    finally:
        await db_a.close()
        await db_b.close()


async def test_each_process_keeps_its_health_line_and_long_gone_ones_are_forgotten(database):
    db = await Database.open(database)
    try:
        repo = ProcessRepo(db)
        a = ProcessHealth("worker-a", "shards 0-1 of 4", 6, {0: 0.041, 1: None}, T0, T0, 300.0)
        b = ProcessHealth("worker-b", "shards 2-3 of 4", 5, {2: 0.05}, T0, T0)
        await repo.beat(a)
        await repo.beat(b)
        await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('process:broken', '{not json')"))
        assert await repo.recent() == [a, b]  # a record that cannot be read is skipped
        later = T0 + FORGET_AFTER + timedelta(seconds=1)
        a_now = ProcessHealth("worker-a", a.shards, 7, a.latencies, T0, later)
        await repo.beat(a_now)  # B has not beaten for over a day: dropped
        assert await repo.recent() == [a_now]  # and the unreadable one is gone too
        assert (
            await db.read(lambda c: c.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'process:%'").fetchone()[0])
            == 1
        )
        assert a_now.alive(later, timedelta(minutes=5)) and not b.alive(later, timedelta(minutes=5))
        assert (
            a.line() == "health: worker-a; shards 0-1 of 4; 6 servers; latency shard 0 41 ms, shard 1 not measured yet"
        )
    finally:
        await db.close()


async def test_a_process_loads_only_its_servers_uploads_and_reads_many_at_once(database):
    from bot.store.content import KEYS_PER_READ, ContentRepo

    db = await Database.open(database)
    try:
        everything = ContentRepo(db)
        many = KEYS_PER_READ + 10  # more keys than one read takes
        for n in range(many):
            await everything.add_upload(GUILDS[n % len(GUILDS)], f"pack-{n}", f"text {n}", 1, T0)
        await everything.set_enabled(GUILDS[0], "pearson-challenging-customers", False)
        await everything.set_enabled(GUILDS[1], "pearson-challenging-customers", False)
        keys = await everything.latest_versions()
        assert len(keys) == many
        texts = await everything.uploads(keys)
        assert sorted(u.yaml_text for u in texts) == sorted(f"text {n}" for n in range(many))
        half = Shards(4, (0, 1))
        mine = ContentRepo(db, half)
        assert {g for g, _, _ in await mine.latest_versions()} == {g for g in GUILDS if half.serves(g)}
        assert await mine.disabled() == {(g, "pearson-challenging-customers") for g in GUILDS[:2] if half.serves(g)}
    finally:
        await db.close()


async def test_a_command_delivered_to_two_processes_is_handled_by_the_first_to_record_it(database):
    from bot.store.interactions import HandledCommandsRepo, snowflake_at

    db_a, db_b = await Database.open(database), await Database.open(database)
    try:
        a, b = HandledCommandsRepo(db_a), HandledCommandsRepo(db_b)
        old, new = snowflake_at(T0 - timedelta(days=2)) + 5, snowflake_at(T0) + 5
        assert await a.first(new) is True and await b.first(new) is False  # B leaves it to A
        assert await b.first(old) is True
        assert await a.forget_before(T0 - timedelta(days=1)) == 1  # the old id goes, the new stays
        assert await a.first(new) is False and await a.first(old) is True
        assert snowflake_at(datetime(2015, 1, 1, tzinfo=UTC)) == 0
    finally:
        await db_a.close()
        await db_b.close()
