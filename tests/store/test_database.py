import asyncio
import sqlite3
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from bot.store.database import (
    ROWS_PER_STATEMENT,
    Database,
    StorageUnavailable,
    StoreError,
    Worker,
    insert_rows,
    migrations,
)


async def test_migrations_apply_from_empty(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    version = await db.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
    tables = await db.read(lambda c: {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")})
    await db.close()
    assert version == len(migrations()) >= 1
    assert {"guild_settings", "meta", "uploaded_packs", "disabled_packs"} <= tables


async def test_reopening_is_a_no_op_and_keeps_data(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')"))
    await db.close()
    db = await Database.open(path)
    value = await db.read(lambda c: c.execute("SELECT value FROM meta WHERE key = 'k'").fetchone()[0])
    version = await db.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
    await db.close()
    assert value == "v"
    assert version == len(migrations())


async def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="newer than this code"):
        await Database.open(path)


async def test_wal_and_pragmas(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    mode, fks, sync = await db.read(
        lambda c: (
            c.execute("PRAGMA journal_mode").fetchone()[0],
            c.execute("PRAGMA foreign_keys").fetchone()[0],
            c.execute("PRAGMA synchronous").fetchone()[0],
        )
    )
    await db.close()
    assert (mode, fks, sync) == ("wal", 1, 1)  # synchronous 1 = NORMAL


async def test_a_failing_migration_rolls_back_and_says_which(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nNOT SQL AT ALL;")
    with pytest.raises(StoreError, match="0002_bad.sql"):
        await Database.open(tmp_path / "bot.sqlite3", folder)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "a" in names and "b" not in names


async def test_concurrent_writes_each_commit_once_and_a_failing_job_is_undone_alone(database):
    db = await Database.open(database)

    def insert(i):
        def job(c):
            c.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (f"k{i}",))
            if i == 7:
                raise ValueError("job 7 fails after writing")
            return i

        return job

    results = await asyncio.gather(*(db.write(insert(i)) for i in range(50)), return_exceptions=True)
    keys = await db.read(lambda c: {r[0] for r in c.execute("SELECT key FROM meta")})
    await db.close()
    assert isinstance(results[7], ValueError)
    assert [r for i, r in enumerate(results) if i != 7] == [i for i in range(50) if i != 7]
    assert keys == {f"k{i}" for i in range(50) if i != 7}


async def test_items_queued_together_reach_their_batch_function_in_one_call(database):
    db = await Database.open(database)
    calls = []

    def batch(c, items):
        calls.append(list(items))
        c.executemany("INSERT INTO meta (key, value) VALUES (?, 'x')", [(f"k{i}",) for i in items])
        return [i * 10 for i in items]

    results = await asyncio.gather(*(db.write_many(batch, i) for i in range(20)))
    keys = await db.read(lambda c: {r[0] for r in c.execute("SELECT key FROM meta")})
    await db.close()
    assert results == [i * 10 for i in range(20)]
    assert calls == [list(range(20))]
    assert keys == {f"k{i}" for i in range(20)}


async def test_a_failing_batch_is_retried_item_by_item_so_only_the_bad_item_fails(database):
    db = await Database.open(database)

    def batch(c, items):
        c.executemany("INSERT INTO meta (key, value) VALUES (?, 'x')", [(f"k{i}",) for i in items])
        if 13 in items:
            raise ValueError("item 13 is bad")
        return items

    results = await asyncio.gather(*(db.write_many(batch, i) for i in range(20)), return_exceptions=True)
    keys = await db.read(lambda c: {r[0] for r in c.execute("SELECT key FROM meta")})
    await db.close()
    assert isinstance(results[13], ValueError)
    assert [r for i, r in enumerate(results) if i != 13] == [i for i in range(20) if i != 13]
    assert keys == {f"k{i}" for i in range(20) if i != 13}


async def test_plain_jobs_between_batched_items_keep_their_order(database):
    db = await Database.open(database)
    seen = []

    def batch(c, items):
        seen.append(("batch", list(items)))
        return items

    def job(c):
        seen.append(("job",))

    await asyncio.gather(db.write_many(batch, 1), db.write_many(batch, 2), db.write(job), db.write_many(batch, 3))
    await db.close()
    assert seen == [("batch", [1, 2]), ("job",), ("batch", [3])]


async def test_the_log_is_checkpointed_by_the_second_connection_once_writes_drain(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    await db.write(
        lambda c: c.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)", [(f"k{i}", "x" * 500) for i in range(2000)]
        )
    )
    await db.settle()
    in_file = (tmp_path / "bot.sqlite3").stat().st_size
    autocheckpoint = await db._run(lambda c: c.execute("PRAGMA wal_autocheckpoint").fetchone()[0])  # the writer's
    await db.close()
    assert autocheckpoint == 0  # commits never stop to checkpoint
    assert in_file > 1_000_000  # the megabyte written is already in the database file, not only the log


async def test_a_batch_with_the_wrong_number_of_results_keeps_nothing_and_fails_its_callers(database):
    db = await Database.open(database)

    def batch(c, items):
        c.executemany("INSERT INTO meta (key, value) VALUES (?, 'x')", [(f"k{i}",) for i in items])
        return []

    results = await asyncio.gather(*(db.write_many(batch, i) for i in range(3)), return_exceptions=True)
    rows = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'").fetchone()[0])
    await db.close()
    assert all(isinstance(r, RuntimeError) for r in results)
    assert rows == 0  # undone, not written once per retry


async def test_settle_waits_for_the_checkpoint_a_late_write_asks_for(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    for i in range(5):
        await db.write(lambda c, i=i: c.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"s{i}", "x" * 5000)))
    await db.settle()
    running = [t for t in asyncio.all_tasks() if t.get_name() in ("db-writer", "db-checkpoint") and not t.done()]
    size = (tmp_path / "bot.sqlite3").stat().st_size
    await db.close()
    assert not running
    assert size > 25_000  # the last write is in the database file, not only in the log


async def test_a_slow_read_holds_up_no_write_and_sees_one_state_throughout(database):
    db = await Database.open(database)
    started, written = threading.Event(), threading.Event()

    def slow_report(c):
        before = c.execute("SELECT COUNT(*) FROM meta").fetchone()[0]
        started.set()
        assert written.wait(5), "the write waited for the read"
        return before, c.execute("SELECT COUNT(*) FROM meta").fetchone()[0]

    try:
        report = asyncio.create_task(db.read(slow_report))
        await asyncio.to_thread(started.wait, 5)
        await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('during', 'x')"))
        written.set()
        assert await report == (0, 0)  # the report saw the state it started with
        assert await db.read(lambda c: c.execute("SELECT COUNT(*) FROM meta").fetchone()[0]) == 1
    finally:
        written.set()
        await db.close()


async def test_reads_after_close_are_refused_plainly(database):
    db = await Database.open(database)
    await db.close()
    with pytest.raises(StorageUnavailable):
        await db.read(lambda c: c.execute("SELECT 1").fetchone())


async def test_a_read_that_fails_half_way_leaves_later_reads_seeing_new_writes(database):
    db = await Database.open(database)

    def broken_report(c):  # fails on the first row: the comprehension's frame holds the open cursor
        return [int(r[0]) for r in c.execute("SELECT key FROM meta")]

    try:
        await db.write(lambda c: c.executemany("INSERT INTO meta (key, value) VALUES (?, 'x')", [("a",), ("b",)]))
        with pytest.raises(ValueError):
            await db.read(broken_report)
        await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('c', 'x')"))
        assert await db.read(lambda c: c.execute("SELECT COUNT(*) FROM meta").fetchone()[0]) == 3
    finally:
        await db.close()


async def test_a_database_that_cannot_be_opened_says_so(tmp_path):
    (tmp_path / "bot.sqlite3").mkdir()  # a folder where the file should be
    with pytest.raises(StoreError, match="cannot open the database"):
        await Database.open(tmp_path / "bot.sqlite3")


def _db_threads() -> dict[threading.Thread, str]:
    return {t: t.name.rsplit("_", 1)[0] for t in threading.enumerate() if t.name.startswith("db-")}


async def test_each_connection_has_its_own_thread_and_close_ends_them(tmp_path):
    before = _db_threads()
    db = await Database.open(tmp_path / "bot.sqlite3")
    writer_thread = await db._run(lambda c: threading.current_thread().name)
    reader_thread = await db.read(lambda c: threading.current_thread().name)
    mine = {t: name for t, name in _db_threads().items() if t not in before}
    await db.close()
    assert sorted(mine.values()) == ["db-checkpoint", "db-reader", "db-writer"]
    assert writer_thread.startswith("db-writer") and reader_thread.startswith("db-reader")
    for thread in mine:
        await asyncio.to_thread(thread.join, 5)
        assert not thread.is_alive()


async def test_a_closed_worker_refuses_work_and_closes_once(tmp_path):
    worker = await Worker.connect(tmp_path / "w.sqlite3", "db-test")
    assert await worker.run(lambda c, x: c.execute("SELECT ?", (x,)).fetchone()[0], 7) == 7
    await worker.close()
    await worker.close()
    with pytest.raises(StorageUnavailable):
        await worker.run(lambda c: c.execute("SELECT 1"))


UPSERT = (
    "INSERT INTO t (k, n, note) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n, note = excluded.note"
)


def _table_after(write, rows) -> list[tuple]:
    c = sqlite3.connect(":memory:", isolation_level=None)
    c.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER NOT NULL, note TEXT)")
    write(c, rows)
    return c.execute("SELECT k, n, note FROM t ORDER BY k").fetchall()


@settings(max_examples=200, deadline=None)
@given(
    rows=hs.lists(hs.tuples(hs.integers(0, 6), hs.integers(-5, 5), hs.text(max_size=2)), max_size=40),
    per=hs.integers(1, 8),
)
def test_insert_rows_writes_what_executemany_writes_in_the_same_order(rows, per):
    """Keys repeat within one statement's rows and across statements: each row must still
    see the rows before it, as executemany's do (the upsert adds up in order)."""
    assert _table_after(lambda c, r: insert_rows(c, UPSERT, r, per), rows) == _table_after(
        lambda c, r: c.executemany(UPSERT, r), rows
    )


@pytest.mark.parametrize("count", [0, 1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, ROWS_PER_STATEMENT + 1, 250])
def test_insert_rows_writes_every_row_however_many(count):
    rows = [(k, k, f"row {k}") for k in range(count)]
    assert _table_after(lambda c, r: insert_rows(c, UPSERT, r), rows) == rows


def test_insert_rows_refuses_what_it_cannot_write_however_few_the_rows():
    c = sqlite3.connect(":memory:")
    c.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER NOT NULL, note TEXT)")
    with pytest.raises(ValueError, match="not an INSERT"):
        insert_rows(c, "UPDATE t SET n = ? WHERE k = ?", [(1, 1)])
    rows = [(1, 2), (3, 4, "x", 6)] + [(k, k, "") for k in range(10, 10 + ROWS_PER_STATEMENT)]
    with pytest.raises(sqlite3.ProgrammingError, match="3 values"):  # not shifted into other rows
        insert_rows(c, UPSERT, rows)
    assert c.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0
