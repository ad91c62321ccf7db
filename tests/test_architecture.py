"""The layers hold (docs/architecture.md): imports point down, no SQL above the store, no
discord below the ui, and no repository reachable from a cog."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import bot.store
from bot.app import Services, Store, create_bot
from bot.packs.library import ContentLibrary
from bot.store.database import Database

BOT = Path(__file__).resolve().parents[1] / "bot"

# What each layer's modules may import from the bot (anything outside ``bot`` is checked
# separately: discord below the ui is refused).
MAY_IMPORT = {
    "domain": {"bot.domain", "bot.packs.schema"},
    "packs": {"bot.packs", "bot.domain"},
    "store": {"bot.store", "bot.domain"},
    "services": {"bot.services", "bot.store", "bot.domain", "bot.packs"},
    "ui": {"bot.ui", "bot.services", "bot.domain", "bot.packs"},
    "cogs": {"bot.cogs", "bot.ui", "bot.services", "bot.domain", "bot.packs", "bot.access", "bot.app"},
}
NO_DISCORD = ("domain", "packs", "store", "services")
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b"
)  # as the store writes SQL: upper case


def _modules(layer: str) -> list[Path]:
    return sorted((BOT / layer).glob("*.py"))


def _imports(path: Path) -> set[str]:
    package = "bot." + path.parent.name
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else node.module or "")
    return found


def _allowed(name: str, allowed: set[str]) -> bool:
    return not name.startswith("bot") or any(name == a or name.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_each_layer_imports_only_the_layers_below_it(layer):
    wrong = {
        f"{path.name}: {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if not _allowed(name, MAY_IMPORT[layer])
    }
    assert not wrong, f"bot/{layer} imports above itself: {sorted(wrong)}"


@pytest.mark.parametrize("layer", NO_DISCORD)
def test_no_discord_below_the_ui(layer):
    wrong = {path.name for path in _modules(layer) for name in _imports(path) if name.split(".")[0] == "discord"}
    assert not wrong, f"bot/{layer} imports discord: {sorted(wrong)}"


def _strings(source: str) -> list[tuple[int, str]]:
    """Every string in the source, with an f-string's literal parts joined (``x`` for each
    value), so ``f"SELECT {cols} FROM t"`` is seen whole."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            found.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
    return found


def _sql_in(source: str) -> list[int]:
    return [line for line, text in _strings(source) if SQL.search(text)]


def test_sql_lives_only_in_the_store():
    outside = [path for path in BOT.rglob("*.py") if path.parent.name != "store"]
    wrong = [f"{path.relative_to(BOT)}:{line}" for path in outside for line in _sql_in(path.read_text("utf-8"))]
    assert not wrong, f"SQL outside bot/store: {wrong}"


def test_the_checks_see_a_breach():
    """The import check is not vacuous: a cog importing the store is caught."""
    assert not _allowed("bot.store.posts", MAY_IMPORT["cogs"])
    assert _allowed("bot.services.daily", MAY_IMPORT["cogs"])
    assert _sql_in('c.execute("SELECT id FROM posts WHERE guild_id = ?")')
    assert _sql_in('c.execute(f"SELECT {columns} FROM posts WHERE id = ?")')  # an f-string, seen whole
    assert _sql_in('c.execute(f"UPDATE {table} SET n = ?")')
    assert not _sql_in('say("Select the pack from the list")')


def _store_objects_reachable(root: object) -> list[str]:
    """Paths to every store object reachable from ``root`` through public attributes."""
    found, seen = [], set()

    def walk(obj: object, path: str) -> None:
        if id(obj) in seen or isinstance(obj, (str, int, float, bool, type(None))):
            return
        seen.add(id(obj))
        if type(obj).__module__.startswith(bot.store.__name__):
            found.append(path)
            return
        if isinstance(obj, (list, tuple, set, frozenset)):
            for i, item in enumerate(obj):
                walk(item, f"{path}[{i}]")
            return
        if isinstance(obj, dict):
            for key, item in obj.items():
                walk(item, f"{path}[{key!r}]")
            return
        for name in dir(obj):
            if name.startswith("_"):
                continue
            try:
                value = getattr(obj, name)
            except Exception:  # noqa: BLE001 - a property that cannot be read here holds nothing
                continue
            if callable(value) and not isinstance(value, (list, dict)):
                continue
            walk(value, f"{path}.{name}")

    walk(root, "services")
    return found


async def test_no_repository_is_reachable_from_the_services_the_cogs_get(tmp_path, settings):
    db = await Database.open(tmp_path / "layers.sqlite3")
    try:
        services = await Services.build(Store.on(db), ContentLibrary.from_folder(settings.content_dir))
        assert _store_objects_reachable(services) == []
        assert _store_objects_reachable(Store.on(db)) != []  # the walk does find a store when one is public
    finally:
        await db.close()


def test_the_bot_exposes_services_not_the_store(settings):
    revision_bot = create_bot(settings)
    public = {name for name in vars(revision_bot) if not name.startswith("_")}
    assert not any(isinstance(getattr(revision_bot, name), (Store, Database)) for name in public)
