"""The packs a running bot serves: the shipped ones, plus each server's own uploads."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .loader import PackResult, check_unique_ids, lint_across, load_paths, parse_pack
from .schema import Myth, Pack, Question, Scenario

log = logging.getLogger(__name__)
Source = Literal["shipped", "uploaded"]


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    source: Source
    version: int = 1

    @property
    def id(self) -> str:
        return self.pack.pack


@dataclass
class _Index:
    questions: dict[str, tuple[Question, Pack]] = field(default_factory=dict)
    myths: dict[str, tuple[Myth, Pack]] = field(default_factory=dict)
    scenarios: dict[str, tuple[Scenario, Pack]] = field(default_factory=dict)

    def add(self, pack: Pack) -> None:
        for q in pack.questions:
            self.questions[q.id] = (q, pack)
        for m in pack.myths:
            self.myths[m.id] = (m, pack)
        for s in pack.scenarios:
            self.scenarios[s.id] = (s, pack)


class ContentLibrary:
    def __init__(self, shipped: list[Pack]) -> None:
        self._shipped = {p.pack: LoadedPack(p, "shipped") for p in shipped}
        self._uploaded: dict[int, dict[str, LoadedPack]] = {}
        self._disabled: dict[int, set[str]] = {}
        self._shipped_index = _Index()
        for p in shipped:
            self._shipped_index.add(p)
        self._guild_index: dict[int, _Index] = {}

    @classmethod
    def from_folder(cls, folder: Path) -> ContentLibrary:
        """Load every pack under ``folder``; a bad pack is logged and skipped."""
        results = load_paths([folder]) if folder.exists() else []
        for result in results:
            for err in result.errors:
                log.error("content pack skipped: %s", err)
        if not folder.exists():
            log.warning("content folder %s does not exist; no shipped packs", folder)
        return cls([r.pack for r in results if r.pack])

    # -- what a server sees ---------------------------------------------------------------
    def all_packs(self, guild_id: int | None) -> list[LoadedPack]:
        """Shipped and uploaded packs, enabled or not."""
        return [*self._shipped.values(), *self._uploaded.get(guild_id or 0, {}).values()]

    def is_enabled(self, guild_id: int | None, pack_id: str) -> bool:
        return pack_id not in self._disabled.get(guild_id or 0, set())

    def packs(self, guild_id: int | None) -> list[LoadedPack]:
        return [p for p in self.all_packs(guild_id) if self.is_enabled(guild_id, p.id)]

    def pack(self, guild_id: int | None, pack_id: str) -> LoadedPack | None:
        return self._uploaded.get(guild_id or 0, {}).get(pack_id) or self._shipped.get(pack_id)

    def _lookup(self, guild_id: int | None, kind: str, item_id: str):
        local = self._guild_index.get(guild_id or 0)
        found = getattr(local, kind).get(item_id) if local else None
        return found or getattr(self._shipped_index, kind).get(item_id)

    def question(self, guild_id: int | None, question_id: str) -> tuple[Question, Pack] | None:
        return self._lookup(guild_id, "questions", question_id)

    def myth(self, guild_id: int | None, myth_id: str) -> tuple[Myth, Pack] | None:
        return self._lookup(guild_id, "myths", myth_id)

    def scenario(self, guild_id: int | None, scenario_id: str) -> tuple[Scenario, Pack] | None:
        return self._lookup(guild_id, "scenarios", scenario_id)

    # -- changing what a server sees ------------------------------------------------------
    def check_upload(self, guild_id: int, text: str, name: str, *, lint: bool = False) -> PackResult:
        """Validate an upload against the shipped packs and this server's other uploads;
        with ``lint``, the linter's warnings too (near-duplicates of the server's other packs
        included)."""
        result = parse_pack(text, name, lint=lint)
        # A pack that failed is still compared with the others, so one reply lists everything.
        pack_id = result.pack.pack if result.pack else result.written_ids.get(("pack",))
        if pack_id in self._shipped:
            result.errors.append(
                result.error_at(("pack",), f"{pack_id!r} is the id of a shipped pack; choose another pack id")
            )
            result.pack = None
            return result
        taken: dict[str, str] = {}
        for other in self.all_packs(guild_id):
            if other.id == pack_id:
                continue  # a new version replaces the old one
            taken[other.id] = f"pack {other.id!r}"
            for section in ("questions", "myths", "scenarios"):
                for item in getattr(other.pack, section):
                    taken[item.id] = other.id
        check_unique_ids([result], taken)
        if lint and result.pack is not None:
            lint_across([result], [p.pack for p in self.all_packs(guild_id) if p.id != result.pack.pack])
        return result

    def version(self, guild_id: int, pack_id: str) -> int:
        """The version of the server's upload ``pack_id`` in memory; 0 for none."""
        loaded = self._uploaded.get(guild_id, {}).get(pack_id)
        return loaded.version if loaded else 0

    def install_upload(self, guild_id: int, pack: Pack, version: int) -> None:
        """Serve ``version`` of the upload, unless a newer one is in memory already (two
        processes' uploads and catching up can arrive in either order)."""
        if self.version(guild_id, pack.pack) >= version:
            return
        self._uploaded.setdefault(guild_id, {})[pack.pack] = LoadedPack(pack, "uploaded", version)
        index = _Index()
        for loaded in self._uploaded[guild_id].values():
            index.add(loaded.pack)
        self._guild_index[guild_id] = index

    def set_enabled(self, guild_id: int, pack_id: str, enabled: bool) -> None:
        disabled = self._disabled.setdefault(guild_id, set())
        (disabled.discard if enabled else disabled.add)(pack_id)

    def replace_disabled(self, disabled: set[tuple[int, str]]) -> None:
        """Make exactly these (server, pack) pairs the disabled ones."""
        self._disabled = {}
        for guild_id, pack_id in disabled:
            self._disabled.setdefault(guild_id, set()).add(pack_id)
