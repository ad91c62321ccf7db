"""/challenge: tutors post a role-play to the cohort with a deadline, and mark reflections."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.access import tutor_only
from bot.app import RevisionBot
from bot.cogs.scheduler import PostKind, Scheduler
from bot.domain.records import Post
from bot.services.challenges import ChallengeService
from bot.ui import challenges as ui
from bot.ui import choices
from bot.ui import roleplay as rp_ui
from bot.ui.errors import guild_id, reports_errors, send_ephemeral
from bot.ui.text import plural

DECISIONS = [app_commands.Choice(name="Accept", value="accept"), app_commands.Choice(name="Return", value="return")]


class Challenges(commands.GroupCog, group_name="challenge", group_description="Role-play challenges for the cohort."):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.cog(Scheduler).register("challenge", _post_kind(self.bot))

    @property
    def svc(self) -> ChallengeService:
        return self.bot.svc.challenges

    @app_commands.command(name="post", description="Post a role-play challenge to a channel, with a deadline.")
    @app_commands.describe(
        scenario="The role-play (start typing to search).",
        channel="Where to post it.",
        deadline="How long it stays open, e.g. 2d, 36h or 1d12h.",
        points="Points for a best-path attempt (default 20).",
    )
    @app_commands.guild_only()
    @tutor_only()
    async def post(
        self,
        interaction: discord.Interaction,
        scenario: str,
        channel: discord.TextChannel,
        deadline: str,
        points: app_commands.Range[int, 0, 100] = 20,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = utcnow()
        post = await self.svc.create(guild_id(interaction), scenario, channel.id, deadline, points, now)
        await self.bot.cog(Scheduler).post_now(interaction, post, now, done="Challenge posted")

    @post.autocomplete("scenario")
    async def _scenario(self, interaction: discord.Interaction, current: str):
        return choices.scenarios(self.bot.svc.roleplay, interaction.guild_id, current)

    @app_commands.command(name="results", description="Every attempt at a challenge, with scores and reflections.")
    @app_commands.describe(challenge="The challenge number (default: the latest).")
    @app_commands.guild_only()
    @tutor_only()
    async def results(self, interaction: discord.Interaction, challenge: int | None = None) -> None:
        gid = guild_id(interaction)
        post, attempts = await self.svc.results(gid, challenge)
        scenario, _ = self.bot.svc.roleplay.find_scenario(gid, post.item_id)
        await interaction.response.send_message(
            embed=ui.results_embed(scenario, post, attempts),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(name="mark", description="Accept or return a learner's STAR reflection, with feedback.")
    @app_commands.describe(
        learner="Whose reflection.",
        decision="Accept (with bonus points) or return it.",
        feedback="What you tell the learner.",
        bonus="Bonus points when accepting (0-20).",
        challenge="The challenge number (default: the latest).",
    )
    @app_commands.choices(decision=DECISIONS)
    @app_commands.guild_only()
    @tutor_only()
    async def mark(
        self,
        interaction: discord.Interaction,
        learner: discord.Member,
        decision: app_commands.Choice[str],
        feedback: app_commands.Range[str, 1, 1000],
        bonus: app_commands.Range[int, 0, 20] = 5,
        challenge: int | None = None,
    ) -> None:
        accept = decision.value == "accept"
        post, reflection = await self.svc.mark(
            guild_id(interaction), interaction.user.id, challenge, learner.id, accept, feedback, bonus, utcnow()
        )
        told = await self._tell(learner, post, accept, feedback, reflection.bonus or 0)
        await send_ephemeral(
            interaction,
            f"Reflection {'accepted' if accept else 'returned'} for {learner.mention}."
            + ("" if told else " I could not message them privately (their DMs are closed)."),
        )

    async def _tell(self, learner: discord.Member, post: Post, accept: bool, feedback: str, bonus: int) -> bool:
        verdict = (
            ("accepted" + (f" (+{plural(bonus, 'point')})" if bonus else "")) if accept else "returned for another go"
        )
        try:
            await learner.send(
                f"Your STAR reflection on challenge {post.id} was {verdict}.\nFeedback: {feedback}",
                allowed_mentions=discord.AllowedMentions.none(),
            )
            return True
        except discord.HTTPException:
            return False

    # -- buttons ------------------------------------------------------------------------
    @reports_errors
    async def attempt(self, interaction: discord.Interaction, post_id: int) -> None:
        play = await self.svc.attempt(guild_id(interaction), interaction.user.id, post_id, utcnow())
        await interaction.response.send_message(
            embed=rp_ui.step_embed(play), view=rp_ui.step_view(play), ephemeral=True
        )

    @reports_errors
    async def reflect(self, interaction: discord.Interaction, session_id: int, star) -> None:
        await self.svc.reflect(session_id, interaction.user.id, star, utcnow())
        await send_ephemeral(interaction, "📝 Reflection sent: your tutor will mark it, and I will tell you privately.")


def _post_kind(bot: RevisionBot) -> PostKind:
    svc = bot.svc

    async def render(post: Post):
        found = svc.content.scenario(post.guild_id, post.item_id)
        if found is None:
            return None
        points = await svc.challenges.points(post.id)
        return ui.post_embed(found[0], post, points), ui.post_view(post.id)

    async def reveal(post: Post, now: datetime):
        summary = await svc.challenges.summary(post)
        return (ui.summary_embed(summary), ui.post_view(post.id)) if summary else None

    return PostKind(render=render, reveal=reveal)


async def setup(bot: RevisionBot) -> None:
    bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
    await bot.add_cog(Challenges(bot))
