"""Read YAML packs into models, reporting every problem as FILE:LINE: field: message."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FsPath

import yaml
from pydantic import ValidationError

from .checks import Path, check_pack, check_parts
from .lint import duplicates_across, lint_pack
from .messages import explain
from .schema import Pack

MAX_PACK_BYTES = 256 * 1024


@dataclass(frozen=True)
class PackError:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


@dataclass
class PackResult:
    """One file's outcome: the pack when it is valid, and every problem found."""

    file: str
    pack: Pack | None
    errors: list[PackError] = field(default_factory=list)
    root: yaml.Node | None = None  # the YAML node tree, while the pack is being checked
    id_lines: dict[Path, int] = field(default_factory=dict)  # then only where its ids are
    warnings: list[PackError] = field(default_factory=list)  # the linter's (see lint.py)
    # A pack that failed: the ids it was written with (path -> id), so that clashes with
    # other packs are reported in the same run as its own errors.
    written_ids: dict[Path, str] = field(default_factory=dict)

    def error_at(self, path: Path, message: str) -> PackError:
        line = _line_of(self.root, path) if self.root is not None else self.id_lines.get(tuple(path), 1)
        return PackError(self.file, line, format_path(path), message)

    def keep_id_lines(self) -> None:
        """Keep the lines of the pack's ids (for errors found across packs) and let the
        node tree go: thousands of nodes per pack would otherwise stay alive."""
        if self.pack is not None and self.root is not None:
            paths = [("pack",)] + [
                (section, i, "id")
                for section in ("questions", "myths", "scenarios")
                for i in range(len(getattr(self.pack, section)))
            ]
            self.id_lines = {path: _line_of(self.root, path) for path in paths}
        elif self.root is not None:
            self.id_lines = {path: _line_of(self.root, path) for path in self.written_ids}
        self.root = None


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _line_of(root: yaml.Node | None, path: Path) -> int:
    """The 1-based line of the deepest YAML node the path reaches (for a block reached
    through a key, the key's line)."""
    node, key = root, None
    if node is None:
        return 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                break
            key, node = pair
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            key, node = None, node.value[part]
        else:
            break
    mark = key.start_mark if key is not None and isinstance(node, yaml.CollectionNode) else node.start_mark
    return mark.line + 1


QUESTION_KINDS = frozenset({"single", "multiple", "true_false", "order", "short_answer"})


def _strip_tags(loc: tuple) -> Path:
    """Pydantic's error locations, minus its own markers: '[key]', validator names, and
    the question kind it inserts after a question's index."""
    return tuple(
        p
        for i, p in enumerate(loc)
        if not (isinstance(p, str) and p.startswith(("[", "function-")))
        and not (i and isinstance(loc[i - 1], int) and p in QUESTION_KINDS)
    )


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster


def _parse_yaml(text: str, name: str) -> tuple[yaml.Node | None, object, list[PackError]]:
    """The node tree (for line numbers), the data, and any YAML-level problems."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        builder = _Builder(loader, name)
        data = builder.build(root, ()) if root is not None else None
        if builder.errors:
            return None, None, builder.errors
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and mark and mark.line >= text.count("\n"):  # unclosed: point at its start
            mark = exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, None, [PackError(name, line, "", f"not valid YAML: {exc.problem or exc}")]
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        return None, None, [PackError(name, 1, "", f"not valid YAML: {exc}")]
    finally:
        loader.dispose()
    return root, data, []


_STR, _MAP, _SEQ = ("tag:yaml.org,2002:" + t for t in ("str", "map", "seq"))


class _Builder:
    """Turns the node tree into data in one walk, noting what packs do not allow on the
    way: aliases (a node met twice) and keys repeated in one mapping. Text, mappings and
    lists (nearly every node) are built here; any other tag (numbers, booleans, null,
    dates, merges) goes to PyYAML's own constructor, so values mean what YAML says."""

    def __init__(self, loader, name: str) -> None:
        self.loader, self.name = loader, name
        self.errors: list[PackError] = []
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: Path) -> object:
        if not self._first_visit(node, path):
            return None
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        if tag == _MAP and isinstance(node, yaml.MappingNode) and not _has_merge(node):
            out, keys = {}, set()
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode):
                    self.errors.append(
                        PackError(
                            self.name,
                            k.start_mark.line + 1,
                            format_path(path),
                            "a key must be plain text, not a list or a block",
                        )
                    )
                    continue
                if k.value in keys:
                    self.errors.append(
                        PackError(
                            self.name,
                            k.start_mark.line + 1,
                            format_path(path + (k.value,)),
                            "this key appears twice in the same block; the later one would silently win",
                        )
                    )
                keys.add(k.value)
                out[self.build(k, path)] = self.build(v, path + (k.value,))
            return out
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return [self.build(v, path + (i,)) for i, v in enumerate(node.value)]
        if isinstance(node, yaml.CollectionNode):
            self._visit_within(node, path)
        return self.loader.construct_object(node, deep=True)

    def _first_visit(self, node: yaml.Node, path: Path) -> bool:
        if id(node) in self.seen:
            self.errors.append(
                PackError(
                    self.name,
                    node.start_mark.line + 1,
                    format_path(path),
                    "repeats an anchored value (& and *); packs do not allow anchors and aliases, write the text out",
                )
            )
            return False
        self.seen.add(id(node))
        return True

    def _visit_within(self, node: yaml.CollectionNode, path: Path) -> None:
        """Only look for aliases below a node PyYAML will build."""
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
        for child in children:
            if self._first_visit(child, path) and isinstance(child, yaml.CollectionNode):
                self._visit_within(child, path)


def _has_merge(node: yaml.MappingNode) -> bool:
    return any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value)


@contextmanager
def _gc_paused():
    """Parsing a pack makes tens of thousands of small objects and no reference cycles;
    the cyclic collector would otherwise rescan everything already loaded again and
    again meanwhile (most of the load time with 10,000 questions). A pack is at most
    256 KB, so what piles up meanwhile is bounded."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_pack(text: str, name: str, *, lint: bool = False) -> PackResult:
    """Validate one pack's YAML text; never raises for bad input. With ``lint``, a valid
    pack's linter warnings are found too (the bot's own start-up skips them)."""
    with _gc_paused():
        return _parse_pack(text, name, lint)


def _parse_pack(text: str, name: str, lint: bool = False) -> PackResult:
    root, data, errors = _parse_yaml(text, name)
    result = PackResult(name, None, errors, root)
    if root is None and not errors:
        result.errors.append(PackError(name, 1, "", "the file is empty; expected a pack (see the README)"))
    if result.errors:
        return result
    if not isinstance(data, dict):
        result.errors.append(PackError(name, 1, "", "expected a mapping with keys pack, title, criteria, ..."))
        return result
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            path = _strip_tags(err["loc"])
            if err["type"].startswith("union_tag"):
                path += ("kind",)
            result.errors.append(result.error_at(path, explain(err, data)))
        # What the schema's errors leave standing is checked too, so one run reports all.
        result.errors.extend(result.error_at(path, msg) for path, msg in check_parts(data))
        result.errors = sorted(dict.fromkeys(result.errors), key=lambda e: e.line)
        result.written_ids = _written_ids(data)
        result.keep_id_lines()
        return result
    result.errors.extend(result.error_at(path, msg) for path, msg in check_pack(pack))
    if not result.errors:
        result.pack = pack
        if lint:
            result.warnings = [result.error_at(path, msg) for path, msg in lint_pack(pack)]
    result.keep_id_lines()
    return result


def _written_ids(data: dict) -> dict[Path, str]:
    """The pack's id and its items' ids, as written (where they are text)."""
    ids: dict[Path, str] = {}
    if isinstance(data.get("pack"), str):
        ids[("pack",)] = data["pack"]
    for section in ("questions", "myths", "scenarios"):
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids[(section, i, "id")] = item["id"]
    return ids


def read_pack_file(path: FsPath, *, lint: bool = False) -> PackResult:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return PackResult(name, None, [PackError(name, 1, "", f"cannot read the file: {exc.strerror}")])
    if len(raw) > MAX_PACK_BYTES:
        return PackResult(
            name, None, [PackError(name, 1, "", f"the file is {len(raw) // 1024} KB; a pack may be at most 256 KB")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return PackResult(name, None, [PackError(name, 1, "", "the file is not UTF-8 text")])
    return parse_pack(text, name, lint=lint)


def pack_files(paths: Iterable[FsPath]) -> list[FsPath]:
    """The YAML files named, with folders expanded (sorted, so results are stable)."""
    out: list[FsPath] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def check_unique_ids(results: list[PackResult], taken: dict[str, str] | None = None) -> None:
    """Ids must be unique across every loaded pack. A pack whose ids clash with an
    earlier one (or with ``taken``: id -> owning pack) gets the errors and is dropped.
    A pack that already failed claims no ids, but its clashes with the valid packs are
    reported with its other errors."""
    owner: dict[str, str] = dict(taken or {})
    for result in results:
        pack = result.pack
        if pack is None:
            continue
        clashes = _clashes(result, _ids_of(pack), owner)
        if clashes:
            result.errors.extend(clashes)
            result.pack = None
            continue
        owner[pack.pack] = f"pack {pack.pack!r}"
        for section in ("questions", "myths", "scenarios"):
            for item in getattr(pack, section):
                owner[item.id] = pack.pack
    for result in results:
        if result.pack is None and result.written_ids:
            result.errors.extend(_clashes(result, result.written_ids, owner))


def _ids_of(pack: Pack) -> dict[Path, str]:
    ids: dict[Path, str] = {("pack",): pack.pack}
    for section in ("questions", "myths", "scenarios"):
        for i, item in enumerate(getattr(pack, section)):
            ids[(section, i, "id")] = item.id
    return ids


def _clashes(result: PackResult, ids: dict[Path, str], owner: dict[str, str]) -> list[PackError]:
    out: list[PackError] = []
    for path, item_id in ids.items():
        if item_id not in owner:
            continue
        if path == ("pack",):
            out.append(result.error_at(path, f"pack id {item_id!r} is already used by {owner[item_id]}"))
        else:
            out.append(result.error_at(path, f"id {item_id!r} is already used by pack {owner[item_id]!r}"))
    return out


def load_paths(paths: Iterable[FsPath], *, lint: bool = False) -> list[PackResult]:
    results = [read_pack_file(p, lint=lint) for p in pack_files(paths)]
    check_unique_ids(results)
    if lint:
        lint_across(results)
    return results


def lint_across(results: list[PackResult], others: Iterable[Pack] = ()) -> None:
    """Add each valid pack's near-duplicates of items in the other packs (those loaded
    with it, and ``others``) to its warnings."""
    valid = [(r, r.pack) for r in results if r.pack is not None]
    extra = list(others)
    for r, pack in valid:
        rest = [p for o, p in valid if o is not r] + extra
        r.warnings.extend(r.error_at(path, msg) for path, msg in duplicates_across(pack, rest))
