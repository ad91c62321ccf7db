"""Answering questions: clicks on any question (daily post, /quiz, /revise), and the
practice commands /quiz and /revise."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.app import RevisionBot
from bot.domain.errors import UserError
from bot.domain.questions import Choice, new_seed, option_order
from bot.packs.schema import OrderQuestion
from bot.services.answering import Feedback
from bot.ui import choices
from bot.ui import questions as ui
from bot.ui.errors import guild_id, reports_errors, send_ephemeral, show_feedback
from bot.ui.handlers import CountsAnswers, handler
from bot.ui.myths import bust_buttons
from bot.ui.targets import Target
from bot.ui.text import plural

log = logging.getLogger(__name__)


class Questions(commands.Cog):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    # -- clicks ----------------------------------------------------------------------------
    @reports_errors
    async def answer(
        self, interaction: discord.Interaction, target: str, choice: Choice, seed: str | None = None
    ) -> None:
        """Every answer lands here (a click, a menu, or a typed answer's box being sent);
        errors become a private message."""
        await self._answer(interaction, target, choice, seed)

    async def _answer(
        self, interaction: discord.Interaction, target: str, choice: Choice, seed: str | None = None
    ) -> None:
        if interaction.guild_id is None:
            raise UserError("Questions are answered inside the server.")
        svc, now = self.bot.svc, utcnow()
        # A click on a private message (practice, or the order picker) turns that message
        # into the feedback; a click on a channel post gets a new private reply. A typed
        # answer's box, sent, is the same: its interaction carries the message its button is on.
        private = interaction.message is not None and interaction.message.flags.ephemeral
        if private:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        about = Target.parse(target)
        if about.source == "post":
            fb = await svc.answering.answer_post(interaction.guild_id, interaction.user.id, about.post_id, choice, now)
            if not (fb.closed or fb.already_answered):
                self._count(interaction, about.post_id)
        else:
            fb = await svc.answering.answer_practice(
                interaction.guild_id, interaction.user.id, about.ref, about.source, choice, now, seed
            )
        embed, view = ui.feedback_embed(fb), self._after_view(fb)
        show: Callable[[], Awaitable[object]]
        if private:
            show = lambda: interaction.edit_original_response(content=None, embed=embed, view=view)  # noqa: E731
        else:
            show = lambda: interaction.followup.send(embed=embed, view=view, ephemeral=True)  # noqa: E731
        await show_feedback(interaction, show, saved=not fb.closed)

    def _count(self, interaction: discord.Interaction, post_id: int) -> None:
        """A kept answer on a daily post: its count of answers is shown soon, by the Daily
        cog (found by protocol: it loads after this cog, so its class cannot be imported
        here, see bot/ui/handlers.py). The count is a nicety: the answer stands without it."""
        try:
            counter = handler(interaction, CountsAnswers)
        except LookupError:
            log.warning("no loaded cog counts the answers to daily post %d", post_id)
            return
        counter.post_answered(post_id)

    def _after_view(self, fb: Feedback) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        for item in bust_buttons(fb.grade.misconceptions):
            view.add_item(item)
        if fb.source == "quiz":
            view.add_item(NextQuiz(fb.pack.pack))
        elif fb.due_count and not fb.already_answered:
            view.add_item(NextRevision())
        return view

    @reports_errors
    async def order_step(self, interaction: discord.Interaction, target: str, seq: str, *, new_message: bool) -> None:
        await self._order_step(interaction, target, seq, new_message)

    async def _order_step(self, interaction: discord.Interaction, target: str, seq: str, new_message: bool) -> None:
        q, pack, source = await self._question_for_target(interaction, target)
        if not isinstance(q, OrderQuestion) or len(set(seq)) != len(seq) or any(int(c) >= len(q.steps) for c in seq):
            raise UserError("That button is out of date. Try the question again.")
        if len(seq) == len(q.steps):
            shown = ui.display_order(q)
            await self._answer(interaction, target, tuple(shown[int(c)] for c in seq))
            return
        view = discord.ui.View(timeout=None)
        ui.add_order_picker(view, q, target, seq)
        embed = ui.order_progress_embed(q, pack, source, seq)
        if new_message:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        else:
            await interaction.response.edit_message(embed=embed, view=view)

    async def _question_for_target(self, interaction: discord.Interaction, target: str):
        answering = self.bot.svc.answering
        about = Target.parse(target)
        if about.source == "post":
            q, pack = await answering.post_question(guild_id(interaction), about.post_id)
            return q, pack, "daily"
        q, pack = answering.practice_question(guild_id(interaction), about.ref)
        return q, pack, about.source

    # -- practice commands -----------------------------------------------------------------
    @app_commands.command(name="quiz", description="A practice question now, just for you (no leaderboard points).")
    @app_commands.describe(pack="Only questions from this pack (default: any enabled pack).")
    @app_commands.guild_only()
    async def quiz(self, interaction: discord.Interaction, pack: str | None = None) -> None:
        await self.send_quiz(interaction, pack, edit=False)

    @quiz.autocomplete("pack")
    async def _pack_autocomplete(self, interaction: discord.Interaction, current: str):
        return choices.packs(self.bot.svc.content, interaction.guild_id, current)

    async def send_quiz(self, interaction: discord.Interaction, pack_id: str | None, *, edit: bool) -> None:
        q, pk = self.bot.svc.answering.pick_practice(guild_id(interaction), pack_id, random)
        seed = new_seed(random)
        order = option_order(q, seed)
        embed = ui.question_embed(q, pk, "quiz", order=order)
        view = ui.answer_view(q, f"q{q.id}", in_channel=False, order=order, seed=seed)
        if edit:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(
        name="revise", description="Revise the questions you are due to see again (spaced repetition)."
    )
    @app_commands.guild_only()
    async def revise(self, interaction: discord.Interaction) -> None:
        await self.send_revision(interaction, edit=False)

    async def send_revision(self, interaction: discord.Interaction, *, edit: bool) -> None:
        revision = await self.bot.svc.answering.revision(guild_id(interaction), interaction.user.id, utcnow())
        due = revision.due
        if not due:
            nxt = revision.next_due
            text = "🎉 Nothing is due for revision. " + (
                f"Your next card is due <t:{int(nxt.timestamp())}:R>."
                if nxt
                else "Answer the daily question or try `/quiz` to start building your deck."
            )
            if edit:
                await interaction.response.edit_message(content=text, embed=None, view=None)
            else:
                await send_ephemeral(interaction, text)
            return
        q, pk = due[0]
        seed = new_seed(random)
        order = option_order(q, seed)
        embed = ui.question_embed(
            q, pk, "revise", f"{plural(len(due), 'card')} due. Answer to schedule this one again.", order
        )
        view = ui.answer_view(q, f"r{q.id}", in_channel=False, order=order, seed=seed)
        if edit:
            await interaction.response.edit_message(content=None, embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class NextQuiz(
    discord.ui.DynamicItem[discord.ui.Button], template=r"rb:quiz:(?P<pack>[A-Za-z0-9][A-Za-z0-9_.-]{0,39})"
):
    def __init__(self, pack_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Another question", style=discord.ButtonStyle.secondary, custom_id=f"rb:quiz:{pack_id}"
            )
        )
        self.pack_id = pack_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(match["pack"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await handler(interaction, Questions).send_quiz(interaction, self.pack_id, edit=True)


class NextRevision(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:revise"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(label="Next revision card", style=discord.ButtonStyle.success, custom_id="rb:revise")
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls()

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await handler(interaction, Questions).send_revision(interaction, edit=True)


async def setup(bot: RevisionBot) -> None:
    bot.add_dynamic_items(*ui.DYNAMIC_ITEMS, NextQuiz, NextRevision)
    await bot.add_cog(Questions(bot))
