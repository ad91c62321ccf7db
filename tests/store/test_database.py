import asyncio
import sqlite3

import pytest

from bot.store.database import Database, StoreError, migrations


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
    mode, fks, sync = await db.read(lambda c: (
        c.execute("PRAGMA journal_mode").fetchone()[0],
        c.execute("PRAGMA foreign_keys").fetchone()[0],
        c.execute("PRAGMA synchronous").fetchone()[0],
    ))
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


async def test_concurrent_writes_each_commit_once_and_a_failing_job_is_undone_alone(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")

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
