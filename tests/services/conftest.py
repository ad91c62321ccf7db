"""The services on a real SQLite file and the shipped packs, without Discord."""

from __future__ import annotations

import pytest

from bot.packs.library import ContentLibrary
from bot.store.database import Database
from tests.inside import open_services


@pytest.fixture
async def built(tmp_path, settings):
    db = await Database.open(tmp_path / "services.sqlite3")
    services, inside = await open_services(db, ContentLibrary.from_folder(settings.content_dir))
    yield services, inside
    await db.close()
