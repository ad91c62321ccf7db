"""The PostgreSQL test helper (tests/postgres.py): each test's database is fresh, empty,
its own, and gone afterwards. The server tests are skipped without TEST_DATABASE_URL."""

import os
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests.postgres import ENV, PREFIX, fresh_database_url, requires_postgres, with_database


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def _test_databases(admin) -> set[str]:
    return {r[0] for r in await admin.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", PREFIX + "%")}


def test_the_database_is_replaced_and_the_rest_of_the_url_kept():
    socket = "postgresql://postgres@/postgres?host=/tmp/pgdev"
    assert with_database(socket, "rb_test_1") == "postgresql://postgres@/rb_test_1?host=/tmp/pgdev"
    assert (
        with_database("postgresql://u:p@db:5433/admin?sslmode=disable", "x")
        == "postgresql://u:p@db:5433/x?sslmode=disable"
    )
    assert with_database("postgresql://u@db", "x") == "postgresql://u@db/x"
    assert with_database("postgresql://u@/?host=/s&dbname=admin", "x") == "postgresql://u@/x?host=/s"


async def test_without_a_server_the_test_is_skipped(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=ENV):
        async with fresh_database_url():
            pass


@requires_postgres
async def test_a_fresh_database_exists_is_empty_and_is_gone_afterwards():
    admin = await asyncpg.connect(os.environ[ENV])
    try:
        async with fresh_database_url() as url, fresh_database_url() as other:
            name = _name(url)
            assert url == with_database(os.environ[ENV], name) and name.startswith(PREFIX)
            assert _name(other) != name
            assert {name, _name(other)} <= await _test_databases(admin)

            conn = await asyncpg.connect(url)  # left open: the drop must not wait for it
            assert await conn.fetchval("SELECT current_database()") == name
            relations = await conn.fetchval(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
            )
            assert relations == 0
            await conn.execute("CREATE TABLE t (x BIGINT)")  # a test may fill its own: no other test sees it
            other_conn = await asyncpg.connect(other)
            try:
                assert await other_conn.fetchval("SELECT to_regclass('t')") is None
            finally:
                await other_conn.close()
        assert not {name, _name(other)} & await _test_databases(admin)
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
            await conn.fetchval("SELECT 1")  # the drop ended it
        await conn.close()
    finally:
        await admin.close()


@requires_postgres
async def test_the_database_is_dropped_when_the_test_fails():
    with pytest.raises(RuntimeError):
        async with fresh_database_url() as url:
            raise RuntimeError(url)
    admin = await asyncpg.connect(os.environ[ENV])
    try:
        assert _name(url) not in await _test_databases(admin)
    finally:
        await admin.close()
