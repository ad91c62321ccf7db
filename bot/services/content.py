"""Use cases for content packs in a server: list, upload, enable and disable."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.packs import MAX_PACK_BYTES, PackError
from bot.packs.formats.bank import Skipped, Unreadable
from bot.packs.formats.convert import EXTENSIONS, Imported, export_pack, import_bank
from bot.packs.library import ContentLibrary, LoadedPack
from bot.packs.schema import Myth, Pack, Question, Scenario
from bot.store.content import ContentRepo, StoredUpload

log = logging.getLogger(__name__)


@dataclass
class UploadOutcome:
    pack: LoadedPack | None = None
    errors: list[PackError] = field(default_factory=list)
    warnings: list[PackError] = field(default_factory=list)  # the linter's: shown, never blocking


@dataclass
class ImportOutcome:
    """A question bank's import: the pack it became (and its YAML), or why the file could
    not be read; the pack's own problems and warnings; and, when installed, the upload."""

    imported: Imported | None = None
    unreadable: str | None = None
    errors: list[PackError] = field(default_factory=list)
    warnings: list[PackError] = field(default_factory=list)
    installed: LoadedPack | None = None

    @property
    def yaml_name(self) -> str:
        return f"{self.imported.converted.data['pack']}.yaml" if self.imported else "pack.yaml"


@dataclass(frozen=True)
class Exported:
    filename: str
    text: str
    questions: int  # written
    skipped: list[Skipped]  # what of the pack the format cannot hold


class ContentService:
    def __init__(self, library: ContentLibrary, repo: ContentRepo) -> None:
        self._library = library
        self._repo = repo

    # -- what the server's packs hold -------------------------------------------------------
    def packs(self, guild_id: int | None, *, enabled_only: bool = True) -> list[LoadedPack]:
        """The server's packs: the enabled ones, or every one."""
        return self._library.packs(guild_id) if enabled_only else self._library.all_packs(guild_id)

    def pack_states(self, guild_id: int | None) -> list[tuple[LoadedPack, bool]]:
        """Every pack in the server, with whether it is enabled."""
        return [(p, self._library.is_enabled(guild_id, p.id)) for p in self._library.all_packs(guild_id)]

    def question(self, guild_id: int | None, question_id: str) -> tuple[Question, Pack] | None:
        return self._library.question(guild_id, question_id)

    def myth(self, guild_id: int | None, myth_id: str) -> tuple[Myth, Pack] | None:
        return self._library.myth(guild_id, myth_id)

    def scenario(self, guild_id: int | None, scenario_id: str) -> tuple[Scenario, Pack] | None:
        return self._library.scenario(guild_id, scenario_id)

    # -- changing them ------------------------------------------------------------------------
    async def restore(self) -> None:
        """Bring the packs in memory in line with the database: every server's latest
        uploads and its disabled packs (of this process's servers). At start, and whenever
        another process may have changed them; a pack whose version is in memory already is
        not read again."""
        newer = [
            (guild_id, pack_id, version)
            for guild_id, pack_id, version in await self._repo.latest_versions()
            if self._library.version(guild_id, pack_id) < version
        ]
        for upload in await self._repo.uploads(newer):
            self._install_stored(upload)
        self._library.replace_disabled(await self._repo.disabled())

    def _install_stored(self, upload: StoredUpload) -> None:
        result = self._library.check_upload(upload.guild_id, upload.yaml_text, f"{upload.pack_id}.yaml")
        if result.pack is None:
            log.error(
                "stored upload %s v%d for server %d no longer validates: %s",
                upload.pack_id,
                upload.version,
                upload.guild_id,
                "; ".join(map(str, result.errors)),
            )
            return
        self._library.install_upload(upload.guild_id, result.pack, upload.version)
        log.debug("installed upload %s v%d for server %d", upload.pack_id, upload.version, upload.guild_id)

    async def upload(self, guild_id: int, user_id: int, filename: str, data: bytes, now: datetime) -> UploadOutcome:
        if len(data) > MAX_PACK_BYTES:
            return UploadOutcome(
                errors=[PackError(filename, 1, "", f"the file is {len(data) // 1024} KB; a pack may be at most 256 KB")]
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return UploadOutcome(
                errors=[PackError(filename, 1, "", "the file is not UTF-8 text; save it as UTF-8 YAML")]
            )
        result = self._library.check_upload(guild_id, text, filename, lint=True)
        if result.pack is None:
            return UploadOutcome(errors=result.errors)
        version = await self._repo.add_upload(guild_id, result.pack.pack, text, user_id, now)
        self._library.install_upload(guild_id, result.pack, version)
        return UploadOutcome(pack=self._library.pack(guild_id, result.pack.pack), warnings=result.warnings)

    async def import_bank(
        self,
        guild_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        now: datetime,
        *,
        fmt: str | None = None,
        pack_id: str | None = None,
        install: bool = False,
    ) -> ImportOutcome:
        """Turn a question bank into a pack; with ``install``, add it as an upload (a new
        version when the server already has that pack). Nothing is installed when the
        pack has errors."""
        try:
            imported = import_bank(data, filename, fmt, pack_id)
        except Unreadable as exc:
            return ImportOutcome(unreadable=f"line {exc.line}: {exc.message}")
        outcome = ImportOutcome(imported)
        if install:
            upload = await self.upload(guild_id, user_id, outcome.yaml_name, imported.yaml_text.encode(), now)
            outcome.errors, outcome.warnings, outcome.installed = upload.errors, upload.warnings, upload.pack
        else:
            checked = self._library.check_upload(guild_id, imported.yaml_text, outcome.yaml_name, lint=True)
            outcome.errors, outcome.warnings = checked.errors, checked.warnings
        return outcome

    def export(self, guild_id: int | None, pack_id: str, fmt: str) -> Exported | None:
        """A server's pack (shipped or uploaded) as GIFT or Moodle XML; None for no such pack."""
        loaded = self._library.pack(guild_id, pack_id)
        if loaded is None:
            return None
        written = export_pack(loaded.pack, fmt)
        return Exported(f"{loaded.id}{EXTENSIONS[fmt]}", written.text, written.questions, written.left_out)

    async def set_enabled(self, guild_id: int, pack_id: str, enabled: bool) -> LoadedPack | None:
        pack = self._library.pack(guild_id, pack_id)
        if pack is None:
            return None
        await self._repo.set_enabled(guild_id, pack_id, enabled)
        # as the database has them now: another process may have changed another pack meanwhile
        self._library.replace_disabled(await self._repo.disabled())
        return pack
