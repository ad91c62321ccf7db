"""Use cases for content packs in a server: list, upload, enable and disable."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.packs import MAX_PACK_BYTES, PackError
from bot.packs.library import ContentLibrary, LoadedPack
from bot.store.content import ContentRepo

log = logging.getLogger(__name__)


@dataclass
class UploadOutcome:
    pack: LoadedPack | None = None
    errors: list[PackError] = field(default_factory=list)
    warnings: list[PackError] = field(default_factory=list)  # the linter's: shown, never blocking


class ContentService:
    def __init__(self, library: ContentLibrary, repo: ContentRepo) -> None:
        self.library = library
        self.repo = repo

    async def restore(self) -> None:
        """Put every server's latest uploads and disabled packs back after a start."""
        for upload in await self.repo.latest_uploads():
            result = self.library.check_upload(upload.guild_id, upload.yaml_text, f"{upload.pack_id}.yaml")
            if result.pack is None:
                log.error("stored upload %s v%d for server %d no longer validates: %s", upload.pack_id,
                          upload.version, upload.guild_id, "; ".join(map(str, result.errors)))
                continue
            self.library.install_upload(upload.guild_id, result.pack, upload.version)
        for guild_id, pack_id in await self.repo.disabled():
            self.library.set_enabled(guild_id, pack_id, False)

    async def upload(self, guild_id: int, user_id: int, filename: str, data: bytes, now: datetime) -> UploadOutcome:
        if len(data) > MAX_PACK_BYTES:
            return UploadOutcome(errors=[PackError(filename, 1, "", f"the file is {len(data) // 1024} KB; a pack may be at most 256 KB")])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return UploadOutcome(errors=[PackError(filename, 1, "", "the file is not UTF-8 text; save it as UTF-8 YAML")])
        result = self.library.check_upload(guild_id, text, filename, lint=True)
        if result.pack is None:
            return UploadOutcome(errors=result.errors)
        version = await self.repo.add_upload(guild_id, result.pack.pack, text, user_id, now)
        self.library.install_upload(guild_id, result.pack, version)
        return UploadOutcome(pack=self.library.pack(guild_id, result.pack.pack), warnings=result.warnings)

    async def set_enabled(self, guild_id: int, pack_id: str, enabled: bool) -> LoadedPack | None:
        pack = self.library.pack(guild_id, pack_id)
        if pack is None:
            return None
        await self.repo.set_enabled(guild_id, pack_id, enabled)
        self.library.set_enabled(guild_id, pack_id, enabled)
        return pack
