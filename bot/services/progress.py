"""Progress: leaderboards, a learner's stats, the tutor's cohort report and CSV, the weekly
top three, and each learner's data (leave the boards, export, delete)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import leaderboard as lb
from bot.domain import points as pts
from bot.domain import progress as pg
from bot.domain import roleplay as engine
from bot.domain import streaks as st
from bot.domain.errors import UserError
from bot.domain.questions import InvalidChoice, grade, option_text
from bot.domain.records import Post
from bot.domain.schedule import week_start
from bot.domain.streaks import Streak
from bot.packs.library import ContentLibrary
from bot.packs.schema import Myth
from bot.services.answering import from_json
from bot.services.myths import MythService
from bot.store.answers import AnswerRepo
from bot.store.guilds import GuildRepo
from bot.store.posts import PostRepo
from bot.store.progress import ProgressRepo
from bot.store.roleplay import RoleplayRepo
from bot.store.schedules import ScheduleRepo

WEEKLY_CATCH_UP = timedelta(hours=24)  # the weekly top three is posted this late at most
WEEKLY_TOP = 3
REPORT_LIMIT = 5
LEARNERS_PAGE = 20  # learners a page of the cohort report lists


@dataclass(frozen=True)
class LeaderboardView:
    period: lb.Period
    pack_title: str | None  # None: every pack
    board: lb.Board
    caller_hidden: bool
    caller_points: int  # in this period, even when hidden


@dataclass(frozen=True)
class CriterionStat:
    pack_id: str
    pack_title: str
    criterion_id: str
    text: str
    tally: pg.Tally  # the answers to questions on it
    roleplays: pg.Evidence = pg.Evidence()  # the finished role-plays that touched it, and their credit

    @property
    def tried(self) -> bool:
        """A question on it answered, or a finished role-play touched it."""
        return pg.tried(self.tally, self.roleplays)


@dataclass(frozen=True)
class PackStat:
    pack_id: str
    title: str
    tally: pg.Tally  # the answers to its questions
    roleplays: pg.Evidence = pg.Evidence()  # its finished role-plays, and their credit over every criterion


@dataclass(frozen=True)
class Stats:
    user_id: int
    overall: pg.Tally
    packs: list[PackStat]  # the packs answered or role-played, in the order of ``criteria``
    criteria: list[CriterionStat]  # every criterion of the server's packs (and of any pack tried), pack by pack
    streak: Streak
    cards_due: int
    misconceptions: list[tuple[Myth, int]]  # open: (myth, times shown)
    roleplays_completed: int
    points_all: int
    points_week: int
    hidden: bool  # left the leaderboards


@dataclass(frozen=True)
class HardQuestion:
    question_id: str
    prompt: str
    pack_title: str
    tally: pg.Tally
    common_wrong: str | None  # the wrong answer given most often, written out
    common_wrong_count: int


@dataclass(frozen=True)
class LearnerLine:
    """One learner in the cohort report: answers in the period, the rest as of now."""

    user_id: int
    tally: pg.Tally  # question answers in the period
    streak: Streak
    roleplays_completed: int
    open_misconceptions: int


@dataclass(frozen=True)
class Report:
    days: int
    since: datetime
    participation: pg.Participation
    answers: int  # question answers in the period
    hardest: list[HardQuestion]
    weakest: list[CriterionStat]
    misconceptions: list[tuple[str, int]]  # (myth statement, learners holding it)
    learners: pg.Page[LearnerLine]  # every learner seen, lowest accuracy first, a page of them


@dataclass(frozen=True)
class ExportRow:
    """One learner's evidence of one criterion from one source (pg.SOURCES)."""

    user_id: int
    source: str
    pack_id: str
    pack_title: str
    criterion_id: str
    criterion_text: str
    evidence: pg.Evidence


@dataclass(frozen=True)
class ReflectionExport:
    reflection: pg.ReflectionRow
    pack_title: str
    scenario_title: str
    criteria: tuple[str, ...]  # the criteria the role-play credits


@dataclass(frozen=True)
class CohortExport:
    rows: list[ExportRow]  # by learner, then pack, criterion (the pack's order) and source
    reflections: list[ReflectionExport]  # in full, oldest first

    @property
    def learners(self) -> int:
        return len({r.user_id for r in self.rows} | {r.reflection.user_id for r in self.reflections})


class ProgressService:
    def __init__(
        self,
        library: ContentLibrary,
        repo: ProgressRepo,
        answers: AnswerRepo,
        posts: PostRepo,
        guilds: GuildRepo,
        schedules: ScheduleRepo,
        myths: MythService,
        roleplays: RoleplayRepo,
    ) -> None:
        self._library = library
        self._repo = repo
        self._answers = answers
        self._posts = posts
        self._guilds = guilds
        self._schedules = schedules
        self._myths = myths
        self._roleplays = roleplays

    async def _tz(self, guild_id: int) -> str:
        return (await self._guilds.get(guild_id)).timezone

    # -- content lookups -------------------------------------------------------------------
    def _criteria_of(self, guild_id: int):
        """question id -> its (pack, criterion) pairs, from the content library."""
        cache: dict[str, tuple[pg.Criterion, ...]] = {}

        def criteria_of(question_id: str) -> tuple[pg.Criterion, ...]:
            if question_id not in cache:
                found = self._library.question(guild_id, question_id)
                cache[question_id] = tuple((found[1].pack, c) for c in found[0].criteria) if found else ()
            return cache[question_id]

        return criteria_of

    def _myth_criteria_of(self, guild_id: int):
        """myth id -> its (pack, criterion) pairs, from the content library."""
        cache: dict[str, tuple[pg.Criterion, ...]] = {}

        def criteria_of(myth_id: str) -> tuple[pg.Criterion, ...]:
            if myth_id not in cache:
                found = self._library.myth(guild_id, myth_id)
                cache[myth_id] = tuple((found[1].pack, c) for c in found[0].criteria) if found else ()
            return cache[myth_id]

        return criteria_of

    def _bounds(self, guild_id: int):
        """scenario id -> (its title, the most credit any path earns per criterion)."""
        cache: dict[str, tuple[str, dict[str, int]] | None] = {}

        def bounds(scenario_id: str) -> tuple[str, dict[str, int]] | None:
            if scenario_id not in cache:
                found = self._library.scenario(guild_id, scenario_id)
                cache[scenario_id] = (found[0].title, engine.max_credit(found[0])) if found else None
            return cache[scenario_id]

        return bounds

    def _best_of(self, guild_id: int):
        """scenario id -> what its best path earns per criterion (None: no longer in the packs)."""
        cache: dict[str, dict[str, int] | None] = {}

        def best_of(scenario_id: str) -> dict[str, int] | None:
            if scenario_id not in cache:
                found = self._library.scenario(guild_id, scenario_id)
                cache[scenario_id] = engine.best_credit(found[0]) if found else None
            return cache[scenario_id]

        return best_of

    def _criterion_order(self, guild_id: int, pack_ids: Iterable[str] = ()) -> list[tuple[str, str, str, str]]:
        """(pack id, pack title, criterion id, text) for every criterion of the server's
        enabled packs and of ``pack_ids``, pack by pack (as the library lists them), each
        pack's criteria in its own order."""
        wanted = set(pack_ids)
        packs = [
            p for p in self._library.all_packs(guild_id) if p.id in wanted or self._library.is_enabled(guild_id, p.id)
        ]
        return [(p.id, p.pack.title, c.id, c.text) for p in packs for c in p.pack.criteria]

    def _criterion_stat(self, guild_id: int, pack_id: str, cid: str, tally: pg.Tally) -> CriterionStat:
        loaded = self._library.pack(guild_id, pack_id)
        text = next((c.text for c in loaded.pack.criteria if c.id == cid), "") if loaded else ""
        return CriterionStat(pack_id, self._pack_title(guild_id, pack_id), cid, text, tally)

    def _every_criterion(
        self,
        guild_id: int,
        tallies: dict[pg.Criterion, pg.Tally],
        credit: dict[pg.Criterion, pg.Evidence],
    ) -> list[CriterionStat]:
        """Every criterion of the server's packs, tried or not (a pack answered or
        role-played but since disabled too), in the packs' order; a criterion no pack has
        now is left out."""
        return [
            CriterionStat(
                pack, title, cid, text, tallies.get((pack, cid), pg.Tally()), credit.get((pack, cid), pg.Evidence())
            )
            for pack, title, cid, text in self._criterion_order(
                guild_id, {p for p, _ in tallies} | {p for p, _ in credit}
            )
        ]

    def _pack_title(self, guild_id: int, pack_id: str) -> str:
        loaded = self._library.pack(guild_id, pack_id)
        return loaded.pack.title if loaded else pack_id

    # -- leaderboards ----------------------------------------------------------------------
    async def leaderboard(
        self, guild_id: int, caller_id: int, kind: str, pack_id: str | None, now: datetime
    ) -> LeaderboardView:
        if kind not in lb.PERIODS:
            raise UserError("Choose a period: week, month or all.")
        return await self._board(guild_id, caller_id, lb.period(kind, now, await self._tz(guild_id)), pack_id)

    async def weekly_board(self, guild_id: int, caller_id: int, post_id: int) -> LeaderboardView:
        """The board of a weekly leaderboard post ("Where am I?")."""
        post = await self._posts.get(post_id)
        if post is None or post.guild_id != guild_id or post.kind != "weekly":
            raise UserError("I cannot find that leaderboard.")
        return await self.leaderboard_for(guild_id, caller_id, post.item_id)

    async def leaderboard_for(self, guild_id: int, caller_id: int, period_key: str) -> LeaderboardView:
        """A board for a stored period key (the weekly post's week)."""
        try:
            period = lb.period_from_key(period_key, await self._tz(guild_id))
        except ValueError:
            raise UserError("That leaderboard is no longer available.") from None
        return await self._board(guild_id, caller_id, period, None)

    async def _board(self, guild_id: int, caller_id: int, period: lb.Period, pack_id: str | None) -> LeaderboardView:
        hidden = await self._repo.hidden(guild_id)
        if pack_id:
            if self._library.pack(guild_id, pack_id) is None:
                raise UserError(f"There is no pack `{pack_id}` here. `/content list` shows the pack ids.")
            top, me, size, mine = await self._repo.pack_ranked(
                guild_id, pack_id, period.start, period.end, caller_id, lb.TOP
            )
        else:  # the maintained totals, ranked by their index
            top, me, size = await self._repo.ranked(guild_id, period.key, caller_id, lb.TOP)
            mine = (await self._repo.user_totals(guild_id, caller_id, (period.key,))).get(period.key, 0)
        board = lb.Board([lb.Ranked(*r) for r in top], lb.Ranked(*me) if me else None, size)
        return LeaderboardView(
            period, self._pack_title(guild_id, pack_id) if pack_id else None, board, caller_id in hidden, mine
        )

    async def set_hidden(self, guild_id: int, user_id: int, hidden: bool) -> None:
        await self._repo.set_hidden(guild_id, user_id, hidden)

    # -- the weekly top three --------------------------------------------------------------
    async def claim_weekly(self, now: datetime) -> list[Post]:
        """At the turn of the week (Monday 00:00 in the server's zone, up to a day late),
        claim the post of last week's top three in the daily channel; a week is claimed
        once (the posts table's unique slot), and not at all if nobody scored."""
        claimed = []
        for s in await self._schedules.all_active():
            tz = await self._tz(s.guild_id)
            if now - week_start(now, tz) > WEEKLY_CATCH_UP:
                continue
            week = lb.last_week(now, tz)
            if await self._posts.find(s.guild_id, "weekly", week.key) or not await self.weekly_top(
                s.guild_id, week.key
            ):
                continue
            post = await self._posts.claim(s.guild_id, "weekly", week.key, week.key, s.channel_id, now)
            if post:
                claimed.append(post)
        return claimed

    async def next_weekly(self, now: datetime) -> datetime | None:
        turns = [lb.next_week_turn(now, await self._tz(s.guild_id)) for s in await self._schedules.all_active()]
        return min(turns, default=None)

    async def weekly_top(self, guild_id: int, period_key: str) -> list[lb.Ranked]:
        top, _, _ = await self._repo.ranked(guild_id, period_key, None, WEEKLY_TOP)
        return [lb.Ranked(*r) for r in top]

    async def weekly_standings(self, post: Post) -> tuple[str, list[lb.Ranked]]:
        """What a weekly post shows: the week's label and its top three."""
        period = lb.period_from_key(post.item_id, await self._tz(post.guild_id), name="last week")
        return period.label, await self.weekly_top(post.guild_id, post.item_id)

    async def weekly_sent(self, post: Post, now: datetime) -> list[Post]:
        """Nothing to answer or reveal on a weekly post: it closes as soon as it is sent."""
        return [post]

    # -- a learner's stats -----------------------------------------------------------------
    async def stats(self, guild_id: int, user_id: int, now: datetime) -> Stats:
        rows = await self._repo.user_answers(guild_id, user_id)
        played = await self._repo.user_finished_roleplays(guild_id, user_id)
        best_of = self._best_of(guild_id)
        criteria = self._every_criterion(
            guild_id, pg.by_criterion(rows, self._criteria_of(guild_id)), pg.roleplay_credit(played, best_of)
        )
        order = {pack: i for i, pack in enumerate(dict.fromkeys(c.pack_id for c in criteria))}
        answered, roleplayed = pg.by_pack(rows), pg.roleplay_by_pack(played, best_of)
        packs = sorted(
            (
                PackStat(
                    p, self._pack_title(guild_id, p), answered.get(p, pg.Tally()), roleplayed.get(p, pg.Evidence())
                )
                for p in answered.keys() | roleplayed.keys()
            ),
            key=lambda p: (order.get(p.pack_id, len(order)), p.pack_id),
        )
        week = pts.week_key(now, await self._tz(guild_id))
        totals = await self._repo.user_totals(guild_id, user_id, ("all", week))
        run, posts = await self._answers.streak_run(guild_id, user_id)
        return Stats(
            user_id=user_id,
            overall=pg.overall(rows),
            packs=packs,
            criteria=criteria,
            streak=st.shown(run, st.scheduled(posts)),
            cards_due=await self._answers.due_count(guild_id, user_id, now),
            misconceptions=await self._myths.open_misconceptions(guild_id, user_id),
            roleplays_completed=await self._roleplays.completed(guild_id, user_id),
            points_all=totals.get("all", 0),
            points_week=totals.get(week, 0),
            hidden=user_id in await self._repo.hidden(guild_id),
        )

    # -- tutors ----------------------------------------------------------------------------
    async def cohort_report(self, guild_id: int, days: int, now: datetime, page: int = 1) -> Report:
        """The cohort over the last ``days``; ``page`` of its learners (LEARNERS_PAGE a page)."""
        since = now - timedelta(days=days)
        rows = await self._repo.answers_since(guild_id, since)
        weakest = [
            self._criterion_stat(guild_id, pack, cid, t)
            for (pack, cid), t in pg.weakest(pg.by_criterion(rows, self._criteria_of(guild_id)), REPORT_LIMIT)
        ]
        misconceptions = []
        for myth_id, learners in await self._myths.cohort_misconceptions(guild_id, REPORT_LIMIT):
            found = self._library.myth(guild_id, myth_id)
            misconceptions.append((found[0].statement if found else myth_id, learners))
        last_activity = await self._repo.last_activity(guild_id)
        return Report(
            days,
            since,
            pg.participation(last_activity, since),
            len(rows),
            [self._hard(guild_id, h) for h in pg.hardest(rows, REPORT_LIMIT)],
            weakest,
            misconceptions,
            await self._learners(guild_id, rows, last_activity, page),
        )

    async def _learners(
        self, guild_id: int, rows: list[pg.AnswerRow], seen: dict[int, datetime], page: int
    ) -> pg.Page[LearnerLine]:
        """A page of every learner seen, lowest accuracy in the period first; the streak,
        role-plays and misconceptions are read for that page's learners only."""
        tallies = pg.tally_by(rows, lambda r: (r.user_id,))
        shown = pg.page_of(pg.attention_order(seen, tallies), page, LEARNERS_PAGE)
        lines = []
        for user_id in shown.items:
            run, posts = await self._answers.streak_run(guild_id, user_id)
            lines.append(
                LearnerLine(
                    user_id,
                    tallies.get(user_id, pg.Tally()),
                    st.shown(run, st.scheduled(posts)),
                    await self._roleplays.completed(guild_id, user_id),
                    len(await self._myths.open_misconceptions(guild_id, user_id)),
                )
            )
        return pg.Page(shown.number, shown.pages, shown.size, shown.total, lines)

    def _hard(self, guild_id: int, h: pg.Hardest) -> HardQuestion:
        found = self._library.question(guild_id, h.question_id)
        if found is None:
            return HardQuestion(h.question_id, h.question_id, h.pack_id, h.tally, None, h.common_wrong_count)
        q, pack = found
        wrong = None
        if h.common_wrong is not None:
            choice = from_json(h.common_wrong)
            try:
                grade(q, choice)
                wrong = option_text(q, choice)
            except InvalidChoice:
                wrong = "an answer that no longer fits the question"
        return HardQuestion(q.id, q.prompt, pack.title, h.tally, wrong, h.common_wrong_count)

    async def cohort_export(self, guild_id: int) -> CohortExport:
        """Portfolio evidence: one row per learner, criterion and source (question answers,
        myth answers, finished role-plays scored against the criteria, challenge
        reflections), and every reflection in full."""
        bounds = self._bounds(guild_id)
        reflections = await self._repo.reflections(guild_id)
        found = pg.evidence(
            [
                *pg.question_pieces(await self._repo.answers_since(guild_id, None), self._criteria_of(guild_id)),
                *pg.myth_pieces(await self._repo.myth_answers(guild_id), self._myth_criteria_of(guild_id)),
                *pg.roleplay_pieces(await self._repo.finished_roleplays(guild_id), bounds),
                *pg.reflection_pieces(reflections, bounds),
            ]
        )
        criteria = self._criterion_order(guild_id, {k[1] for k in found})
        order = {(p, c): i for i, (p, _, c, _) in enumerate(criteria)}
        texts = {(p, c): (title, text) for p, title, c, text in criteria}
        rows = []
        for (user, pack, cid, source), ev in found.items():
            title, text = texts.get((pack, cid), (self._pack_title(guild_id, pack), ""))
            rows.append(ExportRow(user, source, pack, title, cid, text, ev))
        rows.sort(
            key=lambda r: (
                r.user_id,
                order.get((r.pack_id, r.criterion_id), len(order)),
                r.pack_id,
                r.criterion_id,
                pg.SOURCES.index(r.source),
            )
        )
        full = []
        for r in reflections:
            title, most = bounds(r.scenario_id) or (r.scenario_id, {})
            credited = sorted((c for c, m in most.items() if m > 0), key=lambda c: order.get((r.pack_id, c), 0))
            full.append(ReflectionExport(r, self._pack_title(guild_id, r.pack_id), title, tuple(credited)))
        return CohortExport(rows, full)

    # -- each learner's data ---------------------------------------------------------------
    async def export_user(self, user_id: int, now: datetime) -> dict:
        return {
            "user_id": user_id,
            "exported_at": now.isoformat(),
            "about": "Every row this bot stores about you, table by table, in every server it serves.",
            "tables": await self._repo.export_user(user_id),
        }

    async def delete_user(self, user_id: int) -> dict[str, int]:
        """Delete every row about the learner in one transaction; rows deleted per table."""
        return await self._repo.delete_user(user_id)
