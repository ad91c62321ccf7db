"""Challenges on screen: the cohort post, results for tutors, the deadline summary.

custom_id scheme:
  rb:chal:<post id>      Attempt the challenge (privately)
  rb:refl:<session id>   Add a STAR reflection to a finished attempt
"""

from __future__ import annotations

import discord

from bot.domain.records import Post
from bot.packs.schema import Scenario
from bot.services.challenges import Attempt, Summary
from bot.ui.handlers import RunsChallenges, handler
from bot.ui.roleplay import OUTCOME_TEXT, add_lines, choice_text
from bot.ui.text import clip, plural

COLOUR = discord.Colour.dark_gold()


def post_embed(scenario: Scenario, post: Post, points: int) -> discord.Embed:
    assert post.closes_at is not None  # a challenge is always claimed with its deadline (ChallengeService.create)
    embed = discord.Embed(
        title=clip(f"Challenge: {scenario.title}", 256),
        colour=COLOUR,
        description=clip(f"*{scenario.setting}* · {scenario.customer.situation}", 4096),
    )
    embed.add_field(
        name="Deadline",
        value=discord.utils.format_dt(post.closes_at, "F") + " (" + discord.utils.format_dt(post.closes_at, "R") + ")",
        inline=False,
    )
    embed.add_field(
        name="How it works",
        value=(
            "Click **Attempt** to play privately. Your first attempt counts"
            + (f", for up to {plural(points, 'point')}. " if points else ". ")
            + "Afterwards you can add a STAR reflection for your tutor to mark."
        ),
        inline=False,
    )
    return embed


def post_view(post_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AttemptButton(post_id))
    return view


def _average_line(cid: str, text: str, average: float, best: int) -> str:
    said = f"{average:.1f} of {best}" if average <= best else f"{average:.1f} (more than the best path's {best})"
    return f"**{cid}** {said} · {clip(text, 48)}"


def summary_embed(s: Summary) -> discord.Embed:
    """The challenge's close: outcomes, the finished attempts' average per criterion
    against the best path (as each attempt's report scores it), and the best path."""
    embed = discord.Embed(
        title=clip(f"Challenge closed: {s.scenario.title}", 256),
        colour=discord.Colour.dark_grey(),
        description=f"{plural(s.attempts, 'attempt')}, {s.finished:,} finished.",
    )
    outcomes = [f"{OUTCOME_TEXT.get(k, k)}: {n}" for k, n in sorted(s.outcomes.items())]
    add_lines(embed, "Outcomes", outcomes or ["No finished attempts."])
    add_lines(
        embed,
        "Cohort average per criterion",
        [f"The finished attempts' average, of the points the best path earns ({s.best_score} in all)."]
        + [_average_line(*row) for row in s.criteria],
    )
    best = []
    for node_id, choice in s.best_moves:
        node = s.scenario.nodes[node_id]
        best.append(
            "• a reply covering the whole rubric" if choice is None else f"• {clip(choice_text(node, choice), 150)}"
        )
    add_lines(embed, "The best path", best)
    return embed


def results_embed(scenario: Scenario, post: Post, attempts: list[Attempt]) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"Results: {scenario.title} (challenge {post.id})", 256),
        colour=COLOUR,
        description=f"{plural(len(attempts), 'attempt')}. Mark a reflection with `/challenge mark`.",
    )
    for a in attempts[:25]:
        s = a.session
        outcome = "in progress" if s.outcome is None else OUTCOME_TEXT.get(s.outcome, "in progress")
        head = f"{outcome} · {s.score if s.score is not None else '–'}/{s.best_score or '–'}"
        credit = ", ".join(f"{k} {v}" for k, v in sorted(s.state.get("credit", {}).items())) or "no credit yet"
        lines = [f"<@{s.user_id}> · {head}", f"Criteria: {credit}"]
        r = a.reflection
        if r:
            lines.append(
                f"Reflection ({r.status}): **S** {r.situation} **T** {r.task} **A** {r.action} **R** {r.result}"
            )
            if r.feedback:
                lines.append(f"Feedback: {r.feedback}")
        embed.add_field(name=f"Attempt {s.id}", value=clip("\n".join(lines), 1024), inline=False)
    return embed


def _cog(interaction: discord.Interaction) -> RunsChallenges:
    return handler(interaction, RunsChallenges)


class AttemptButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:chal:(?P<post>\d{1,19})"):
    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Attempt", emoji="🎭", style=discord.ButtonStyle.success, custom_id=f"rb:chal:{post_id}"
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).attempt(interaction, self.post_id)


class ReflectButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:refl:(?P<sid>\d{1,18})"):
    def __init__(self, session_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Add a STAR reflection",
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=f"rb:refl:{session_id}",
            )
        )
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["sid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ReflectionModal(self.session_id))


class ReflectionModal(discord.ui.Modal, title="Your STAR reflection"):
    def __init__(self, session_id: int) -> None:
        super().__init__(timeout=30 * 60)
        self.session_id = session_id
        self.fields: list[discord.ui.TextInput[ReflectionModal]] = [
            discord.ui.TextInput(
                label=label, style=discord.TextStyle.paragraph, max_length=400, custom_id=key, placeholder=hint
            )
            for key, label, hint in (
                ("situation", "Situation", "What was going on, and who was the customer?"),
                ("task", "Task", "What did you need to achieve?"),
                ("action", "Action", "What did you do, and why?"),
                ("result", "Result", "What happened, and what would you do differently?"),
            )
        ]
        for f in self.fields:
            self.add_item(f)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).reflect(interaction, self.session_id, tuple(f.value for f in self.fields))


DYNAMIC_ITEMS = (AttemptButton, ReflectButton)
