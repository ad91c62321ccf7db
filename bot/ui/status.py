"""/status: how the bot's processes are running, for its owner. Times are Discord
timestamps (``<t:...:R>``), which render in field values."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.domain.health import ProcessHealth, servers

MAX_FIELDS = 25  # Discord's limits on an embed
MAX_CHARS = 5800  # of 6,000, with room for the footer


def status_embed(here: ProcessHealth, processes: list[tuple[ProcessHealth, bool]], database: str) -> discord.Embed:
    """This process first, then the others heard from in the last day, running ones first;
    as many as fit in one embed, the rest counted in the footer."""
    embed = discord.Embed(title="Bot status", colour=discord.Colour.blurple())
    embed.description = f"Database: **{database}**."
    embed.add_field(name=f"{here.name} (this process)", value=_process(here, alive=True), inline=False)
    others = sorted(((h, alive) for h, alive in processes if h.name != here.name), key=lambda p: (not p[1], p[0].name))
    shown = 0
    for health, alive in others:
        name, value = health.name, _process(health, alive=alive)
        if len(embed.fields) == MAX_FIELDS or len(embed) + len(name) + len(value) > MAX_CHARS:
            break
        embed.add_field(name=name, value=value, inline=False)
        shown += 1
    if not others:
        embed.set_footer(text="No other process has reported in the last day.")
    elif shown < len(others):
        stale = sum(1 for _, alive in others[shown:] if not alive)
        embed.set_footer(text=f"And {len(others) - shown} more processes ({stale} of them not heard from).")
    return embed


def _process(h: ProcessHealth, *, alive: bool) -> str:
    state = "🟢 running" if alive else "🔴 not heard from"
    lines = [
        f"{state}, {discord.utils.escape_markdown(h.shards)}, {servers(h.servers)}",
        f"Latency: {h.latency_summary()}",
    ]
    if h.at is not None:
        lines.append(f"Last report {_when(h.at)}" + (f", started {_when(h.started_at)}" if h.started_at else ""))
    return "\n".join(lines)[:1024]


def _when(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")
