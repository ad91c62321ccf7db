"""Settings from the environment (and a `.env` file in the working folder)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.shards import Shards, parse_shard_ids

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

    shard_count: int | None = Field(
        None,
        ge=1,
        description="How many shards the bot is split into, over all its processes; unset, Discord's "
        "recommended number, all in this process.",
    )
    shard_ids: str | None = Field(
        None,
        description="The shards this process runs, such as 0-3 or 0,1 (needs SHARD_COUNT); unset, all of them.",
    )
    owner_ids: str | None = Field(
        None,
        description="Discord user ids, comma-separated, who may use /status; unset, the application's owner "
        "(or its team) in the developer portal.",
    )
    process_name: str | None = Field(
        None,
        max_length=60,
        description="This process's name in the health line and /status; unset, the host name and process id.",
    )
    sync_seconds: float = Field(
        2.0,
        gt=0,
        le=86400,
        description="How often a process looks for uploads, enabled packs and schedules changed by another process.",
    )
    health_seconds: float = Field(
        300.0, ge=10, le=86400, description="How often each process logs its health line (shards, servers, latency)."
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

    @property
    def owners(self) -> set[int]:
        return {int(part) for part in (self.owner_ids or "").split(",") if part.strip()}

    @field_validator("owner_ids")
    @classmethod
    def _user_ids(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\s*\d+\s*(,\s*\d+\s*)*", value):
            raise ValueError("write Discord user ids separated by commas, like 123456789012345678,234567890123456789")
        return value

    @property
    def shards(self) -> Shards:
        """The shards this process runs (checked when the settings were read)."""
        if self.shard_count is None:
            return Shards()
        ids = parse_shard_ids(self.shard_ids, self.shard_count) if self.shard_ids else None
        return Shards(self.shard_count, ids)

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT, the number of shards over all the processes")
        try:
            shards = self.shards
        except ValueError as exc:
            raise ValueError(f"SHARD_IDS: {exc}") from None
        if not shards.all_here and self.database_url is None:
            raise ValueError(
                "processes that split the shards must share one database: set DATABASE_URL to a PostgreSQL "
                "server (a SQLite file is for one process)"
            )
        return self

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

    @field_validator(
        "discord_token", "dev_guild_id", "shard_count", "shard_ids", "owner_ids", "process_name", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value
