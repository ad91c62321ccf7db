"""Embeds shared by several features (each feature keeps its own in its ui module)."""

from __future__ import annotations

import discord

BRAND = discord.Colour.blurple()

# /help in the order a newcomer meets things, not the alphabet's: a learner answers the
# daily question first (its buttons, so no command), practises, revises, busts myths,
# role-plays, then looks at their progress; their data comes last. A tutor sets the
# server up, schedules and sends posts, marks, reads reports, then manages the packs.
# A command missing here comes after these, alphabetically, in its section.
HELP_ORDER = (
    "quiz",
    "revise",
    "flashcards",
    "myth card",
    "roleplay start",
    "roleplay list",
    "roleplay resume",
    "roleplay quit",
    "stats",
    "leaderboard",
    "daily status",
    "content list",
    "settings show",
    "help",
    "privacy leaderboard hide",
    "privacy leaderboard show",
    "privacy export",
    "privacy delete",
    # tutors
    "settings tutor-role",
    "settings timezone",
    "daily setup",
    "daily post",
    "daily pause",
    "daily resume",
    "myth post",
    "myth schedule",
    "challenge post",
    "challenge results",
    "challenge mark",
    "cohort report",
    "cohort export",
    "content upload",
    "content import",
    "content disable",
    "content enable",
)
DAILY_LINE = (
    "**The daily question**: click your answer on the post in the revision channel (or type it, "
    "when the question asks for a word or a name); "
    "only you see your feedback, and answering every scheduled post builds your streak."
)


def help_order(name: str) -> tuple[int, str]:
    """Where the command ``name`` (qualified, without the slash) comes in /help."""
    return (HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER), name)


TUTORS_LINE = (
    "Tutors have more commands: scheduling the daily question and myths, challenges, "
    "marking, the cohort report and content packs. A tutor's `/help` lists them."
)


def help_embed(rows: list[tuple[str, str, bool]], *, tutor: bool) -> discord.Embed:
    """rows: (qualified name, description, tutor only), in any order. A tutor sees every
    command; anyone else the learners' commands and one line saying tutors have more."""
    embed = discord.Embed(
        title="Revision bot: commands",
        description="Revise a few minutes a day: answer the daily question, bust myths, "
        "practise difficult customers, and watch your progress.",
        colour=BRAND,
    )
    rows = sorted(rows, key=lambda row: help_order(row[0]))
    for title, for_tutors in (("For learners", False), ("For tutors", True)):
        if for_tutors and not tutor:
            embed.add_field(name=title, value=TUTORS_LINE, inline=False)
            continue
        lines = [f"`/{name}` {desc}" for name, desc, is_tutor in rows if is_tutor == for_tutors]
        if not for_tutors:
            lines.insert(0, DAILY_LINE)
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
