"""Shared fixtures: settings pointing at a temporary database and the shipped content."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        _env_file=None, discord_token=None, database_path=tmp_path / "bot.sqlite3", content_dir=ROOT / "content"
    )
