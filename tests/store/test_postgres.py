"""The PostgreSQL store's own behaviour: its migrations, its dialect, and what happens
when the server goes away (on a real server; skipped without TEST_DATABASE_URL)."""

import asyncio

import asyncpg
import pytest

from bot.store.database import MIGRATIONS_DIR, Database, StorageUnavailable, StoreError, migrations
from bot.store.postgres import to_postgres
from tests.postgres import fresh_database_url, requires_postgres

MIGRATIONS = MIGRATIONS_DIR / "postgres"


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"),
        ("SELECT '?' FROM t WHERE a = ?", "SELECT '?' FROM t WHERE a = $1"),
        ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , $1"),
        ("INSERT OR IGNORE INTO t (a) VALUES (?)", "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"),
        (
            "INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id",
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
        ),
        ("SELECT 1 FROM a h CROSS JOIN b s ON s.x = h.x", "SELECT 1 FROM a h JOIN b s ON s.x = h.x"),
        ("BEGIN IMMEDIATE", "BEGIN"),
    ],
)
def test_the_sqlite_dialect_is_rewritten_in_one_place(sqlite, postgres):
    assert to_postgres(sqlite) == postgres


async def _tables(db: Database) -> set[str]:
    found = await db.read(
        lambda c: c.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").fetchall()
    )
    return {r[0] for r in found}


@requires_postgres
async def test_migrations_apply_to_an_empty_database_once_and_keep_data():
    async with fresh_database_url() as url:
        db = await Database.open(url)
        await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')"))
        tables = await _tables(db)
        await db.close()
        again = await Database.open(url)  # a restart: nothing applied twice
        version = await again.read(lambda c: c.execute("SELECT version FROM schema_version").fetchall())
        kept = await again.read(lambda c: c.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone()[0])
        await again.close()
    assert [tuple(r) for r in version] == [(len(migrations(MIGRATIONS)),)]
    assert kept == "yes"
    assert {"posts", "answers", "points", "score_totals", "flashcards", "schema_version"} <= tables


@requires_postgres
async def test_a_newer_postgres_database_is_refused():
    async with fresh_database_url() as url:
        db = await Database.open(url)
        await db.write(lambda c: c.execute("UPDATE schema_version SET version = 999"))
        await db.close()
        with pytest.raises(StoreError, match="schema version 999, newer than this code knows"):
            await Database.open(url)


async def test_a_server_that_refuses_the_connection_says_so_without_the_password():
    with pytest.raises(StoreError) as caught:
        await Database.open("postgresql://bot:s3cret@127.0.0.1:9/revision")  # port 9: nothing listens
    assert "cannot open the database postgresql://bot:***@127.0.0.1:9/revision" in str(caught.value)
    assert "s3cret" not in str(caught.value)


@requires_postgres
async def test_a_connection_lost_mid_transaction_fails_that_batch_as_not_saved_and_the_store_carries_on():
    async with fresh_database_url() as url:
        db = await Database.open(url)
        try:
            await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('before', 'x')"))

            def slow(c):  # written, then still working when the server goes away
                c.execute("INSERT INTO meta (key, value) VALUES ('lost', 'x')")
                c.execute("SELECT pg_sleep(2)")

            in_flight = asyncio.ensure_future(db.write(slow))
            await asyncio.sleep(0.3)
            admin = await asyncpg.connect(url)  # the server ends every connection, as a restart would
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            await admin.close()
            with pytest.raises(StorageUnavailable):  # the learner is told "not saved, try again"
                await in_flight
            # the next transactions connect again by themselves: no restart of the bot
            await db.write(lambda c: c.execute("INSERT INTO meta (key, value) VALUES ('after', 'x')"))
            keys = await db.read(lambda c: sorted(r[0] for r in c.execute("SELECT key FROM meta")))
        finally:
            await db.close()
    assert keys == ["after", "before"]  # the lost transaction wrote nothing
