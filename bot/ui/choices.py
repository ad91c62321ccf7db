"""Autocomplete choices shared by several commands (Discord shows at most 25).

An autocomplete callback cannot defer: it answers within 3 seconds or the learner sees
"Loading options failed". So these read only what is in memory (the content library,
the time zones), never the database, and never raise: a failure is logged and offers
nothing. Nothing typed offers the first 25; a label is ``title · detail``, never a
bracket inside a bracket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from discord import app_commands

from bot.domain import roleplay as engine
from bot.domain.schedule import timezone_choices
from bot.services.content import ContentService
from bot.services.roleplay import RoleplayService
from bot.ui.text import clip

log = logging.getLogger(__name__)

MAX_CHOICES = 25
NAME_MAX = VALUE_MAX = 100


def _offered(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Up to 25 choices from (label, value) pairs Discord accepts: a label of 1 to 100
    characters (cut at a word), a value of at most 100 (one longer is left out, since a
    single bad choice makes Discord refuse them all)."""
    out: list[app_commands.Choice[str]] = []
    for name, value in pairs:
        if not value or len(value) > VALUE_MAX:
            continue
        out.append(app_commands.Choice(name=clip(name.strip() or value, NAME_MAX), value=value))
        if len(out) == MAX_CHOICES:
            break
    return out


def _safely(what: str, build: Callable[[], list[app_commands.Choice[str]]]) -> list[app_commands.Choice[str]]:
    try:
        return build()
    except Exception:  # noqa: BLE001 - an autocomplete must answer; the failure is logged
        log.exception("autocomplete for %s failed; offering nothing", what)
        return []


def packs(
    content: ContentService, guild_id: int | None, current: str, *, enabled_only: bool = True
) -> list[app_commands.Choice[str]]:
    def build() -> list[app_commands.Choice[str]]:
        typed = engine.words(current or "")
        found = content.packs(guild_id, enabled_only=enabled_only)
        return _offered(
            (f"{p.pack.title} · {p.id}", p.id)
            for p in found
            if all(any(w.startswith(t) for w in engine.words(f"{p.pack.title} {p.id}")) for t in typed)
        )

    return _safely("packs", build)


def scenarios(roleplay: RoleplayService, guild_id: int | None, current: str) -> list[app_commands.Choice[str]]:
    """The role-plays whose title (first) or setting or id has a word starting with
    each word typed, in any case: ``quiet room`` offers "The quiet room that wasn't"."""

    def build() -> list[app_commands.Choice[str]]:
        found = engine.search(current or "", roleplay.scenarios(guild_id))
        return _offered((f"{s.title} · {s.setting}", s.id) for s, _ in found)

    return _safely("scenarios", build)


def timezones(current: str) -> list[app_commands.Choice[str]]:
    return _safely("time zones", lambda: _offered((z, z) for z in timezone_choices(current or "")))
