"""Tutor challenges: a role-play posted to the cohort with a deadline, one attempt each,
STAR reflections the tutor marks, and a summary at the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import points as pts
from bot.domain import roleplay as engine
from bot.domain.errors import UserError
from bot.domain.schedule import ScheduleError, parse_duration
from bot.packs.schema import Pack, Scenario
from bot.services.roleplay import Play, RoleplayService
from bot.store.points import Award
from bot.store.posts import Post, PostRepo
from bot.store.roleplay import ChallengeRepo, Reflection, Session

MAX_REFLECTION_BONUS = 20


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
    criteria: list[tuple[str, str, float, int]]  # id, text, cohort average, most possible
    best_moves: tuple


class ChallengeService:
    def __init__(self, roleplay: RoleplayService, repo: ChallengeRepo, posts: PostRepo) -> None:
        self.roleplay = roleplay
        self.repo = repo
        self.posts = posts

    async def create(self, guild_id: int, scenario_id: str, channel_id: int, deadline: str, points: int,
                     now: datetime) -> Post:
        self.roleplay.find_scenario(guild_id, scenario_id)  # refuses an unknown scenario
        try:
            closes_at = now + parse_duration(deadline)
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        slot = await self.posts.next_manual_slot(guild_id, "challenge")
        post = await self.posts.claim(guild_id, "challenge", slot, scenario_id, channel_id, now, closes_at)
        await self.repo.create(post.id, points)
        return post

    async def _challenge(self, guild_id: int, post_id: int) -> Post:
        post = await self.posts.get(post_id)
        if post is None or post.guild_id != guild_id or post.kind != "challenge":
            raise UserError("I cannot find that challenge.")
        return post

    async def attempt(self, guild_id: int, user_id: int, post_id: int, now: datetime) -> Play:
        post = await self._challenge(guild_id, post_id)
        if post.closed_at_time(now):
            raise UserError("This challenge has closed: its deadline has passed. Try it as practice with "
                            f"`/roleplay start scenario:{post.item_id}`.")
        previous = await self.repo.attempt(post_id, user_id)
        if previous is not None:
            if previous.status == "active":
                return await self.roleplay.resume(guild_id, user_id)
            raise UserError("You have already attempted this challenge: the first attempt counts.")
        return await self.roleplay.start(guild_id, user_id, post.item_id, now, challenge_id=post_id)

    async def reflect(self, session_id: int, user_id: int, star: tuple[str, str, str, str], now: datetime) -> None:
        session = await self.roleplay.repo.get(session_id)
        if session is None or session.user_id != user_id or session.challenge_id is None:
            raise UserError("Reflections are for your own challenge attempts.")
        if session.status != "finished":
            raise UserError("Finish the role-play before you reflect on it.")
        if not await self.repo.reflect(session_id, session.guild_id, user_id, tuple(t.strip() for t in star), now):
            raise UserError("You have already sent a reflection for this attempt.")

    async def latest(self, guild_id: int) -> Post:
        ids = await self.posts.ids_of_kind(guild_id, "challenge")
        if not ids:
            raise UserError("No challenges have been posted here yet: `/challenge post` posts one.")
        return await self.posts.get(ids[-1])

    async def results(self, guild_id: int, post_id: int | None) -> tuple[Post, list[Attempt]]:
        post = await (self._challenge(guild_id, post_id) if post_id else self.latest(guild_id))
        reflections = await self.repo.reflections(post.id)
        return post, [Attempt(s, reflections.get(s.id)) for s in await self.repo.attempts(post.id)]

    async def mark(self, guild_id: int, tutor_id: int, post_id: int | None, user_id: int, accept: bool,
                   feedback: str, bonus: int, now: datetime) -> tuple[Post, Reflection]:
        post, attempts = await self.results(guild_id, post_id)
        attempt = next((a for a in attempts if a.session.user_id == user_id), None)
        if attempt is None or attempt.reflection is None:
            raise UserError("That learner has not sent a reflection for this challenge.")
        if attempt.reflection.status == "accepted":
            raise UserError("That reflection has already been accepted.")
        bonus = bonus if accept else 0
        award = None
        if accept and bonus:
            tz = (await self.roleplay.guilds.get(guild_id)).timezone
            award = Award(guild_id, user_id, "reflection", f"post:{post.id}", bonus,
                          "reflection accepted by a tutor", pts.periods(now, tz), attempt.session.pack_id)
        await self.repo.mark(attempt.session.id, "accepted" if accept else "returned", feedback, bonus, tutor_id,
                             now, award)
        refreshed = (await self.repo.reflections(post.id))[attempt.session.id]
        return post, refreshed

    async def summary(self, post: Post) -> Summary | None:
        found = self.roleplay.library.scenario(post.guild_id, post.item_id)
        if found is None:
            return None
        scenario, pack = found
        attempts = await self.repo.attempts(post.id)
        done = [a for a in attempts if a.status == "finished"]
        outcomes: dict[str, int] = {}
        for a in done:
            outcomes[a.outcome] = outcomes.get(a.outcome, 0) + 1
        texts = {c.id: c.text for c in pack.criteria}
        bounds = engine.max_credit(scenario)
        averages = []
        for cid, most in sorted(bounds.items()):
            earned = [engine.state_from_dict(a.state).credit.get(cid, 0) for a in done]
            averages.append((cid, texts.get(cid, cid), sum(earned) / len(earned) if earned else 0.0, most))
        return Summary(scenario, pack, len(attempts), len(done), outcomes, averages,
                       engine.best_path(scenario).moves)
