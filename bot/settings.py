"""Settings from the environment (and a `.env` file in the working folder)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(None, description="The bot token from the Discord developer portal.")
    database_path: Path = Field(
        PROJECT_ROOT / "db" / "revision-bot.sqlite3", description="The SQLite file for progress."
    )
    database_url: str | None = Field(
        None,
        description="A postgresql:// URL (as PaaS add-ons set it): keep progress on that PostgreSQL server "
        "instead of the SQLite file.",
    )
    content_dir: Path = Field(PROJECT_ROOT / "content", description="The folder of shipped content packs.")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")
    dev_guild_id: int | None = Field(None, description="Sync commands to this server instantly (development).")
    event_loop: Literal["uvloop", "asyncio"] = Field(
        "uvloop", description="uvloop (faster; asyncio's own loop where uvloop is not installed) or asyncio."
    )

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgres_url(cls, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # blank means unset
        if not isinstance(value, str) or not re.match(r"^postgres(ql)?://", value.strip()):
            raise ValueError("use a postgresql:// URL, or leave it unset for the SQLite file at DATABASE_PATH")
        return value.strip()

    @property
    def database(self) -> Path | str:
        """Where progress is kept: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.database_path

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("event_loop", mode="before")
    @classmethod
    def _lower(cls, value):
        if isinstance(value, str):
            return value.strip().lower() or "uvloop"  # blank: the default, as blank means unset above
        return value

    @field_validator("discord_token", "dev_guild_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value
