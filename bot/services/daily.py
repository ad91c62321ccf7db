"""Daily questions: the schedule, what is due, choosing the question, closing posts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import UserError
from bot.domain.questions import Order, PoolItem, Tally, pick_question, tally
from bot.domain.records import Post, Schedule
from bot.domain.schedule import (
    ScheduleError,
    Slot,
    due_slot,
    format_days,
    is_valid_timezone,
    next_slot,
    parse_days,
    parse_time,
)
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Question
from bot.services.answering import from_json, post_order
from bot.store.answers import AnswerRepo
from bot.store.guilds import GuildRepo
from bot.store.posts import PostRepo
from bot.store.schedules import ScheduleRepo

CATCH_UP = timedelta(hours=3)  # a post missed while the bot was down is made this late at most
MAX_ANSWER_HOURS = 72


@dataclass(frozen=True)
class Status:
    schedule: Schedule | None
    next: Slot | None
    pack_titles: tuple[str, ...] = ()  # the schedule's packs by title (empty: every enabled pack)

    def describe(self) -> str:
        s = self.schedule
        if s is None:
            return "No daily question is set up. A tutor can start one with `/daily setup`."
        packs = ", ".join(f"**{t}**" for t in self.pack_titles) or "every enabled pack"
        closes = f"{s.answer_hours} h after posting" if s.answer_hours else "when the next question is posted"
        lines = [
            f"Channel: <#{s.channel_id}>",
            f"Time: **{s.local_time}** {s.timezone}, {format_days(s.days)}",
            f"Packs: {packs}",
            f"Answers close: {closes}",
        ]
        if s.paused:
            lines.append("⏸️ **Paused**: `/daily resume` starts it again.")
        elif self.next:
            lines.append(f"Next question: <t:{int(self.next.due.timestamp())}:F>")
        return "\n".join(lines)


@dataclass(frozen=True)
class LivePost:
    """What an open daily post shows: its question, when answers close, how many so far."""

    question: Question
    pack: Pack
    order: Order
    closes_at: datetime | None  # the post's deadline, or when the next scheduled question is due
    with_next: bool  # answers close when the next question is posted (None closes_at: none is scheduled)
    answers: int


class DailyService:
    def __init__(
        self, library: ContentLibrary, schedules: ScheduleRepo, posts: PostRepo, answers: AnswerRepo, guilds: GuildRepo
    ) -> None:
        self._library = library
        self._schedules = schedules
        self._posts = posts
        self._answers = answers
        self._guilds = guilds

    # -- the tutor's side -----------------------------------------------------------------
    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        time_text: str,
        timezone: str,
        days_text: str | None,
        packs_text: str | None,
        answer_hours: int | None,
        now: datetime,
    ) -> Status:
        try:
            at = parse_time(time_text)
            days = parse_days(days_text or "mon-fri")
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        if not is_valid_timezone(timezone):
            raise UserError(f"`{timezone}` is not a time zone I know: pick one from the list, like `Europe/London`.")
        packs = tuple(dict.fromkeys(p.strip() for p in (packs_text or "").replace(" ", ",").split(",") if p.strip()))
        known = {p.id for p in self._library.packs(guild_id)}
        unknown = [p for p in packs if p not in known]
        if unknown:
            raise UserError(
                f"Unknown or disabled {'pack' if len(unknown) == 1 else 'packs'}: "
                f"{', '.join(f'`{p}`' for p in unknown)}. "
                f"`/content list` shows the pack ids."
            )
        if answer_hours is not None and not 1 <= answer_hours <= MAX_ANSWER_HOURS:
            raise UserError(f"`answer_hours` must be between 1 and {MAX_ANSWER_HOURS}.")
        if not self._pool(guild_id, packs):
            raise UserError("Those packs have no questions. Pick other packs or upload one with `/content upload`.")
        old = await self._schedules.get(guild_id)
        schedule = Schedule(
            guild_id,
            channel_id,
            at.strftime("%H:%M"),
            timezone,
            days,
            packs,
            paused=old.paused if old else False,
            answer_hours=answer_hours,
            myth_day=old.myth_day if old else None,
        )
        await self._schedules.save(schedule, now)
        await self._guilds.set_timezone(guild_id, timezone)
        return await self.status(guild_id, now)

    async def status(self, guild_id: int, now: datetime) -> Status:
        s = await self._schedules.get(guild_id)
        if s is None:
            return Status(None, None)
        titles = tuple(found.pack.title if (found := self._library.pack(guild_id, p)) else p for p in s.packs)
        return Status(s, next_slot(now, parse_time(s.local_time), s.timezone, s.days), titles)

    async def set_paused(self, guild_id: int, paused: bool, now: datetime) -> Status:
        s = await self._schedules.get(guild_id)
        if s is None:
            raise UserError("There is no daily question to pause or resume yet: set one up with `/daily setup`.")
        await self._schedules.save(s.with_(paused=paused), now)
        return await self.status(guild_id, now)

    # -- what to post ---------------------------------------------------------------------
    def _pool(self, guild_id: int, packs: tuple[str, ...]) -> list[PoolItem]:
        return [
            PoolItem(q.id, lp.id, q.kind)
            for lp in self._library.packs(guild_id)
            if not packs or lp.id in packs
            for q in lp.pack.questions
        ]

    def _schedule_pool(self, s: Schedule) -> list[PoolItem]:
        """What the schedule draws from: its packs, or every enabled pack if those hold none."""
        return self._pool(s.guild_id, s.packs) or self._pool(s.guild_id, ())

    async def _claim(self, s: Schedule, slot: str, now: datetime) -> Post | None:
        pool = self._schedule_pool(s)
        history = await self._posts.item_history(s.guild_id, "daily")
        choice = pick_question(pool, history, random.Random(f"{s.guild_id}:{slot}"))
        if choice is None:
            return None
        closes_at = now + timedelta(hours=s.answer_hours) if s.answer_hours else None
        return await self._posts.claim(s.guild_id, "daily", slot, choice.question_id, s.channel_id, now, closes_at)

    async def claim_due(self, now: datetime) -> list[Post]:
        """Claim today's post for every server whose time has come (within the catch-up
        window). A slot already claimed is never claimed again."""
        claimed = []
        for s in await self._schedules.all_active():
            slot = due_slot(now, parse_time(s.local_time), s.timezone, s.days, CATCH_UP)
            if slot is None or await self._posts.find(s.guild_id, "daily", slot.key):
                continue
            post = await self._claim(s, slot.key, now)
            if post:
                claimed.append(post)
        return claimed

    async def next_due(self, now: datetime) -> datetime | None:
        """When the next scheduled post falls due, across every server."""
        slots = [
            next_slot(now, parse_time(s.local_time), s.timezone, s.days) for s in await self._schedules.all_active()
        ]
        return min((slot.due for slot in slots if slot), default=None)

    async def claim_now(self, guild_id: int, now: datetime) -> Post:
        """`/daily post`: the next question, now, outside the schedule."""
        s = await self._schedules.get(guild_id)
        if s is None:
            raise UserError("Set up the daily question first with `/daily setup`.")
        slot = await self._posts.next_manual_slot(guild_id, "daily")
        if not self._schedule_pool(s):
            raise UserError("There are no questions to post: enable a pack with `/content enable`.")
        post = await self._claim(s, slot, now)
        if post is None:  # another /daily post took the same manual slot at the same moment
            raise UserError("Another daily question was being posted at the same moment. Please try again.")
        return post

    def question_for(self, post: Post) -> tuple[Question, Pack, Order] | None:
        """The post's question, its pack, and the order the post shows its options in."""
        found = self._library.question(post.guild_id, post.item_id)
        return (*found, post_order(found[0], post)) if found else None

    async def post(self, post_id: int) -> Post | None:
        """A daily post as it stands now (None: no such daily post)."""
        post = await self._posts.get(post_id)
        return post if post is not None and post.kind == "daily" else None

    async def open_posts(self, guild_id: int) -> list[Post]:
        return await self._posts.open_posts(guild_id, "daily")

    async def live(self, post: Post, now: datetime) -> LivePost | None:
        """What the open post shows at ``now``; None if its question is gone. A post with no
        deadline closes when the next question goes out: its close time is when the next
        scheduled one is due (none while the schedule is paused)."""
        found = self.question_for(post)
        if found is None:
            return None
        closes_at = post.closes_at
        if closes_at is None:
            s = await self._schedules.get(post.guild_id)
            slot = next_slot(now, parse_time(s.local_time), s.timezone, s.days) if s and not s.paused else None
            closes_at = slot.due if slot else None
        return LivePost(*found, closes_at, post.closes_at is None, await self.answer_count(post))

    async def answer_count(self, post: Post) -> int:
        """How many learners have answered the post so far."""
        return await self._answers.answer_count(post.id)

    async def after_sent(self, post: Post, now: datetime) -> list[Post]:
        """The daily posts that close because this one went out: those without a deadline of
        their own (a post with one closes then, as it says on the post, whatever the
        schedule says now)."""
        return [
            p for p in await self._posts.open_posts(post.guild_id, "daily") if p.id != post.id and p.closes_at is None
        ]

    async def reveal(self, post: Post) -> tuple[Question, Pack, Tally, Order] | None:
        found = self.question_for(post)
        if found is None:
            return None
        q, pack, order = found
        return q, pack, tally(q, [from_json(c) for c in await self._answers.post_choices(post.id)], order), order
