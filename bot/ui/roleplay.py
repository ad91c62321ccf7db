"""Role-plays on screen: the customer, the mood meter, the choices, the end report.

custom_id scheme (the step number makes a stale or double click harmless):
  rb:rp:<session>:<step>:<choice>   pick a choice (its index in the pack; shown shuffled, see choice_order)
  rb:rpw:<session>:<step>           open the modal to write your own reply
  rb:rpgo:<part>                    the list's menu of role-plays (25 a menu); its value is the scenario id
"""

from __future__ import annotations

import discord

from bot.domain import roleplay as engine
from bot.domain.questions import LETTERS
from bot.domain.roleplay import choice_order
from bot.packs.schema import Node, Pack, Scenario
from bot.services.roleplay import Earned, Play, Standing
from bot.ui.handlers import PlaysRoleplays, StartsRoleplays, handler
from bot.ui.text import clip, plural

OUTCOME_TEXT = {
    "resolved": "✅ Resolved",
    "escalated": "↗️ Escalated correctly",
    "unresolved": "⚠️ Unresolved",
    "lost": "❌ Customer lost",
}
FIELD_MAX, EMBED_MAX, FIELDS_MAX = 1024, 6000, 25
SELECT_OPTIONS, SELECTS = 25, 5  # options in one select menu; select menus on one message

# the customer's mood, 0 (calm) to 10 (furious), in a word
MOOD_WORDS = ((1, "calm"), (3, "settled"), (5, "uneasy"), (7, "annoyed"), (9, "angry"), (10, "furious"))


def mood_word(mood: int) -> str:
    return next(word for most, word in MOOD_WORDS if mood <= most)


def mood_meter(mood: int) -> str:
    """The mood as a word and as a position between calm and furious (more dots, angrier)."""
    mood = max(engine.MOOD_MIN, min(engine.MOOD_MAX, mood))
    face = "😌" if mood <= 3 else "😐" if mood <= 6 else "😠" if mood <= 8 else "🤬"
    dots = "●" * mood + "○" * (engine.MOOD_MAX - mood)
    return f"{face} **{mood_word(mood).capitalize()}** · calm {dots} furious"


def add_lines(embed: discord.Embed, name: str, lines: list[str], *, inline: bool = False) -> None:
    """Add ``lines`` as one field, or as several (``name (continued)``) when they do
    not fit one; a line is never cut except one longer than a whole field."""
    chunk: list[str] = []
    size = 0
    first = True

    def flush() -> None:
        nonlocal chunk, size, first
        if chunk:
            embed.add_field(name=name if first else f"{name} (continued)", value="\n".join(chunk), inline=inline)
            chunk, size, first = [], 0, False

    for line in lines:
        line = clip(line, FIELD_MAX)
        if chunk and size + 1 + len(line) > FIELD_MAX:
            flush()
        chunk.append(line)
        size += len(line) + (1 if size else 0)
    flush()
    if first:  # nothing to show
        embed.add_field(name=name, value="—", inline=inline)


def step_embed(play: Play) -> discord.Embed:
    s, state = play.scenario, play.state
    node = s.nodes[state.node]
    # what happens is narration, told to the learner; only the quoted line is the customer's
    said = f"🗣️ **{s.customer.name}:** {node.customer}"
    embed = discord.Embed(
        title=clip(f"{s.title} · {s.setting}", 256),
        colour=discord.Colour.purple(),
        description=clip(f"📍 *{node.narration}*\n\n{said}" if node.narration else said, 4096),
    )
    if not state.steps:
        embed.add_field(name="The situation", value=clip(s.customer.situation, FIELD_MAX), inline=False)
    else:
        last = state.steps[-1]
        embed.add_field(name="How that went", value=clip(last.feedback, FIELD_MAX), inline=False)
        if play.reply_score is not None:
            embed.add_field(name="Your reply", value=_reply_lines(last), inline=False)
    embed.add_field(name=clip(f"{s.customer.name}'s mood", 256), value=mood_meter(state.mood), inline=False)
    if node.choices:
        order = choice_order(play.session.id, state.node, len(node.choices))
        add_lines(
            embed, "What do you say?", [f"**{LETTERS[pos]}.** {node.choices[k].text}" for pos, k in enumerate(order)]
        )
    else:
        assert node.reply is not None  # a node has exactly one of choices or a reply (bot/packs/checks.py)
        embed.add_field(
            name="Your turn: in your own words", value=clip(_sentence(node.reply.prompt), FIELD_MAX), inline=False
        )
    embed.set_footer(text=f"Step {len(state.steps) + 1} · saved as you go: /roleplay resume carries on later")
    return embed


def _sentence(text: str) -> str:
    """``text`` as a sentence: the pack's reply prompt ("Write your reply to Aisha") is
    shown as it is written, with a full stop if it has no closing punctuation."""
    text = text.strip().rstrip(":").rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def choice_text(node: Node, k: int) -> str:
    """The text of choice ``k`` at ``node``, for a move that picked it."""
    assert node.choices is not None  # a move picks a choice only at a node that offers choices
    return node.choices[k].text


def _reply_lines(step, sep: str = "\n") -> str:
    """What a written reply earned: per idea found, missing or discounted, and what to avoid."""
    discounted = {d.split(":", 1)[0]: d.split(": ", 1)[1] for d in step.discounted}
    lines = [f"✅ {idea}" for idea in step.found]
    lines += [
        f"➖ discounted: {idea} ({discounted[idea]})" if idea in discounted else f"➖ missing: {idea}"
        for idea in step.missing
    ]
    lines += [f"⚠️ avoid: {idea}" for idea in step.avoided]
    return clip(sep.join(lines), FIELD_MAX) or "—"


def step_view(play: Play) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    node = play.scenario.nodes[play.state.node]
    sid, step = play.session.id, play.session.steps
    if node.choices:
        for pos, k in enumerate(choice_order(sid, play.state.node, len(node.choices))):
            view.add_item(ChoiceButton(sid, step, k, LETTERS[pos]))
    else:
        view.add_item(WriteReplyButton(sid, step))
    return view


# --- the end report ------------------------------------------------------------------------

# how much of each text the report shows (a choice, its feedback, a criterion, a written
# reply), widest first: the first that keeps the embed within Discord's 6,000 characters
_REPORT_WIDTHS = ((200, 220, 100, 160), (130, 140, 70, 100), (80, 80, 45, 60), (40, 40, 25, 30))


def report_embed(play: Play) -> discord.Embed:
    embed = _report(play, *_REPORT_WIDTHS[0])
    for widths in _REPORT_WIDTHS[1:]:
        if len(embed) <= EMBED_MAX and len(embed.fields) <= FIELDS_MAX:
            break
        embed = _report(play, *widths)
    return embed


def _criterion_line(cid: str, text: str, earned: int, best: int, width: int) -> str:
    said = f"{earned} of {best}" if earned <= best else f"{earned} (more than the best path's {best})"
    return f"**{cid}** {said} · {clip(text, width)}"


def _points_text(earned: Earned, score: int, best: int) -> str:
    if earned.why == "challenge" and not earned.worth:
        return "This challenge offers no points: your score is kept for your tutor."
    if earned.why == "challenge":
        return (
            f"**+{plural(earned.points, 'point')}** of the {earned.worth} this challenge offers "
            f"(your score, {score} of {best}, as a share of the best path's)."
        )
    if earned.why == "first":
        return f"**+{plural(earned.points, 'point')}** for your first completion of this role-play."
    return (
        "No points this time: a role-play earns points once, on its first completion "
        f"({plural(earned.worth, 'point')}), and you had finished this one before."
    )


def _report(play: Play, w_choice: int, w_feedback: int, w_criterion: int, w_reply: int) -> discord.Embed:
    r, s = play.report, play.scenario
    embed = discord.Embed(
        title=clip(f"{s.title}: {OUTCOME_TEXT.get(r.outcome, r.outcome)}", 256),
        description=clip(r.ending_text, 4096),
        colour=discord.Colour.gold(),
    )
    full = " (full marks)" if r.score == r.best_score else ""
    add_lines(
        embed,
        f"Score {r.score} of {r.best_score}{full}",
        ["Per criterion: your points, of the points the best path earns."]
        + [_criterion_line(cid, text, earned, best, w_criterion) for cid, text, earned, best in r.per_criterion],
    )
    if play.earned is not None:
        embed.add_field(name="Points", value=_points_text(play.earned, r.score, r.best_score), inline=False)

    yours = ["✅ You took the best path."] if r.took_best else []
    for step in r.path:
        node = s.nodes.get(step.node)
        if step.choice is None:
            quoted = f": “{clip(discord.utils.escape_markdown(step.reply), w_reply)}”" if step.reply else ""
            yours.append(f"• Your written reply ({step.level or 'scored'}){quoted}\n  ↳ {_reply_lines(step, ' · ')}")
        elif node is None or not node.choices or step.choice >= len(node.choices):  # the pack changed since
            yours.append(f"• A choice this role-play no longer offers\n  ↳ *{clip(step.feedback, w_feedback)}*")
        else:
            yours.append(f"• {clip(choice_text(node, step.choice), w_choice)}\n  ↳ *{clip(step.feedback, w_feedback)}*")
    add_lines(embed, "Your path", yours)

    if not r.took_best:
        taken = {(step.node, step.choice) for step in r.path}
        best = []
        for node_id, choice in r.best_moves:
            node = s.nodes[node_id]
            if choice is None:
                assert node.reply is not None  # a best move without a choice is a written reply
                ideas = ", ".join(idea.idea for idea in node.reply.rubric)
                line = f"• A written reply covering: {clip(ideas, w_choice)}"
            else:
                line = f"• {clip(choice_text(node, choice), w_choice)}"
            best.append(line + (" *(you chose this too)*" if choice is not None and (node_id, choice) in taken else ""))
        add_lines(embed, "Another path to full marks" if r.score == r.best_score else "The best path", best)
    return embed


# --- the list ------------------------------------------------------------------------------


def _decisions(scenario: Scenario) -> int:
    return len(engine.best_path(scenario).moves)


def _about(scenario: Scenario, pack: Pack) -> str:
    level = engine.pack_level(pack)
    return " · ".join(
        part for part in (level, scenario.setting, f"about {plural(_decisions(scenario), 'decision')}") if part
    )


def best_text(standing: Standing, scenario_id: str) -> str:
    """``✅ best 12 of 15`` for a scenario the learner has finished: their best score, of
    the best path's; '' for one they have not."""
    if scenario_id not in standing.best:
        return ""
    score, of = standing.best[scenario_id]
    return f"✅ best {score:,} of {of:,}" + (" (full marks)" if score >= of else "")


def _status(scenario: Scenario, standing: Standing) -> list[str]:
    """Where the learner is with a scenario: under way, and their best if they finished it."""
    parts = ["under way" if scenario.id == standing.under_way else "", best_text(standing, scenario.id)]
    return [part for part in parts if part]


def list_embed(rows: list[tuple[Scenario, Pack]], standing: Standing) -> discord.Embed:
    under_way = next((s for s, _ in rows if s.id == standing.under_way), None)
    lines = ["Choose one in the menu below to start it. `/roleplay start` with no scenario picks one at random."]
    if under_way is not None:
        lines.append(f"▶️ Under way: **{under_way.title}**. Choose it below, or `/roleplay resume`, to carry on.")
    lines.append(
        f"You have finished {plural(standing.finished, 'role-play')} so far."
        if standing.finished
        else "You have not finished a role-play yet."
    )
    embed = discord.Embed(title="Role-plays", colour=discord.Colour.purple(), description="\n".join(lines))
    by_pack: dict[str, list[tuple[Scenario, Pack]]] = {}
    for scenario, pack in rows:
        by_pack.setdefault(pack.pack, []).append((scenario, pack))
    shown = 0
    for group in by_pack.values():
        pack = group[0][1]
        before = len(embed.fields)
        add_lines(
            embed,
            clip(f"{engine.pack_level(pack) or 'Any level'} · {pack.title}", 256),
            [
                f"{'▶️' if s.id == standing.under_way else '▫️'} **{clip(s.title, 80)}** · {s.setting} · "
                f"about {plural(_decisions(s), 'decision')}" + "".join(f" · {part}" for part in _status(s, standing))
                for s, _ in group
            ],
        )
        if len(embed.fields) > FIELDS_MAX - 1 or len(embed) > EMBED_MAX - 200:  # room kept for "And more"
            while len(embed.fields) > before:
                embed.remove_field(before)
            break
        shown += len(group)
    if shown < len(rows):
        embed.add_field(
            name="And more",
            value=f"{plural(len(rows) - shown, 'more role-play')}: type part of a title in `/roleplay start`.",
            inline=False,
        )
    return embed


def list_view(rows: list[tuple[Scenario, Pack]], standing: Standing) -> discord.ui.View:
    """Select menus (25 role-plays each) whose choice starts that role-play."""
    view = discord.ui.View(timeout=None)
    for part in range(min(SELECTS, -(-len(rows) // SELECT_OPTIONS))):
        chunk = rows[part * SELECT_OPTIONS : (part + 1) * SELECT_OPTIONS]
        options = [
            discord.SelectOption(
                label=clip(s.title, 100),
                value=s.id,
                description=clip(" · ".join([*_status(s, standing), _about(s, p)]), 100),  # status first: kept
                emoji="▶️" if s.id == standing.under_way else "✅" if s.id in standing.best else None,
            )
            for s, p in chunk
        ]
        view.add_item(StartSelect(part, options))
    return view


class StartSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"rb:rpgo:(?P<part>[0-9])"):
    """A menu of role-plays on the list; choosing one starts it (or carries on with it)."""

    def __init__(self, part: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"rb:rpgo:{part}",
                placeholder="Start a role-play…" if part == 0 else "More role-plays…",
                min_values=1,
                max_values=1,
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )
        self.part = part

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["part"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        values = interaction.data.get("values", []) if interaction.data else []
        chosen = str(values[0]) if isinstance(values, list) and values else ""
        await handler(interaction, StartsRoleplays).start_chosen(interaction, chosen)


def _cog(interaction: discord.Interaction) -> PlaysRoleplays:
    return handler(interaction, PlaysRoleplays)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"rb:rp:(?P<sid>\d{1,18}):(?P<step>\d{1,3}):(?P<k>[0-3])"
):
    def __init__(self, session_id: int, step: int, k: int, label: str | None = None) -> None:
        # k is the choice's index in the pack; the label is the letter it is shown under
        super().__init__(
            discord.ui.Button(
                label=label or LETTERS[k], style=discord.ButtonStyle.primary, custom_id=f"rb:rp:{session_id}:{step}:{k}"
            )
        )
        self.session_id, self.step, self.k = session_id, step, k

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["sid"]), int(match["step"]), int(match["k"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).choose(interaction, self.session_id, self.step, self.k)


class WriteReplyButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"rb:rpw:(?P<sid>\d{1,18}):(?P<step>\d{1,3})"
):
    def __init__(self, session_id: int, step: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Write your reply",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=f"rb:rpw:{session_id}:{step}",
            )
        )
        self.session_id, self.step = session_id, step

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["sid"]), int(match["step"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).open_reply(interaction, self.session_id, self.step)


class ReplyModal(discord.ui.Modal):
    def __init__(self, prompt: str, max_length: int, on_submit_text) -> None:
        super().__init__(title="Your reply to the customer", timeout=15 * 60)
        self.text: discord.ui.TextInput[ReplyModal] = discord.ui.TextInput(
            label=prompt[:45], style=discord.TextStyle.paragraph, max_length=max_length, min_length=1, custom_id="reply"
        )
        self.add_item(self.text)
        self._on_submit_text = on_submit_text

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_submit_text(interaction, self.text.value)


DYNAMIC_ITEMS = (ChoiceButton, WriteReplyButton, StartSelect)
