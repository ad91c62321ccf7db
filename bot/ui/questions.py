"""Questions on screen: the embeds, and the persistent answer components.

custom_id scheme (every id starts "rb:" and fits Discord's 100 characters):
  rb:ans:<target>:<value>[:<seed>]   a one-click answer: the pack's option index, or t / f
  rb:sel:<target>[:<seed>]           the multiple-choice select menu (values are the pack's option indexes)
  rb:ordgo:<target>         "Put in order" on a channel post: opens a private picker
  rb:ord:<target>:<seq>     a step in the private order picker; seq = shown positions so far
  rb:say:<target>           "Type your answer" (short_answer): opens a private box; what is typed is the answer
A target is p<post id> (a cohort post), q<question id> (/quiz) or r<question id> (/revise).
Options are shown shuffled: a cohort post's order comes from the post itself; a practice
serve's from its <seed> (hex), carried in the custom_id so the feedback names the letters
the learner saw. Values are always the pack's indexes, so letters never reach the data.
A typed answer travels in the box's submission, never in a custom_id: the button is
persistent (it works after a restart) and the box it opens lives while it is open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import discord
from discord.utils import format_dt

from bot.domain.questions import (
    LETTERS,
    TYPED_MAX,
    Choice,
    Order,
    Tally,
    answer_text,
    choice_text,
    display_order,
    letter,
    shown_order,
)
from bot.packs.schema import (
    MultipleQuestion,
    OrderQuestion,
    Pack,
    Question,
    ShortAnswerQuestion,
    SingleQuestion,
    TrueFalseQuestion,
)
from bot.services.answering import Feedback
from bot.services.daily import LivePost
from bot.ui.errors import reports_errors
from bot.ui.handlers import AnswersQuestions, handler
from bot.ui.text import clip, plural

TARGET = r"(?P<target>p\d{1,19}|[qr][A-Za-z0-9][A-Za-z0-9_.-]{0,39})"
SEED = r"(?::(?P<seed>[0-9a-f]{6}))?"
RIGHT, WRONG, INFO = discord.Colour.green(), discord.Colour.red(), discord.Colour.blurple()
SOURCE_TITLE = {"daily": "Daily question", "quiz": "Practice question", "revise": "Revision card"}
TYPE_LABEL = "Type your answer"  # a short-answer question's button, and the title of its box
SHORT_CRITERION = 48  # a criterion's text on a question: its first words; the feedback has it in full


def criteria_text(ids: Iterable[str], pack: Pack, *, full: bool) -> str:
    """One line per criterion: its id, and its text in full or cut short (a field value)."""
    texts = {c.id: c.text for c in pack.criteria}
    lines = [f"**{cid}** {texts.get(cid, '') if full else clip(texts.get(cid, ''), SHORT_CRITERION)}" for cid in ids]
    return clip("\n".join(line.rstrip() for line in lines), 1024) or "—"


def criteria_line(q: Question, pack: Pack, *, full: bool = False) -> str:
    return criteria_text(q.criteria, pack, full=full)


def question_body(q: Question, order: Order = ()) -> str:
    if isinstance(q, SingleQuestion | MultipleQuestion):
        options = "\n".join(f"**{LETTERS[pos]}.** {q.options[k]}" for pos, k in enumerate(shown_order(q, order)))
        hint = "\n\n*Choose all that apply.*" if isinstance(q, MultipleQuestion) and not says_all_apply(q) else ""
        return f"{q.prompt}\n\n{options}{hint}"
    if isinstance(q, TrueFalseQuestion):
        return f"{q.prompt}\n\n*True or false?*"
    if isinstance(q, ShortAnswerQuestion):
        return f"{q.prompt}\n\n*Type your answer: capitals and punctuation do not matter.*"
    steps = "\n".join(f"**{LETTERS[i]}.** {q.steps[k]}" for i, k in enumerate(display_order(q)))
    return f"{q.prompt}\n\n{steps}\n\n*Put the steps in the right order.*"


def says_all_apply(q: MultipleQuestion) -> bool:
    """Whether the pack's prompt already tells the learner to choose every right option
    (most shipped prompts end "Choose all that apply."): then the post does not say it again."""
    return "all that apply" in q.prompt.lower()


def how_to_answer(q: Question, *, in_channel: bool) -> str:
    """The footer under a question: how to answer with the components it has (see
    ``answer_view``), and that the feedback is private."""
    if isinstance(q, MultipleQuestion):
        how = "Answer with the menu below"
    elif isinstance(q, OrderQuestion):
        if not in_channel:
            return "Click the steps in order, first step first: only you see your feedback."
        how = "Press “Put in order” to arrange the steps privately"
    elif isinstance(q, ShortAnswerQuestion):
        how = f"Press “{TYPE_LABEL}” to answer"
    else:
        how = "Answer with the buttons"
    return f"{how}: only you see your feedback."


def question_embed(
    q: Question, pack: Pack, source: str, footer: str = "", order: Order = (), *, in_channel: bool = False
) -> discord.Embed:
    """A question with its options in ``order``; the footer (by default how to answer it)
    says how to answer on a channel post or in a private message (``in_channel``)."""
    embed = discord.Embed(
        title=f"{SOURCE_TITLE[source]} · {pack.title}"[:256], description=question_body(q, order), colour=INFO
    )
    embed.add_field(name="Assessment criteria", value=criteria_line(q, pack), inline=False)
    embed.set_footer(text=(footer or how_to_answer(q, in_channel=in_channel))[:2048])
    return embed


def live_post_embed(live: LivePost) -> discord.Embed:
    """An open daily post: the question, when answers close, and how many have answered
    (the description, where Discord shows timestamps as the reader's local time)."""
    embed = question_embed(live.question, live.pack, "daily", order=live.order, in_channel=True)
    if live.closes_at is None:
        closing = "⏰ Answers close when the next question is posted."
    else:
        when = f"{format_dt(live.closes_at, 'f')} ({format_dt(live.closes_at, 'R')})"
        closing = (
            f"⏰ Answers close when the next question is posted, due {when}."
            if live.with_next
            else f"⏰ Answers close {when}."
        )
    count = f"👥 {plural(live.answers, 'answer')} so far." if live.answers else "👥 No answers yet: be the first."
    embed.description = f"{clip(embed.description or '', 3800)}\n\n{closing}\n{count}"
    return embed


def answer_view(
    q: Question, target: str, *, in_channel: bool, order: Order = (), seed: str | None = None
) -> discord.ui.View:
    """The components that answer ``q``, its options in ``order`` (a practice serve passes
    the ``seed`` that made the order). In a channel an order question gets one button that
    opens a private picker; in a private message the picker is inline."""
    view = discord.ui.View(timeout=None)
    if isinstance(q, SingleQuestion):
        for pos, k in enumerate(shown_order(q, order)):
            view.add_item(AnswerButton(target, str(k), seed, LETTERS[pos]))
    elif isinstance(q, TrueFalseQuestion):
        view.add_item(AnswerButton(target, "t"))
        view.add_item(AnswerButton(target, "f"))
    elif isinstance(q, MultipleQuestion):
        view.add_item(MultipleSelect(target, q, order, seed))
    elif isinstance(q, ShortAnswerQuestion):
        view.add_item(TypeAnswerButton(target))  # the same in a channel and in private
    elif in_channel:
        view.add_item(OrderStart(target))
    else:
        add_order_picker(view, q, target, "")
    return view


def add_order_picker(view: discord.ui.View, q: OrderQuestion, target: str, seq: str) -> None:
    chosen = {int(c) for c in seq}
    for i in range(len(q.steps)):
        view.add_item(OrderStep(target, seq, i, disabled=i in chosen))
    if seq:
        view.add_item(OrderStep(target, "", None))


def order_progress_embed(q: OrderQuestion, pack: Pack, source: str, seq: str) -> discord.Embed:
    embed = question_embed(q, pack, source, "Click the steps in order: first step first.")
    shown = display_order(q)
    picked = " → ".join(f"**{LETTERS[int(c)]}** {q.steps[shown[int(c)]]}" for c in seq) or "*nothing yet*"
    embed.add_field(name=f"Your order so far ({len(seq)} of {len(q.steps)})", value=picked[:1024], inline=False)
    return embed


def feedback_embed(fb: Feedback) -> discord.Embed:
    q, g = fb.question, fb.grade
    if fb.already_answered:
        title, colour = "You have already answered this one", RIGHT if g.correct else WRONG
    elif fb.closed:
        title, colour = "This question has closed: here is the answer", INFO
    else:
        title, colour = ("✅ Right!", RIGHT) if g.correct else ("❌ Not quite", WRONG)
    embed = discord.Embed(title=title, colour=colour)
    embed.add_field(
        name="Your answer" if not fb.closed else "You wrote" if isinstance(q, ShortAnswerQuestion) else "You chose",
        value=choice_text(q, fb.choice, fb.order)[:1024],
        inline=False,
    )
    if not g.correct or fb.closed or fb.already_answered:
        embed.add_field(name="The answer", value=answer_text(q, fb.order)[:1024], inline=False)
    embed.add_field(name="Why", value=q.explanation, inline=False)
    wrong = list(g.feedback)
    if g.missed:
        missed = ", ".join(f"**{letter(fb.order, k)}**" for k in sorted(g.missed, key=lambda k: letter(fb.order, k)))
        wrong.append(f"You missed {missed}, which {'is' if len(g.missed) == 1 else 'are'} also right.")
    if wrong and not fb.closed:
        embed.add_field(name="Where it went wrong", value="\n".join(wrong)[:1024], inline=False)
    embed.add_field(name="Assessment criteria", value=criteria_line(q, fb.pack, full=True), inline=False)
    footer = _footer(fb)
    if footer:  # Discord marks a private reply "Only you can see this" itself
        embed.set_footer(text=footer)
    return embed


def _footer(fb: Feedback) -> str:
    """Points, streak and revision, in plain text (a footer shows no markdown or timestamps)."""
    parts = []
    if fb.source == "daily" and not fb.already_answered and not fb.closed:
        parts.append(f"+{plural(fb.points, 'point')}")
        if fb.by_hand:
            kept = f" It stays at {fb.streak.current}." if fb.streak and fb.streak.current else ""
            parts.append(f"This post was sent by hand, so it does not count towards your streak.{kept}")
        elif fb.streak:
            parts.append(f"streak {fb.streak.current} (best {fb.streak.best})")
    elif fb.source != "daily":
        parts.append("Practice: builds your mastery, no leaderboard points")
    if fb.due_count:
        parts.append(f"{plural(fb.due_count, 'card')} due in /revise")
    return " · ".join(parts)


def reveal_embed(q: Question, pack: Pack, t: Tally, closed_at: datetime, order: Order = ()) -> discord.Embed:
    embed = question_embed(q, pack, "daily", "New here? /help shows what I can do.", order)
    embed.title = f"Daily question (closed) · {pack.title}"[:256]
    embed.description = f"{clip(embed.description or '', 3900)}\n\n🔒 Answers closed {format_dt(closed_at, 'f')}."
    embed.colour = discord.Colour.dark_grey()
    embed.add_field(name="Answer", value=answer_text(q, order)[:1024], inline=False)
    embed.add_field(name="Why", value=q.explanation, inline=False)
    bars = "\n".join(f"`{bar(t.percent(i))}` {t.percent(i):>3}% · {label}"[:200] for i, label in enumerate(t.labels))
    embed.add_field(
        name=f"How the cohort answered ({plural(t.total, 'answer')})",
        value=bars[:1024] if t.total else "Nobody answered this one.",
        inline=False,
    )
    return embed


def bar(percent: int, width: int = 10) -> str:
    filled = round(percent / 100 * width)
    return "█" * filled + "░" * (width - filled)


# --- persistent components ----------------------------------------------------------------
# Each callback hands the click to the Questions cog (bot/cogs/questions.py), so these
# classes only build and parse custom_ids.


async def _dispatch(interaction: discord.Interaction, target: str, choice: Choice, seed: str | None = None) -> None:
    await handler(interaction, AnswersQuestions).answer(interaction, target, choice, seed)


def _with_seed(custom_id: str, seed: str | None) -> str:
    return f"{custom_id}:{seed}" if seed else custom_id


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"rb:ans:" + TARGET + r":(?P<value>[0-9]|t|f)" + SEED
):
    def __init__(self, target: str, value: str, seed: str | None = None, label: str | None = None) -> None:
        # a tampered id may carry any digit: build the button anyway, so grading refuses it clearly
        label = label or {"t": "True", "f": "False"}.get(value) or (LETTERS + "GHIJ")[int(value)]
        style = discord.ButtonStyle.primary if value not in "tf" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=_with_seed(f"rb:ans:{target}:{value}", seed))
        )
        self.target, self.value, self.seed = target, value, seed

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(match["target"], match["value"], match["seed"])

    async def callback(self, interaction: discord.Interaction) -> None:
        choice = {"t": True, "f": False}.get(self.value, None)
        await _dispatch(interaction, self.target, int(self.value) if choice is None else choice, self.seed)


class MultipleSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"rb:sel:" + TARGET + SEED):
    def __init__(
        self, target: str, q: MultipleQuestion | None = None, order: Order = (), seed: str | None = None
    ) -> None:
        options = (
            [
                discord.SelectOption(label=f"{LETTERS[pos]}. {q.options[k]}"[:100], value=str(k))
                for pos, k in enumerate(shown_order(q, order))
            ]
            if q
            else [discord.SelectOption(label="-", value="0")]
        )
        super().__init__(
            discord.ui.Select(
                custom_id=_with_seed(f"rb:sel:{target}", seed),
                placeholder="Choose all that apply…",
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )
        self.target, self.seed = target, seed

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(match["target"], seed=match["seed"])

    async def callback(self, interaction: discord.Interaction) -> None:
        values = interaction.data.get("values", []) if interaction.data else []
        try:
            choice = tuple(sorted(int(v) for v in values)) if isinstance(values, list) else ()
        except (TypeError, ValueError):
            choice = ()
        await _dispatch(interaction, self.target, choice, self.seed)


class OrderStart(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:ordgo:" + TARGET):
    def __init__(self, target: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Put in order", emoji="🔢", style=discord.ButtonStyle.primary, custom_id=f"rb:ordgo:{target}"
            )
        )
        self.target = target

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(match["target"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler(interaction, AnswersQuestions).order_step(interaction, self.target, "", new_message=True)


class OrderStep(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:ord:" + TARGET + r":(?P<seq>[0-9]{0,5})"):
    """A step button in the private picker; ``index`` None is the "Start again" button."""

    def __init__(self, target: str, seq: str, index: int | None, disabled: bool = False) -> None:
        new_seq = seq + str(index) if index is not None else ""
        label = LETTERS[index] if index is not None else "Start again"
        style = discord.ButtonStyle.primary if index is not None else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(label=label, style=style, disabled=disabled, custom_id=f"rb:ord:{target}:{new_seq}")
        )
        self.target, self.seq = target, new_seq

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        step = cls(match["target"], "", None)
        step.seq = match["seq"]
        return step

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler(interaction, AnswersQuestions).order_step(interaction, self.target, self.seq, new_message=False)


class TypeAnswerButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:say:" + TARGET):
    """A short-answer question's button: it opens the box to type the answer in (a modal
    is the one reply that must come first, so the button opens it at once and the answer
    is judged when the box is sent)."""

    def __init__(self, target: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=TYPE_LABEL, emoji="✏️", style=discord.ButtonStyle.primary, custom_id=f"rb:say:{target}"
            )
        )
        self.target = target

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(match["target"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(TypedAnswerModal(self.target))


class TypedAnswerModal(discord.ui.Modal):
    """The box a short answer is typed in; sending it answers the question like a click."""

    def __init__(self, target: str) -> None:
        super().__init__(title=TYPE_LABEL, timeout=15 * 60)
        self.target = target
        self.text: discord.ui.TextInput[TypedAnswerModal] = discord.ui.TextInput(
            label="Your answer",
            placeholder="Capitals and punctuation do not matter.",
            style=discord.TextStyle.short,
            min_length=1,
            max_length=TYPED_MAX,
            custom_id="answer",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _submit_typed(interaction, self.target, self.text.value)


@reports_errors
async def _submit_typed(interaction: discord.Interaction, target: str, text: str) -> None:
    # one line, spaces collapsed: what is kept and shown is what was typed, tidied
    await _dispatch(interaction, target, " ".join(text.split()))


DYNAMIC_ITEMS = (AnswerButton, MultipleSelect, OrderStart, OrderStep, TypeAnswerButton)
