"""What the persistent buttons (and one cog of another) call: one protocol per feature,
met by that feature's cog.

A button lives in ``bot/ui`` and its cog in ``bot/cogs`` (above it), so a button cannot
import its cog. It names the protocol it needs instead, and ``handler`` finds the loaded
cog that meets it, by type rather than by a cog's name. A cog that calls a cog loaded
after it does the same: ``load_extension`` executes a cog's module afresh, so a class
imported from it before it loaded is not the class of the loaded cog
(docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, cast, runtime_checkable

import discord
from discord.ext import commands

from bot.domain.questions import Choice


@runtime_checkable
class AnswersQuestions(Protocol):
    async def answer(
        self, interaction: discord.Interaction, target: str, choice: Choice, seed: str | None = None
    ) -> None: ...

    async def order_step(
        self, interaction: discord.Interaction, target: str, seq: str, *, new_message: bool
    ) -> None: ...


@runtime_checkable
class AnswersMyths(Protocol):
    async def show_card(self, interaction: discord.Interaction, myth_id: str) -> None: ...

    async def answer(self, interaction: discord.Interaction, target: str, verdict: str) -> None: ...

    async def send_card(self, interaction: discord.Interaction, pack_id: str | None, *, edit: bool) -> None: ...


@runtime_checkable
class PlaysRoleplays(Protocol):
    async def choose(self, interaction: discord.Interaction, session_id: int, step: int, k: int) -> None: ...

    async def open_reply(self, interaction: discord.Interaction, session_id: int, step: int) -> None: ...


@runtime_checkable
class StartsRoleplays(Protocol):
    """What the role-play list's menu calls; met by the Roleplay cog."""

    async def start_chosen(self, interaction: discord.Interaction, scenario_id: str) -> None: ...


@runtime_checkable
class PlaysFlashcards(Protocol):
    """What the flashcard buttons call; met by the Flashcards cog. ``scope`` is ``a`` (the
    terms of every enabled pack) or ``p`` (the card's pack only): where the next card comes from."""

    async def show_definition(
        self, interaction: discord.Interaction, pack_id: str, digest: str, scope: str
    ) -> None: ...

    async def rate_flashcard(
        self, interaction: discord.Interaction, pack_id: str, digest: str, reviews: int, rating: int, scope: str
    ) -> None: ...


@runtime_checkable
class CountsAnswers(Protocol):
    """What the Questions cog tells of an answer kept on a daily post; met by the Daily
    cog, which shows the post's count of answers."""

    def post_answered(self, post_id: int) -> None: ...


@runtime_checkable
class RunsChallenges(Protocol):
    async def attempt(self, interaction: discord.Interaction, post_id: int) -> None: ...

    async def reflect(self, interaction: discord.Interaction, session_id: int, star: tuple[str, ...]) -> None: ...


@runtime_checkable
class ShowsProgress(Protocol):
    async def show_weekly_board(self, interaction: discord.Interaction, post_id: int) -> None: ...

    async def confirm_delete(self, interaction: discord.Interaction, user_id: int) -> None: ...

    async def cancel_delete(self, interaction: discord.Interaction, user_id: int) -> None: ...


H = TypeVar("H")
_last_found: dict[type, object] = {}  # protocol -> the cog found for it last (checked still loaded)


def handler(interaction: discord.Interaction, kind: Callable[..., H]) -> H:
    """The loaded cog that handles ``kind``'s buttons.

    ``kind`` is one of the ``runtime_checkable`` protocols above. It is typed as a
    ``Callable`` returning ``H`` rather than ``type[H]`` because mypy refuses a protocol
    where ``type[H]`` is expected ([type-abstract]); a protocol class still binds ``H``
    to itself through its constructor signature."""
    protocol = cast("type[H]", kind)
    client = interaction.client
    cogs = list(client.cogs.values()) if isinstance(client, commands.bot.BotBase) else []  # Bot or AutoShardedBot
    last = _last_found.get(protocol)
    if last is not None and any(cog is last for cog in cogs):
        return cast(H, last)  # a protocol isinstance check costs ~7 us a cog: find each once
    for cog in cogs:
        if isinstance(cog, protocol):
            _last_found[protocol] = cog
            return cog
    raise LookupError(f"no loaded cog handles {protocol.__name__}")
