"""The services on each real database (a SQLite file; a PostgreSQL database when there is
a server) and the shipped packs, without Discord."""

from __future__ import annotations

import pytest

from bot.packs.library import ContentLibrary
from bot.store.database import Database
from tests.inside import open_services


@pytest.fixture
async def built(database, settings):
    db = await Database.open(database)
    services, inside = await open_services(db, ContentLibrary.from_folder(settings.content_dir))
    yield services, inside
    await db.close()
