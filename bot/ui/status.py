"""/status: how the bot's processes are running, for its owner. Times are Discord
timestamps (``<t:...:R>``), which render in field values."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.domain.health import ProcessHealth

MAX_LISTED = 20  # processes listed; an embed holds 25 fields


def status_embed(here: ProcessHealth, processes: list[tuple[ProcessHealth, bool]], database: str) -> discord.Embed:
    """This process first, then every other process heard from in the last day."""
    embed = discord.Embed(title="Bot status", colour=discord.Colour.blurple())
    name = discord.utils.escape_markdown(here.name)
    embed.description = f"Database: **{database}**. This answer comes from **{name}**."
    embed.add_field(name=f"{here.name} (this process)", value=_process(here, alive=True), inline=False)
    others = [(h, alive) for h, alive in processes if h.name != here.name]
    for health, alive in others[:MAX_LISTED]:
        embed.add_field(name=health.name, value=_process(health, alive=alive), inline=False)
    if len(others) > MAX_LISTED:
        embed.set_footer(text=f"and {len(others) - MAX_LISTED} more processes")
    if not others:
        embed.set_footer(text="No other process has reported in the last day.")
    return embed


def _process(h: ProcessHealth, *, alive: bool) -> str:
    state = "🟢 running" if alive else "🔴 not heard from"
    lines = [f"{state}, {discord.utils.escape_markdown(h.shards)}, {h.servers} server{'s' if h.servers != 1 else ''}"]
    if h.latencies:
        lines.append(
            "Latency: "
            + ", ".join(
                f"shard {s} {'not measured yet' if v is None else f'{v * 1000:.0f} ms'}"
                for s, v in sorted(h.latencies.items())
            )
        )
    if h.at is not None:
        lines.append(f"Last report {_when(h.at)}" + (f", started {_when(h.started_at)}" if h.started_at else ""))
    return "\n".join(lines)[:1024]


def _when(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")
