"""How content packs are shown in Discord."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.packs import PackError
from bot.packs.library import LoadedPack
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
