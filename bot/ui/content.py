"""How content packs are shown in Discord."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.packs import PackError
from bot.packs.library import LoadedPack
from bot.services.content import Exported, ImportOutcome
from bot.ui.text import plural

MAX_ERRORS_SHOWN = 10


def _counts(p: LoadedPack) -> str:
    pk = p.pack
    return (
        f"{plural(len(pk.questions), 'question')} · {plural(len(pk.myths), 'myth')} · "
        f"{plural(len(pk.scenarios), 'role-play')} · {plural(len(pk.terms), 'term')}"
    )


def pack_list_embed(packs: list[tuple[LoadedPack, bool]]) -> discord.Embed:
    embed = discord.Embed(title="Content packs", colour=discord.Colour.blurple())
    if not packs:
        embed.description = "No packs are loaded. A tutor can add one with `/content upload`."
    for p, enabled in packs[:25]:
        source = "shipped" if p.source == "shipped" else f"uploaded, version {p.version}"
        state = "" if enabled else " · **disabled**"
        embed.add_field(
            name=f"{p.pack.title}"[:256],
            value=f"{p.pack.qualification}\n{_counts(p)}\nid `{p.id}` ({source}){state}"[:1024],
            inline=False,
        )
    return embed


def upload_errors_text(filename: str, errors: list[PackError]) -> str:
    shown = "\n".join(f"• {e}" for e in errors[:MAX_ERRORS_SHOWN]).replace("```", "ʼʼʼ")
    more = f"\n…and {len(errors) - MAX_ERRORS_SHOWN} more." if len(errors) > MAX_ERRORS_SHOWN else ""
    text = (
        f"❌ `{filename}` was **not** added: {plural(len(errors), 'problem')}. Nothing has changed.\n"
        f"```\n{shown}\n```{more}\nRun `python -m bot validate {filename}` to check a pack before uploading."
    )
    return text if len(text) <= 2000 else text[:1990] + "\n```"


def upload_ok_text(pack: LoadedPack, warnings: Sequence[PackError] = ()) -> str:
    text = (
        f"✅ **{pack.pack.title}** (version {pack.version}) is live in this server as pack `{pack.id}`: "
        f"{_counts(pack)}. "
        f"It is used from now on; no restart needed."
    )
    if warnings:
        shown = "\n".join(f"• {w}" for w in warnings[:MAX_ERRORS_SHOWN]).replace("```", "ʼʼʼ")
        more = f"\n…and {len(warnings) - MAX_ERRORS_SHOWN} more." if len(warnings) > MAX_ERRORS_SHOWN else ""
        text += (
            f"\n⚠️ The linter found {plural(len(warnings), 'thing')} that {'lets' if len(warnings) == 1 else 'let'} "
            "learners score without knowing "
            f"(the pack is live anyway):\n```\n{shown}\n```{more}\n"
            "`python -m bot validate --strict` on the file lists them all."
        )
    return text if len(text) <= 2000 else text[:1990] + "\n```"


FORMAT_NAMES = {"gift": "GIFT", "aiken": "Aiken", "moodle-xml": "Moodle XML", "delimited": "a term list"}


def _listed(lines: Sequence[str], limit: int = MAX_ERRORS_SHOWN) -> str:
    shown = "\n".join(f"• {line}" for line in lines[:limit]).replace("```", "ʼʼʼ")
    more = f"\n…and {len(lines) - limit} more." if len(lines) > limit else ""
    return f"```\n{shown}\n```{more}"


def import_text(filename: str, outcome: ImportOutcome) -> str:
    """The private reply to ``/content import``: what arrived, what did not and why, and
    what the tutor still has to write."""
    if outcome.imported is None:
        return (
            f"❌ `{filename}` was **not** imported: {outcome.unreadable}. Nothing has changed.\n"
            "I read Moodle's GIFT, Aiken and Moodle XML exports, and term lists exported from Anki "
            "(Notes in Plain Text) or Quizlet."
        )
    c = outcome.imported.converted
    pack_id = c.data["pack"]
    read = (
        f"📥 `{filename}`, read as {FORMAT_NAMES[outcome.imported.format]}: "
        f"{plural(c.questions, 'question')} and {plural(c.terms, 'term')} became pack `{pack_id}`."
    )
    parts = [read]
    if outcome.installed is not None:
        parts.append(
            f"✅ It is live in this server as version {outcome.installed.version}; learners get it from now on."
        )
    elif outcome.errors:
        parts.append(f"❌ It was **not** installed: {plural(len(outcome.errors), 'problem')}.")
        parts.append(_listed([str(e) for e in outcome.errors]))
    else:
        parts.append(
            f"📝 Not installed yet: finish `{outcome.yaml_name}` (attached), then add it with `/content upload`."
        )
    if c.skipped:
        parts.append(f"**Not imported** ({len(c.skipped)}):")
        parts.append(_listed([str(s) for s in c.skipped]))
    if outcome.warnings:
        defaults = sum("importer's stand-in" in w.message for w in outcome.warnings)
        what = f", {plural(defaults, 'stand-in')} for what the file did not have" if defaults else ""
        parts.append(
            f"⚠️ The linter found {plural(len(outcome.warnings), 'thing')} to write or fix{what}: "
            f"`python -m bot validate --strict {outcome.yaml_name}` lists them."
        )
    text = "\n".join(parts)
    return text if len(text) <= 2000 else text[:1990] + "\n```"


def export_text(exported: Exported) -> str:
    text = f"📤 {plural(exported.questions, 'question')} written to `{exported.filename}` (attached)."
    if exported.skipped:
        text += f"\nNot exported ({len(exported.skipped)}):\n" + _listed([str(s) for s in exported.skipped])
    return text if len(text) <= 2000 else text[:1990] + "\n```"
