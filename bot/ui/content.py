"""How content packs are shown in Discord."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.packs import PackError
from bot.packs.library import LoadedPack
from bot.services.content import Exported, ImportOutcome
from bot.ui.text import clip, plural

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


def import_text(filename: str, outcome: ImportOutcome) -> str:
    """The private reply to ``/content import``: what arrived, what did not and why, and
    what the tutor still has to write, in one message."""
    if outcome.imported is None:
        return (
            f"❌ `{filename}` was **not** imported: {_safe(outcome.unreadable or '')}. Nothing has changed.\n"
            "I read Moodle's GIFT, Aiken and Moodle XML exports, and term lists exported from Anki "
            "(Notes in Plain Text) or Quizlet."
        )
    c = outcome.imported.converted
    held = " and ".join(plural(n, word) for n, word in ((c.questions, "question"), (c.terms, "term")) if n)
    parts = [
        f"📥 `{filename}`, read as {FORMAT_NAMES[outcome.imported.format]}: {held} became pack `{c.data['pack']}`."
    ]
    if outcome.installed is not None:
        parts.append(
            f"✅ It is live in this server as version {outcome.installed.version}; learners get it from now on."
        )
    elif outcome.errors:
        parts.append(f"❌ It was **not** installed: {plural(len(outcome.errors), 'problem')}.")
    else:
        parts.append(
            f"📝 Not installed yet: finish `{outcome.yaml_name}` (attached), then add it with `/content upload`."
        )
    sections = [
        (f"**Problems** ({len(outcome.errors)}):", [f"line {e.line}: {e.field}: {e.message}" for e in outcome.errors]),
        (f"**Not imported** ({len(c.skipped)}):", [str(s) for s in c.skipped]),
        (
            f"**To write or fix** ({len(outcome.warnings)}, from the linter):",
            [f"line {w.line}: {w.field}: {w.message}" for w in sorted(outcome.warnings, key=lambda w: w.line)],
        ),
    ]
    return _fit(parts, [(title, lines) for title, lines in sections if lines], IMPORT_TAIL.format(outcome.yaml_name))


IMPORT_TAIL = "The YAML's header lists what was not imported; `python -m bot validate --strict {}` lists all the rest."
ITEM_MAX = 200


def _fit(head: list[str], sections: list[tuple[str, list[str]]], tail: str, limit: int = 2000) -> str:
    """``head``, then each section's lines as bullets, as many as fit in one message; a
    section cut short says how many more it had."""
    for shown in (8, 5, 3, 1, 0):
        out = list(head)
        for title, lines in sections:
            out.append(title)
            out += [f"• {_safe(clip(line, ITEM_MAX))}" for line in lines[:shown]]
            if len(lines) > shown:
                out.append(f"…and {len(lines) - shown} more.")
        if any(len(lines) > shown for _, lines in sections):
            out.append(tail)
        text = "\n".join(out)
        if len(text) <= limit:
            return text
    return clip("\n".join(head), limit)


def _safe(text: str) -> str:
    """Text from a tutor's file, shown as written: no markdown, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def export_text(exported: Exported) -> str:
    head = [f"📤 {plural(exported.questions, 'question')} written to `{exported.filename}` (attached)."]
    left_out = [str(s) for s in exported.skipped]
    sections = [(f"**Not exported** ({len(left_out)}):", left_out)] if left_out else []
    return _fit(head, sections, "`python -m bot export` lists everything left out.")
