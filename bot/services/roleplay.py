"""Role-plays: start, step, write a reply, resume, quit; the report at the end."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

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
class Standing:
    """A learner's role-plays here: the scenario under way (if any), and the scenarios
    they have finished (free play or a challenge), each with their best score and the
    best path's score: ``best[scenario id] == (12, 15)``."""

    under_way: str | None
    best: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def finished(self) -> int:
        """How many different scenarios the learner has finished."""
        return len(self.best)


def _listed(items: list[tuple[Scenario, Pack]], limit: int = 5) -> str:
    lines = [f"• {s.title}: `{s.id}`" for s, _ in items[:limit]]
    if len(items) > limit:
        lines.append(f"• and {len(items) - limit} more: `/roleplay list` shows them all")
    return "\n".join(lines)


def _typed(name: str, limit: int = 60) -> str:
    """What the learner typed, to quote back in code format: no backticks, kept short."""
    name = name.replace("`", "'")
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Earned:
    """The points a finished role-play earned (``points``, 0 for none) and why: a free
    play's ``first`` completion of its scenario, a ``repeat`` (only the first earns), or
    a ``challenge`` attempt (points in proportion to the score). ``worth`` is what the
    first completion, or the challenge's best path, earns."""

    points: int
    why: Literal["first", "repeat", "challenge"]
    worth: int


@dataclass(frozen=True)
class Play:
    """Where a learner is: the session, its scenario and the engine's state."""

    session: Session
    scenario: Scenario
    pack: Pack
    state: engine.State
    reply_score: engine.ReplyScore | None = None
    earned: Earned | None = None  # once the step that finished the role-play is saved

    @property
    def report(self) -> engine.Report:
        return engine.report(self.scenario, self.state, {c.id: c.text for c in self.pack.criteria})


def _earned(s: Session, award: Award, worth: int, awarded: bool) -> Earned:
    """What the award saved with the finishing step gave: its points if it was new
    (``awarded``), none if it had been given before. A challenge's is given with its only
    attempt; a free play's first-completion points once per scenario, whether or not the
    scenario was finished before as a challenge."""
    points = award.points if awarded else 0
    if s.challenge_id is not None:
        return Earned(points, "challenge", worth)
    return Earned(points, "first" if awarded else "repeat", worth)


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

    def find_scenario(self, guild_id: int, name: str, *, titles: bool = False) -> tuple[Scenario, Pack]:
        """The scenario ``name`` names: its exact id; else, with ``titles``, the one
        scenario whose title it names (``quiet room`` for "The quiet room that wasn't",
        see ``engine.match_rank``). Otherwise a ``UserError`` listing close matches.

        ``titles`` is for a caller that keeps the scenario it is given (``/roleplay
        start``, ``/challenge post``, which stores its id): a caller that stores
        ``name`` itself as an id must not pass it."""
        name = name.strip()
        found = self._library.scenario(guild_id, name)
        if found is not None:
            return found
        options = self.scenarios(guild_id) if engine.words(name) else []  # no words name nothing
        named = [item for item in options if engine.match_rank(name, item[0]) == 0]
        if titles and named:
            exact = [item for item in named if engine.words(item[0].title) == engine.words(name)]
            if len(exact) == 1 or len(named) == 1:
                return (exact or named)[0]
            raise UserError(
                f"`{_typed(name)}` could be any of these role-plays; give more of the title, or its id:\n"
                + _listed(named)
            )
        close = engine.search(name, options) or engine.close_matches(name, options)
        told = f"There is no role-play `{_typed(name)}` here."
        if close:
            raise UserError(f"{told} Did you mean one of these?\n{_listed(close)}")
        raise UserError(f"{told} `/roleplay list` shows them all.")

    async def start_or_resume(self, guild_id: int, user_id: int, scenario_id: str, now: datetime) -> Play:
        """Start ``scenario_id``, or carry on with it if it is the one under way."""
        active = await self._repo.active(guild_id, user_id)
        if active is not None and active.scenario_id == scenario_id:
            return self._play(active)
        return await self.start(guild_id, user_id, scenario_id, now)

    async def standing(self, guild_id: int, user_id: int) -> Standing:
        """Where the learner stands with the role-plays here, for ``/roleplay list``."""
        active = await self._repo.active(guild_id, user_id)
        return Standing(active.scenario_id if active else None, await self._repo.finished_scores(guild_id, user_id))

    def _play(self, session: Session) -> Play:
        found = self._library.scenario(session.guild_id, session.scenario_id)
        if found is None:
            raise UserError(
                f"The role-play `{session.scenario_id}` is no longer available here (its pack was removed or "
                "changed). `/roleplay quit` drops it."
            )
        scenario, pack = found
        return Play(session, scenario, pack, engine.state_from_dict(session.state))

    async def start(
        self, guild_id: int, user_id: int, scenario_id: str | None, now: datetime, challenge_id: int | None = None
    ) -> Play:
        if scenario_id is None or not scenario_id.strip():
            options = self.scenarios(guild_id)
            if not options:
                raise UserError("No role-plays are available in the enabled packs.")
            scenario, pack = random.choice(options)
        else:
            scenario, pack = self.find_scenario(guild_id, scenario_id, titles=True)
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
        return replace(saved, reply_score=score)

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
        worth = 0
        if state.finished:
            report = engine.report(play.scenario, state, {})
            finished = (report.outcome, report.score, report.best_score)
            award, worth = await self._award(play, report, now)
        saved = await self._repo.save_step(
            play.session.id, play.session.steps, engine.state_to_dict(state), now, finished, award
        )
        if not saved:
            raise UserError("That step has already been played. `/roleplay resume` shows where you are.")
        session = await self._repo.get(play.session.id)
        if session is None:  # deleted (the learner's data) since the step was saved: as current() says
            raise UserError("That role-play is not yours.")
        earned = None
        if award is not None:
            earned = _earned(session, award, worth, saved.awarded)
        return Play(session, play.scenario, play.pack, state, earned=earned)

    async def _award(self, play: Play, report: engine.Report, now: datetime) -> tuple[Award, int]:
        """Free play: points for the first completion of each scenario. A challenge: its
        points in proportion to the score against the best path. With the award, what
        the first completion, or the challenge's best path, is worth."""
        s = play.session
        periods = pts.periods(now, (await self._guilds.get(s.guild_id)).timezone)
        if s.challenge_id is None:
            award = Award(
                s.guild_id,
                s.user_id,
                "roleplay",
                f"scenario:{play.scenario.id}",
                FIRST_COMPLETION_POINTS,
                f"first completion of role-play {play.scenario.id}",
                periods,
                s.pack_id,
            )
            return award, FIRST_COMPLETION_POINTS
        worth = await self._challenges.points(s.challenge_id) or 0
        earned = round(worth * report.score / report.best_score) if report.best_score else worth
        award = Award(
            s.guild_id,
            s.user_id,
            "challenge",
            f"post:{s.challenge_id}",
            earned,
            f"challenge attempt: {report.outcome}, {report.score}/{report.best_score}",
            periods,
            s.pack_id,
        )
        return award, worth
