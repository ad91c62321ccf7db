"""How errors reach a user: a clear ephemeral line, never a traceback.

``UserError`` carries a message meant for the person who clicked or typed; anything
else is a bug: it is logged with a short reference, and the user sees an apology
with the same reference so an operator can find the traceback.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec

import discord
from discord import app_commands

from bot.domain.errors import StorageUnavailable, UserError

log = logging.getLogger("bot.errors")


class NotTutor(app_commands.CheckFailure):
    pass


class NotOwner(app_commands.CheckFailure):
    pass


NOT_IN_SERVER = "This works inside a server, not in direct messages."


def guild_id(interaction: discord.Interaction) -> int:
    """The server the interaction came from; a ``UserError`` in direct messages."""
    if interaction.guild_id is None:
        raise UserError(NOT_IN_SERVER)
    return interaction.guild_id


NOT_SAVED = "⚠️ That was **not saved**: the bot could not write to its database. Please try again in a minute."
SAVED_NOT_SHOWN = (
    "✅ Your answer **was saved**, but Discord did not let me show your feedback just now. "
    "Click the same button again to see it."
)


async def send_ephemeral(interaction: discord.Interaction, content: str | None = None, **kwargs) -> None:
    """Reply privately, whether or not the interaction was already acknowledged."""
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    try:
        if interaction.response.is_done():
            # Webhook.send is annotated ``content: str`` but itself maps None to MISSING
            await interaction.followup.send(
                discord.utils.MISSING if content is None else content, ephemeral=True, **kwargs
            )
        else:
            await interaction.response.send_message(content, ephemeral=True, **kwargs)
    except discord.HTTPException as exc:  # the token expired or Discord is down: log only
        log.warning("could not send an ephemeral reply: %s", exc)


async def show_feedback(
    interaction: discord.Interaction, show: Callable[[], Awaitable[object]], *, saved: bool
) -> None:
    """Show the feedback on an answer. If Discord refuses and the answer is saved, the
    learner is told it was saved (never "try again", which would read as lost)."""
    try:
        await show()
    except discord.HTTPException as exc:
        if not saved:
            raise
        log.warning("feedback for a saved answer could not be shown: %s", exc)
        await send_ephemeral(interaction, SAVED_NOT_SHOWN)


def message_for(exc: BaseException) -> str:
    """What the user reads for an exception raised while handling their interaction."""
    if isinstance(exc, app_commands.CommandInvokeError):
        exc = exc.original
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, NotTutor):
        return (
            "🔒 This is a tutor command. Ask a tutor, or an admin can set the tutor role with `/settings tutor-role`."
        )
    if isinstance(exc, NotOwner):
        return "🔒 Only the bot's owner can use this: it shows how the bot's processes are running."
    if isinstance(exc, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(exc, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {exc.retry_after:.0f} s."
    if isinstance(exc, app_commands.TransformerError):
        return f"I could not understand {exc.value!r} for that option."
    if isinstance(exc, app_commands.CheckFailure):
        return "You cannot use this command here."
    if isinstance(exc, StorageUnavailable):
        return NOT_SAVED
    ref = secrets.token_hex(4).upper()
    log.error("unexpected error [ref %s]", ref, exc_info=exc)
    return (
        f"Sorry, something went wrong on our side (reference `{ref}`). "
        "Please try again; if it keeps happening, tell a tutor."
    )


async def report(interaction: discord.Interaction, exc: BaseException) -> None:
    await send_ephemeral(interaction, message_for(exc))


async def report_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    await report(interaction, error)


P = ParamSpec("P")


def reports_errors(handler: Callable[P, Awaitable[None]]) -> Callable[P, Coroutine[Any, Any, None]]:
    """A button, select or modal handler whose errors reach the user privately: the one
    place for what slash commands get from ``report_app_command_error``. The handler
    takes the interaction as its first argument after ``self`` (or first, for a function)."""

    @functools.wraps(handler)
    async def reporting(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await handler(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged if unexpected
            found = [a for a in (*args, *kwargs.values()) if isinstance(a, discord.Interaction)]
            if not found:
                raise
            await report(found[0], exc)

    return reporting
