"""Flashcards on screen (/flashcards): a term, its definition, the four rating buttons.

custom_id scheme (persistent: every button ever shown still works after a restart):
  rb:fcshow:<pack>:<digest>:<scope>                     "Show definition"
  rb:fcrate:<pack>:<digest>:<reviews>:<rating>:<scope>  a rating: 1 Again, 2 Hard, 3 Good, 4 Easy
<digest> names the term within its pack (``bot.domain.flashcards.digest`` of the term
normalised); <reviews> is how many ratings the card had when it was shown, so a second
click on the same rating is kept once; <scope> is ``a`` (the next card from every enabled
pack) or ``p`` (from this card's pack only, as /flashcards was asked). The longest is 77
characters.
"""

from __future__ import annotations

import re
from datetime import timedelta

import discord
from discord.utils import escape_markdown, format_dt

from bot.domain.flashcards import RATINGS
from bot.services.flashcards import AllDone, Back, Front, Rated
from bot.ui.handlers import PlaysFlashcards, handler
from bot.ui.text import clip, plural

PACK = r"(?P<pack>[A-Za-z0-9][A-Za-z0-9_.-]{0,39})"
DIGEST = r"(?P<digest>[0-9a-f]{12})"
SCOPE = r"(?P<scope>[ap])"
COLOUR = discord.Colour.teal()
STYLES = {
    1: discord.ButtonStyle.danger,
    2: discord.ButtonStyle.secondary,
    3: discord.ButtonStyle.success,
    4: discord.ButtonStyle.primary,
}


def span(delta: timedelta) -> str:
    """An interval as a button can say it: ``10 min``, ``5 h``, ``2 days``, ``3 months``."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{round(minutes / 60)} h"
    days = round(minutes / (24 * 60))
    if days < 60:
        return plural(days, "day")
    if days < 365:
        return plural(round(days / 30), "month")
    return f"{days / 365:.1f} years"


def _term(text: str) -> str:
    return escape_markdown(text)


def front_embed(front: Front) -> discord.Embed:
    embed = discord.Embed(
        title=f"Flashcard · {front.pack.title}"[:256],
        description=f"**{_term(front.term.term)}**\n\nWhat does it mean? Say it to yourself, then show the definition.",
        colour=COLOUR,
    )
    status = "New card" if front.is_new else "Due for review"
    embed.set_footer(text=f"{status} · {front.due:,} due · {front.new:,} new · Practice: no leaderboard points"[:2048])
    return embed


def front_view(front: Front, scope: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ShowDefinition(front.card.pack_id, front.card.digest, scope))
    return view


def back_embed(back: Back) -> discord.Embed:
    embed = discord.Embed(
        title=f"Flashcard · {back.pack.title}"[:256],
        description=clip(f"**{_term(back.term.term)}**\n\n{back.term.definition}", 4000)
        + "\n\nHow well did you remember it?",
        colour=COLOUR,
    )
    embed.set_footer(text="Rate your recall: a card you forgot comes back soon, one you knew well much later.")
    return embed


def back_view(back: Back, scope: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for rating in RATINGS:
        view.add_item(
            RateCard(back.card.pack_id, back.card.digest, back.reviews, rating, scope, back.intervals.get(rating))
        )
    return view


def rated_line(rated: Rated) -> str:
    """What became of the rating, above the next card (message content shows timestamps)."""
    term = f"“{_term(clip(rated.card.term.term, 100))}”"
    when = f" It is due again {format_dt(rated.due, 'R')}." if rated.due else ""
    if not rated.recorded:
        return f"{term} had already been rated from that card, so it was kept once.{when}"
    return f"Rated **{RATINGS[rated.rating]}**: {term}.{when}"


def all_done_text(done: AllDone) -> str:
    if done.next_due is None:  # every card offered has one, so this is only a server with none
        return "🎉 No flashcards are due."
    return (
        f"🎉 No flashcards are due: you have rated all {plural(done.cards, 'card')} here. "
        f"The next one is due {format_dt(done.next_due, 'R')} ({format_dt(done.next_due, 'f')})."
    )


# --- persistent buttons -------------------------------------------------------------------
# Each callback hands the click to the Flashcards cog (bot/cogs/flashcards.py).


class ShowDefinition(
    discord.ui.DynamicItem[discord.ui.Button], template=r"rb:fcshow:" + PACK + ":" + DIGEST + ":" + SCOPE
):
    def __init__(self, pack_id: str, digest: str, scope: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show definition",
                style=discord.ButtonStyle.primary,
                custom_id=f"rb:fcshow:{pack_id}:{digest}:{scope}",
            )
        )
        self.pack_id, self.digest, self.scope = pack_id, digest, scope

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(match["pack"], match["digest"], match["scope"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler(interaction, PlaysFlashcards).show_definition(interaction, self.pack_id, self.digest, self.scope)


class RateCard(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rb:fcrate:" + PACK + ":" + DIGEST + r":(?P<reviews>\d{1,9}):(?P<rating>[1-4]):" + SCOPE,
):
    def __init__(
        self, pack_id: str, digest: str, reviews: int, rating: int, scope: str, after: timedelta | None = None
    ) -> None:
        label = RATINGS[rating] + (f" · {span(after)}" if after is not None else "")
        super().__init__(
            discord.ui.Button(
                label=label,
                style=STYLES[rating],
                custom_id=f"rb:fcrate:{pack_id}:{digest}:{reviews}:{rating}:{scope}",
            )
        )
        self.pack_id, self.digest, self.reviews, self.rating, self.scope = pack_id, digest, reviews, rating, scope

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(match["pack"], match["digest"], int(match["reviews"]), int(match["rating"]), match["scope"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler(interaction, PlaysFlashcards).rate_flashcard(
            interaction, self.pack_id, self.digest, self.reviews, self.rating, self.scope
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem], ...] = (ShowDefinition, RateCard)
