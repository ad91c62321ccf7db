"""Role-plays on screen: the customer, the mood meter, the choices, the end report.

custom_id scheme (the step number makes a stale or double click harmless):
  rb:rp:<session>:<step>:<choice>   pick a choice (its index in the pack; shown shuffled, see choice_order)
  rb:rpw:<session>:<step>           open the modal to write your own reply
"""

from __future__ import annotations

import discord

from bot.domain.questions import LETTERS
from bot.domain.roleplay import choice_order
from bot.packs.schema import Node
from bot.services.roleplay import Play
from bot.ui.handlers import PlaysRoleplays, handler

OUTCOME_TEXT = {
    "resolved": "✅ Resolved",
    "escalated": "↗️ Escalated correctly",
    "unresolved": "⚠️ Unresolved",
    "lost": "❌ Customer lost",
}


def mood_meter(mood: int) -> str:
    face = "😌" if mood <= 3 else "😐" if mood <= 6 else "😠" if mood <= 8 else "🤬"
    return f"{face} `{'█' * mood}{'░' * (10 - mood)}` {mood}/10"


def step_embed(play: Play) -> discord.Embed:
    s, state = play.scenario, play.state
    node = s.nodes[state.node]
    said = f"**{s.customer.name}:** {node.customer}"
    embed = discord.Embed(
        title=f"{s.title} · {s.setting}"[:256],
        colour=discord.Colour.purple(),
        description=(f"*{node.narration}*\n\n{said}" if node.narration else said)[:4096],
    )
    if not state.steps:
        embed.add_field(name="The situation", value=s.customer.situation, inline=False)
    else:
        last = state.steps[-1]
        embed.add_field(name="How that went", value=last.feedback[:1024], inline=False)
        if play.reply_score is not None:
            embed.add_field(name="Your reply", value=_reply_lines(last), inline=False)
    embed.add_field(name="Customer's mood", value=mood_meter(state.mood), inline=False)
    if node.choices:
        order = choice_order(play.session.id, state.node, len(node.choices))
        embed.add_field(
            name="What do you say?",
            value="\n".join(f"**{LETTERS[pos]}.** {node.choices[k].text}" for pos, k in enumerate(order))[:1024],
            inline=False,
        )
    else:
        assert node.reply is not None  # a node has exactly one of choices or a reply (bot/packs/checks.py)
        embed.add_field(name="Your turn", value=f"Write your own reply: {node.reply.prompt}.", inline=False)
    embed.set_footer(text=f"Step {len(state.steps) + 1} · saved as you go: /roleplay resume carries on later")
    return embed


def choice_text(node: Node, k: int) -> str:
    """The text of choice ``k`` at ``node``, for a move that picked it."""
    assert node.choices is not None  # a move picks a choice only at a node that offers choices
    return node.choices[k].text


def _reply_lines(step) -> str:
    """What a written reply earned: per idea found, missing or discounted, and what to avoid."""
    discounted = {d.split(":", 1)[0]: d.split(": ", 1)[1] for d in step.discounted}
    lines = [f"✅ {idea}" for idea in step.found]
    lines += [
        f"➖ discounted: {idea} ({discounted[idea]})" if idea in discounted else f"➖ missing: {idea}"
        for idea in step.missing
    ]
    lines += [f"⚠️ avoid: {idea}" for idea in step.avoided]
    return "\n".join(lines)[:1024] or "—"


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


def report_embed(play: Play) -> discord.Embed:
    r, s = play.report, play.scenario
    embed = discord.Embed(
        title=f"{s.title}: {OUTCOME_TEXT.get(r.outcome, r.outcome)}"[:256],
        description=r.ending_text,
        colour=discord.Colour.gold(),
    )
    embed.add_field(
        name=f"Score {r.score} of {r.best_score} (the best path)",
        value="\n".join(f"**{cid}** {earned}/{most} · {text}"[:200] for cid, text, earned, most in r.per_criterion)[
            :1024
        ]
        or "—",
        inline=False,
    )
    yours = []
    for step in r.path:
        node = s.nodes[step.node]
        if step.choice is None:
            yours.append(
                f"• your written reply ({step.level or 'scored'}):\n" + _reply_lines(step).replace("\n", " · ")
            )
        else:
            yours.append(f"• {choice_text(node, step.choice)[:120]} — *{step.feedback[:150]}*")
    embed.add_field(name="Your path", value="\n".join(yours)[:1024] or "—", inline=False)
    best = []
    for node_id, choice in r.best_moves:
        node = s.nodes[node_id]
        best.append("• a reply covering the whole rubric" if choice is None else f"• {choice_text(node, choice)[:150]}")
    embed.add_field(name="The best path", value="\n".join(best)[:1024], inline=False)
    return embed


def list_embed(rows) -> discord.Embed:
    embed = discord.Embed(
        title="Role-plays",
        colour=discord.Colour.purple(),
        description="Start one with `/roleplay start`, or leave the scenario out for a random one.",
    )
    for scenario, pack in rows[:25]:
        embed.add_field(
            name=scenario.title[:256],
            value=(f"`{scenario.id}` · {scenario.setting} · about {len(scenario.nodes)} decisions\n{pack.title}")[
                :1024
            ],
            inline=False,
        )
    return embed


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


DYNAMIC_ITEMS = (ChoiceButton, WriteReplyButton)
