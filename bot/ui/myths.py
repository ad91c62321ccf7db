"""Myth-or-fact cards on screen, and the buttons that answer or open them.

custom_id scheme:
  rb:myth:<target>:<myth|fact>   an answer; target m<myth id> (own card) or p<post id> (cohort post)
  rb:bust:<myth id>              "Bust this myth": show that card privately now
  rb:mythnext:<pack or *>        another card
"""

from __future__ import annotations

import discord

from bot.domain.myths import Split
from bot.packs.schema import Myth, Pack
from bot.services.myths import MythFeedback
from bot.ui.handlers import AnswersMyths, handler
from bot.ui.questions import bar, criteria_text
from bot.ui.text import plural

ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"
MYTH_COLOUR = discord.Colour.orange()


def card_embed(myth: Myth, pack: Pack, *, cohort: bool = False, closes_at=None) -> discord.Embed:
    closing = ""
    if closes_at is not None:  # in the description: a footer or a title shows no timestamps
        fmt = discord.utils.format_dt
        closing = f"\n\n⏰ Answers close {fmt(closes_at, 'f')} ({fmt(closes_at, 'R')})."
    embed = discord.Embed(
        title=f"{'Cohort myth' if cohort else 'Myth or fact?'} · {pack.title}"[:256],
        description=f"> {myth.statement}\n\nIs this a **myth** or a **fact**?{closing}",
        colour=MYTH_COLOUR,
    )
    if cohort:  # a card of one's own is private already, and Discord says so
        embed.set_footer(text="Only you see your answer and the feedback.")
    return embed


def card_view(target: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MythAnswer(target, "myth"))
    view.add_item(MythAnswer(target, "fact"))
    return view


def feedback_embed(fb: MythFeedback) -> discord.Embed:
    verdict = fb.myth.verdict.upper()
    if fb.already_answered:
        title = f"You already answered: {fb.verdict}"
    elif fb.closed:
        title = f"This card has closed: it is a {verdict}"
    else:
        title = f"✅ Right: it is a {verdict}" if fb.correct else f"❌ Not quite: it is a {verdict}"
    embed = discord.Embed(
        title=title,
        description=f"> {fb.myth.statement}",
        colour=discord.Colour.green() if fb.correct else discord.Colour.red(),
    )
    embed.add_field(name="What is true", value=fb.myth.correction, inline=False)
    embed.add_field(name="Why it matters", value=fb.myth.explanation, inline=False)
    embed.add_field(name="Assessment criteria", value=criteria_text(fb.myth.criteria, fb.pack, full=True), inline=False)
    parts = []
    if fb.cohort and not (fb.already_answered or fb.closed):
        parts.append(f"+{plural(fb.points, 'point')}")
    elif not fb.cohort:
        parts.append("Practice: no leaderboard points")
    if fb.cleared:
        parts.append("misconception busted 💥")
    if parts:  # Discord marks a private reply "Only you can see this" itself
        embed.set_footer(text=" · ".join(parts))
    return embed


def reveal_embed(myth: Myth, pack: Pack, s: Split) -> discord.Embed:
    embed = discord.Embed(
        title=f"Cohort myth (closed) · {pack.title}"[:256],
        description=f"> {myth.statement}\n\nIt is a **{myth.verdict.upper()}**.",
        colour=discord.Colour.dark_grey(),
    )
    embed.add_field(name="What is true", value=myth.correction, inline=False)
    embed.add_field(name="Why it matters", value=myth.explanation, inline=False)
    bars = "\n".join(f"`{bar(s.percent(v))}` {s.percent(v):>3}% said {v}" for v in ("myth", "fact"))
    embed.add_field(
        name=f"How the cohort split ({plural(s.total, 'answer')})",
        value=bars if s.total else "Nobody answered this one.",
        inline=False,
    )
    return embed


def bust_buttons(myth_ids) -> list[discord.ui.Item]:
    """A "Bust this myth" button for each misconception a wrong answer showed (at most 3)."""
    return [BustMyth(m) for m in list(myth_ids)[:3]]


def _cog(interaction: discord.Interaction) -> AnswersMyths:
    return handler(interaction, AnswersMyths)


class MythAnswer(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rb:myth:(?P<target>p\d{1,19}|m" + ID + r"):(?P<verdict>myth|fact)",
):
    def __init__(self, target: str, verdict: str) -> None:
        # Both the same neutral style: a red Myth and a green Fact would hint at the answer.
        super().__init__(
            discord.ui.Button(
                label=verdict.capitalize(), style=discord.ButtonStyle.secondary, custom_id=f"rb:myth:{target}:{verdict}"
            )
        )
        self.target, self.verdict = target, verdict

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(match["target"], match["verdict"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).answer(interaction, self.target, self.verdict)


class BustMyth(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:bust:(?P<myth>" + ID + ")"):
    def __init__(self, myth_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Bust this myth", emoji="💥", style=discord.ButtonStyle.danger, custom_id=f"rb:bust:{myth_id}"
            )
        )
        self.myth_id = myth_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(match["myth"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).show_card(interaction, self.myth_id)


class NextMyth(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:mythnext:(?P<pack>\*|" + ID + ")"):
    def __init__(self, pack_id: str | None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Another card", style=discord.ButtonStyle.secondary, custom_id=f"rb:mythnext:{pack_id or '*'}"
            )
        )
        self.pack_id = pack_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(None if match["pack"] == "*" else match["pack"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).send_card(interaction, self.pack_id, edit=True)


DYNAMIC_ITEMS = (MythAnswer, BustMyth, NextMyth)
