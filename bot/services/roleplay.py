"""Role-plays: start, step, write a reply, resume, quit; the report at the end."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from bot.domain import points as pts
from bot.domain import roleplay as engine
from bot.domain.errors import AlreadyActive, UserError
from bot.domain.records import Award, Session
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Scenario
from bot.store.guilds import GuildRepo
from bot.store.roleplay import ChallengeRepo, RoleplayRepo

FIRST_COMPLETION_POINTS = 10


@dataclass(frozen=True)
class Play:
    """Where a learner is: the session, its scenario and the engine's state."""

    session: Session
    scenario: Scenario
    pack: Pack
    state: engine.State
    reply_score: engine.ReplyScore | None = None

    @property
    def report(self) -> engine.Report:
        return engine.report(self.scenario, self.state, {c.id: c.text for c in self.pack.criteria})


class RoleplayService:
    def __init__(
        self, library: ContentLibrary, repo: RoleplayRepo, challenges: ChallengeRepo, guilds: GuildRepo
    ) -> None:
        self._library = library
        self._repo = repo
        self._challenges = challenges
        self._guilds = guilds

    def scenarios(self, guild_id: int | None) -> list[tuple[Scenario, Pack]]:
        return [(s, p.pack) for p in self._library.packs(guild_id) for s in p.pack.scenarios]

    def find_scenario(self, guild_id: int, scenario_id: str) -> tuple[Scenario, Pack]:
        found = self._library.scenario(guild_id, scenario_id)
        if found is None:
            raise UserError(f"There is no role-play `{scenario_id}` here. `/roleplay list` shows them.")
        return found

    def _play(self, session: Session) -> Play:
        scenario, pack = self.find_scenario(session.guild_id, session.scenario_id)
        return Play(session, scenario, pack, engine.state_from_dict(session.state))

    async def start(
        self, guild_id: int, user_id: int, scenario_id: str | None, now: datetime, challenge_id: int | None = None
    ) -> Play:
        if scenario_id is None:
            options = self.scenarios(guild_id)
            if not options:
                raise UserError("No role-plays are available in the enabled packs.")
            scenario, pack = random.choice(options)
        else:
            scenario, pack = self.find_scenario(guild_id, scenario_id)
        state = engine.start(scenario)
        try:
            session = await self._repo.start(
                guild_id, user_id, scenario.id, pack.pack, engine.state_to_dict(state), now, challenge_id
            )
        except AlreadyActive:
            raise UserError(
                "You already have a role-play under way: `/roleplay resume` to carry on, "
                "or `/roleplay quit` to drop it."
            ) from None
        return Play(session, scenario, pack, state)

    async def resume(self, guild_id: int, user_id: int) -> Play:
        session = await self._repo.active(guild_id, user_id)
        if session is None:
            raise UserError("You have no role-play under way. Start one with `/roleplay start`.")
        return self._play(session)

    async def session(self, session_id: int) -> Session | None:
        return await self._repo.get(session_id)

    async def current(self, session_id: int, user_id: int) -> Play:
        session = await self._repo.get(session_id)
        if session is None or session.user_id != user_id:
            raise UserError("That role-play is not yours.")
        return self._play(session)

    async def choose(self, session_id: int, user_id: int, step: int, index: int, now: datetime) -> Play:
        play = await self._at_step(session_id, user_id, step)
        try:
            state = engine.choose(play.scenario, play.state, index)
        except engine.RoleplayError as exc:
            raise UserError(str(exc)) from None
        return await self._save(play, state, now)

    async def reply(self, session_id: int, user_id: int, step: int, text: str, now: datetime) -> Play:
        play = await self._at_step(session_id, user_id, step)
        try:
            state, score = engine.write_reply(play.scenario, play.state, text)
        except engine.RoleplayError as exc:
            raise UserError(str(exc)) from None
        saved = await self._save(play, state, now)
        return Play(saved.session, saved.scenario, saved.pack, saved.state, score)

    async def quit(self, guild_id: int, user_id: int, now: datetime) -> bool:
        return await self._repo.quit(guild_id, user_id, now)

    async def _at_step(self, session_id: int, user_id: int, step: int) -> Play:
        play = await self.current(session_id, user_id)
        if play.session.status != "active":
            raise UserError("This role-play has ended. Start another with `/roleplay start`.")
        if play.session.steps != step:
            raise UserError("That step has already been played. `/roleplay resume` shows where you are.")
        return play

    async def _save(self, play: Play, state: engine.State, now: datetime) -> Play:
        finished = award = None
        if state.finished:
            report = engine.report(play.scenario, state, {})
            finished = (report.outcome, report.score, report.best_score)
            award = await self._award(play, report, now)
        if not await self._repo.save_step(
            play.session.id, play.session.steps, engine.state_to_dict(state), now, finished, award
        ):
            raise UserError("That step has already been played. `/roleplay resume` shows where you are.")
        session = await self._repo.get(play.session.id)
        if session is None:  # deleted (the learner's data) since the step was saved: as current() says
            raise UserError("That role-play is not yours.")
        return Play(session, play.scenario, play.pack, state)

    async def _award(self, play: Play, report: engine.Report, now: datetime) -> Award:
        """Free play: points for the first completion of each scenario. A challenge: its
        points in proportion to the score against the best path."""
        s = play.session
        periods = pts.periods(now, (await self._guilds.get(s.guild_id)).timezone)
        if s.challenge_id is None:
            return Award(
                s.guild_id,
                s.user_id,
                "roleplay",
                f"scenario:{play.scenario.id}",
                FIRST_COMPLETION_POINTS,
                f"first completion of role-play {play.scenario.id}",
                periods,
                s.pack_id,
            )
        worth = await self._challenges.points(s.challenge_id) or 0
        earned = round(worth * report.score / report.best_score) if report.best_score else worth
        return Award(
            s.guild_id,
            s.user_id,
            "challenge",
            f"post:{s.challenge_id}",
            earned,
            f"challenge attempt: {report.outcome}, {report.score}/{report.best_score}",
            periods,
            s.pack_id,
        )
