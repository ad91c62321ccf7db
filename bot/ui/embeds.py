"""Embeds shared by several features (each feature keeps its own in its ui module)."""

from __future__ import annotations

import discord

BRAND = discord.Colour.blurple()


def help_embed(rows: list[tuple[str, str, bool]]) -> discord.Embed:
    """rows: (qualified name, description, tutor only)."""
    embed = discord.Embed(
        title="Revision bot: commands",
        description="Revise a few minutes a day: answer the daily question, bust myths, "
        "practise difficult customers, and watch your progress.",
        colour=BRAND,
    )
    for title, tutor in (("For learners", False), ("For tutors", True)):
        lines = [f"`/{name}` {desc}" for name, desc, is_tutor in rows if is_tutor == tutor]
        for i, chunk in enumerate(_chunks(lines, 1024)):
            embed.add_field(name=title if i == 0 else f"{title} (more)", value=chunk, inline=False)
    embed.set_footer(text="Tutors: members with the tutor role or the Manage Server permission.")
    return embed


def _chunks(lines: list[str], limit: int) -> list[str]:
    chunks, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return chunks + ([current] if current else [])
