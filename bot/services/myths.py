"""Myth-busting: a learner's own cards, cohort myth posts, and the weekly myth."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import points as pts
from bot.domain.errors import UserError
from bot.domain.myths import Split, pick_myth, split
from bot.domain.records import Award, Post
from bot.domain.schedule import due_slot, next_slot, parse_time
from bot.packs.library import ContentLibrary
from bot.packs.schema import Myth, Pack
from bot.store.guilds import GuildRepo
from bot.store.myths import MythRepo
from bot.store.posts import PostRepo
from bot.store.schedules import ScheduleRepo

DEFAULT_POST_HOURS = 24
CATCH_UP = timedelta(hours=3)


@dataclass(frozen=True)
class MythFeedback:
    myth: Myth
    pack: Pack
    verdict: str  # what the learner said
    correct: bool
    points: int = 0
    cleared: bool = False  # a misconception they had shown is now busted
    already_answered: bool = False
    closed: bool = False
    cohort: bool = False  # from a cohort post


class MythService:
    def __init__(
        self, library: ContentLibrary, repo: MythRepo, posts: PostRepo, guilds: GuildRepo, schedules: ScheduleRepo
    ) -> None:
        self._library = library
        self._repo = repo
        self._posts = posts
        self._guilds = guilds
        self._schedules = schedules

    def _myth(self, guild_id: int, myth_id: str) -> tuple[Myth, Pack]:
        found = self._library.myth(guild_id, myth_id)
        if found is None:
            raise UserError("That myth card is no longer available: its pack was removed or changed.")
        return found

    def _pool(self, guild_id: int, pack_id: str | None) -> list[str]:
        packs = [p for p in self._library.packs(guild_id) if pack_id in (None, p.id)]
        if pack_id and not packs:
            raise UserError(f"There is no enabled pack `{pack_id}`. `/content list` shows the packs.")
        pool = [m.id for p in packs for m in p.pack.myths]
        if not pool:
            raise UserError("There are no myth cards in the enabled packs.")
        return pool

    async def draw(self, guild_id: int, user_id: int, pack_id: str | None) -> tuple[Myth, Pack]:
        """A card for this learner; myths they have busted come up less often."""
        busted = await self._repo.busted(guild_id, user_id)
        myth_id = pick_myth(self._pool(guild_id, pack_id), busted, random.Random())
        if myth_id is None:  # an empty pool: _pool has refused it already, with this message
            raise UserError("There are no myth cards in the enabled packs.")
        return self._myth(guild_id, myth_id)

    async def answer_card(self, guild_id: int, user_id: int, myth_id: str, verdict: str, now: datetime) -> MythFeedback:
        myth, pack = self._myth(guild_id, myth_id)
        correct = verdict == myth.verdict
        rec = await self._repo.record(
            guild_id, user_id, myth.id, pack.pack, None, verdict, correct, now, None, bust=correct
        )  # a right answer busts the misconception, if the learner had shown it
        return MythFeedback(myth, pack, verdict, correct, cleared=rec.cleared)

    async def answer_post(self, guild_id: int, user_id: int, post_id: int, verdict: str, now: datetime) -> MythFeedback:
        post = await self._posts.get(post_id)
        if post is None or post.guild_id != guild_id or post.kind != "myth":
            raise UserError("I cannot find that myth post.")
        myth, pack = self._myth(guild_id, post.item_id)
        previous = await self._repo.previous(post_id, user_id)
        if previous is not None:
            return MythFeedback(myth, pack, previous, previous == myth.verdict, already_answered=True, cohort=True)
        correct = verdict == myth.verdict
        if post.closed_at_time(now):
            return MythFeedback(myth, pack, verdict, correct, closed=True, cohort=True)
        tz = (await self._guilds.get(guild_id)).timezone
        award = Award(
            guild_id,
            user_id,
            "myth_post",
            f"post:{post_id}",
            pts.myth_post_points(correct),
            "myth post: right" if correct else "myth post: taking part",
            pts.periods(now, tz),
            pack.pack,
        )
        rec = await self._repo.record(
            guild_id, user_id, myth.id, pack.pack, post_id, verdict, correct, now, award, bust=correct
        )
        if not rec.first:
            # Not recorded: the learner's answer to this post stands, and a kept answer has a
            # verdict (myth_answers.verdict is NOT NULL).
            assert rec.previous_verdict is not None
            return MythFeedback(
                myth,
                pack,
                rec.previous_verdict,
                rec.previous_verdict == myth.verdict,
                already_answered=True,
                cohort=True,
            )
        return MythFeedback(myth, pack, verdict, correct, rec.points, rec.cleared, cohort=True)

    # -- cohort posts ----------------------------------------------------------------------
    async def claim_post(
        self, guild_id: int, channel_id: int, pack_id: str | None, hours: int, now: datetime, slot: str | None = None
    ) -> Post | None:
        history = set(await self._posts.item_history(guild_id, "myth"))
        pool = self._pool(guild_id, pack_id)
        fresh = [m for m in pool if m not in history] or pool
        myth_id = random.Random(f"{guild_id}:{slot or len(history)}").choice(sorted(fresh))
        slot = slot or await self._posts.next_manual_slot(guild_id, "myth")
        return await self._posts.claim(
            guild_id, "myth", slot, myth_id, channel_id, now, closes_at=now + timedelta(hours=hours)
        )

    async def claim_due(self, now: datetime) -> list[Post]:
        """The weekly myth post, on the schedule's myth day at the daily time."""
        claimed = []
        for s in await self._schedules.all_active():
            if s.myth_day is None:
                continue
            slot = due_slot(now, parse_time(s.local_time), s.timezone, frozenset({s.myth_day}), CATCH_UP)
            if slot is None or await self._posts.find(s.guild_id, "myth", slot.key):
                continue
            try:
                post = await self.claim_post(s.guild_id, s.channel_id, None, DEFAULT_POST_HOURS, now, slot=slot.key)
            except UserError:
                continue  # no myths in the enabled packs: nothing to post
            if post:
                claimed.append(post)
        return claimed

    async def next_due(self, now: datetime) -> datetime | None:
        slots = [
            next_slot(now, parse_time(s.local_time), s.timezone, frozenset({s.myth_day}))
            for s in await self._schedules.all_active()
            if s.myth_day is not None
        ]
        return min((slot.due for slot in slots if slot), default=None)

    async def set_weekly(self, guild_id: int, day: int | None, now: datetime) -> None:
        s = await self._schedules.get(guild_id)
        if s is None:
            raise UserError("The weekly myth is posted with the daily question: set that up first with `/daily setup`.")
        await self._schedules.save(s.with_(myth_day=day), now)

    async def reveal(self, post: Post) -> tuple[Myth, Pack, Split] | None:
        found = self._library.myth(post.guild_id, post.item_id)
        if found is None:
            return None
        return found[0], found[1], split(await self._repo.post_verdicts(post.id))

    async def cohort_misconceptions(self, guild_id: int, limit: int) -> list[tuple[str, int]]:
        """(myth id, learners holding it) across the server, most common first."""
        return await self._repo.cohort_open_misconceptions(guild_id, limit)

    async def open_misconceptions(self, guild_id: int, user_id: int) -> list[tuple[Myth, int]]:
        out = []
        for myth_id, times in await self._repo.open_misconceptions(guild_id, user_id):
            found = self._library.myth(guild_id, myth_id)
            if found:
                out.append((found[0], times))
        return out
