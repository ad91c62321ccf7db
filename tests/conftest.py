"""Shared fixtures: settings pointing at a temporary database and the shipped content, and
``database``: a test's own database on each store (a SQLite file, and a fresh PostgreSQL
database when ``TEST_DATABASE_URL`` names a server; see ``tests/postgres.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from tests.postgres import fresh_database_url, requires_postgres

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return bot_settings(tmp_path)


def bot_settings(tmp_path: Path) -> Settings:
    """The settings the tests run the bot with (a SQLite file in ``tmp_path``)."""
    return Settings(
        _env_file=None,
        discord_token=None,
        database_path=tmp_path / "bot.sqlite3",
        content_dir=ROOT / "content",
        shard_count=1,  # SimCord's Discord does not recommend a number: one shard, as a small bot has
        # the background looks (changes from other processes, the health line) once a day of
        # virtual time: each is a query, and tests advance the clock by months; the sharding
        # tests (tests/e2e/test_shards.py) set their own
        sync_seconds=86400,
        health_seconds=86400,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=requires_postgres)])
async def database(request, tmp_path):
    """Where a test's data goes: a SQLite file, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield tmp_path / "bot.sqlite3"
        return
    async with fresh_database_url() as url:
        yield url
