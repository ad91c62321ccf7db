"""Tutor challenges: a role-play posted to the cohort with a deadline, one attempt each,
STAR reflections the tutor marks, and a summary at the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import points as pts
from bot.domain import roleplay as engine
from bot.domain.errors import UserError
from bot.domain.records import Award, Post, Reflection, Session
from bot.domain.schedule import ScheduleError, parse_duration
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Scenario
from bot.services.roleplay import Play, RoleplayService
from bot.store.guilds import GuildRepo
from bot.store.posts import PostRepo
from bot.store.roleplay import ChallengeRepo


@dataclass(frozen=True)
class Attempt:
    session: Session
    reflection: Reflection | None


@dataclass(frozen=True)
class Summary:
    scenario: Scenario
    pack: Pack
    attempts: int
    finished: int
    outcomes: dict[str, int]
    # id, text, the finished attempts' average, what the best path earns: every criterion
    # the best path or an attempt earns, in id order; the best path's add up to its score
    criteria: list[tuple[str, str, float, int]]
    best_score: int
    best_moves: tuple[tuple[str, int | None], ...]  # (node, choice index or None for a reply)


class ChallengeService:
    def __init__(
        self,
        roleplay: RoleplayService,
        repo: ChallengeRepo,
        posts: PostRepo,
        library: ContentLibrary,
        guilds: GuildRepo,
    ) -> None:
        self._roleplay = roleplay
        self._repo = repo
        self._posts = posts
        self._library = library
        self._guilds = guilds

    async def points(self, post_id: int) -> int:
        """The points a challenge post offers (0 if it offers none)."""
        return await self._repo.points(post_id) or 0

    async def create(
        self, guild_id: int, scenario: str, channel_id: int, deadline: str, points: int, now: datetime
    ) -> Post:
        """Claim a challenge post of ``scenario`` (its id, or words of its title) closing
        after ``deadline``; the post holds the scenario's id."""
        found, _ = self._roleplay.find_scenario(guild_id, scenario, titles=True)
        try:
            closes_at = now + parse_duration(deadline)
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        slot = await self._posts.next_manual_slot(guild_id, "challenge")
        post = await self._posts.claim(guild_id, "challenge", slot, found.id, channel_id, now, closes_at)
        if post is None:  # another challenge took the same manual slot at the same moment
            raise UserError("Another challenge was being posted at the same moment. Please try again.")
        await self._repo.create(post.id, points)
        return post

    async def _challenge(self, guild_id: int, post_id: int) -> Post:
        post = await self._posts.get(post_id)
        if post is None or post.guild_id != guild_id or post.kind != "challenge":
            raise UserError("I cannot find that challenge.")
        return post

    async def attempt(self, guild_id: int, user_id: int, post_id: int, now: datetime) -> Play:
        post = await self._challenge(guild_id, post_id)
        if post.closed_at_time(now):
            found = self._library.scenario(guild_id, post.item_id)
            practise = f"**{found[0].title}** " if found else "it "
            raise UserError(
                f"This challenge has closed: its deadline has passed. Try {practise}as practice with "
                f"`/roleplay start scenario:{post.item_id}`."
            )
        previous = await self._repo.attempt(post_id, user_id)
        if previous is not None:
            if previous.status == "active":
                return await self._roleplay.resume(guild_id, user_id)
            raise UserError("You have already attempted this challenge: the first attempt counts.")
        return await self._roleplay.start(guild_id, user_id, post.item_id, now, challenge_id=post_id)

    async def reflect(self, session_id: int, user_id: int, star: tuple[str, str, str, str], now: datetime) -> None:
        session = await self._roleplay.session(session_id)
        if session is None or session.user_id != user_id or session.challenge_id is None:
            raise UserError("Reflections are for your own challenge attempts.")
        if session.status != "finished":
            raise UserError("Finish the role-play before you reflect on it.")
        situation, task, action, result = (t.strip() for t in star)
        if not await self._repo.reflect(session_id, session.guild_id, user_id, (situation, task, action, result), now):
            raise UserError("You have already sent a reflection for this attempt.")

    async def latest(self, guild_id: int) -> Post:
        ids = await self._posts.ids_of_kind(guild_id, "challenge")
        if not ids:
            raise UserError("No challenges have been posted here yet: `/challenge post` posts one.")
        post = await self._posts.get(ids[-1])
        if post is None:  # deleted since its id was read
            raise UserError("I cannot find that challenge.")
        return post

    async def results(self, guild_id: int, post_id: int | None) -> tuple[Post, list[Attempt]]:
        post = await (self._challenge(guild_id, post_id) if post_id else self.latest(guild_id))
        reflections = await self._repo.reflections(post.id)
        return post, [Attempt(s, reflections.get(s.id)) for s in await self._repo.attempts(post.id)]

    async def mark(
        self,
        guild_id: int,
        tutor_id: int,
        post_id: int | None,
        user_id: int,
        accept: bool,
        feedback: str,
        bonus: int,
        now: datetime,
    ) -> tuple[Post, Reflection]:
        post, attempts = await self.results(guild_id, post_id)
        attempt = next((a for a in attempts if a.session.user_id == user_id), None)
        if attempt is None or attempt.reflection is None:
            raise UserError("That learner has not sent a reflection for this challenge.")
        if attempt.reflection.status == "accepted":
            raise UserError("That reflection has already been accepted.")
        bonus = bonus if accept else 0
        award = None
        if accept and bonus:
            tz = (await self._guilds.get(guild_id)).timezone
            award = Award(
                guild_id,
                user_id,
                "reflection",
                f"post:{post.id}",
                bonus,
                "reflection accepted by a tutor",
                pts.periods(now, tz),
                attempt.session.pack_id,
            )
        if not await self._repo.mark(
            attempt.session.id, "accepted" if accept else "returned", feedback, bonus, tutor_id, now, award
        ):  # another tutor accepted it a moment ago
            raise UserError("That reflection has already been accepted.")
        refreshed = (await self._repo.reflections(post.id))[attempt.session.id]
        return post, refreshed

    async def summary(self, post: Post) -> Summary | None:
        found = self._library.scenario(post.guild_id, post.item_id)
        if found is None:
            return None
        scenario, pack = found
        attempts = await self._repo.attempts(post.id)
        done = [a for a in attempts if a.status == "finished"]
        outcomes: dict[str, int] = {}
        for a in done:
            # RoleplayRepo.save_step marks a session finished and sets its outcome together
            assert a.outcome is not None
            outcomes[a.outcome] = outcomes.get(a.outcome, 0) + 1
        texts = {c.id: c.text for c in pack.criteria}
        # against the best path, as each attempt's report is: the most of each criterion
        # over every path (engine.max_credit) comes from different paths, not one
        on_best = engine.best_credit(scenario)
        credits = [engine.state_from_dict(a.state).credit for a in done]
        earned = {cid for credit in credits for cid, pts in credit.items() if pts > 0}
        averages = [
            (cid, texts.get(cid, cid), sum(c.get(cid, 0) for c in credits) / len(credits) if credits else 0.0, best)
            for cid in sorted(on_best.keys() | earned)
            for best in (on_best.get(cid, 0),)
        ]
        best = engine.best_path(scenario)
        return Summary(scenario, pack, len(attempts), len(done), outcomes, averages, best.score, best.moves)
