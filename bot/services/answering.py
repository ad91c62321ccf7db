"""Answering a question: from a cohort post (points, streak) or in practice (no points)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, partial
from types import ModuleType
from typing import cast

from bot.domain import points as pts
from bot.domain.errors import UserError
from bot.domain.questions import Choice, EmptyAnswer, Grade, InvalidChoice, Order, grade, option_order
from bot.domain.records import Post
from bot.domain.streaks import Streak, counts_for_streak
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Question
from bot.services.recording import Click, Verdict, answered, click_recorder, record_practice
from bot.store.answers import AnswerRepo
from bot.store.posts import PostRepo

NO_POST = "I cannot find that question post."
GONE = "This question is no longer available: its pack was removed or changed. Try `/quiz` for another one."
EMPTY = (
    "Type your answer in words or numbers: punctuation, emoji and spaces alone are not an answer. "
    "Nothing was saved, so you can try again."
)


@dataclass(slots=True)
class Feedback:
    question: Question
    pack: Pack
    choice: Choice
    grade: Grade
    source: str  # daily | quiz | revise
    points: int = 0
    streak: Streak | None = None
    due_count: int = 0
    already_answered: bool = False  # a second click: ``choice`` is the first answer
    closed: bool = False  # the post had closed: no points, nothing recorded
    order: Order = ()  # the order the options were shown in (the letters the learner saw)
    by_hand: bool = False  # a cohort post a tutor sent by hand: it does not count towards streaks


@dataclass(slots=True)
class Revision:
    due: list[tuple[Question, Pack]]  # most overdue first
    next_due: datetime | None  # when nothing is due: when the next card falls due (None: no cards)


def to_json(choice: Choice) -> object:
    """A choice as JSON holds it: a list for a tuple; an index, a bool or the typed text as it is."""
    return list(choice) if isinstance(choice, tuple) else choice


def from_json(value: object) -> Choice:
    """The inverse of ``to_json``: ``value`` is a choice as ``encode`` stored it."""
    return tuple(value) if isinstance(value, list) else cast(Choice, value)


@lru_cache(maxsize=1024)
def encode(choice: Choice) -> str:
    """A choice as stored (JSON); a burst repeats the same few choices."""
    return json.dumps(to_json(choice))


@lru_cache(maxsize=1024)
def decode(text: str) -> Choice:
    return from_json(json.loads(text))


@dataclass(slots=True)
class DailyVerdict(Verdict):
    question: Question
    pack: Pack
    grade: Grade
    order: Order
    scheduled: bool  # the post was sent on the schedule (only those count towards streaks)


def post_order(q: Question, post: Post) -> Order:
    """The order a cohort post shows ``q``'s options in: seeded by the post, so everyone,
    the reveal and every restart see the same letters (posts from before shuffling: as written)."""
    return option_order(q, str(post.id) if post.shuffled else None)


class AnswerService:
    def __init__(self, library: ContentLibrary, answers: AnswerRepo, posts: PostRepo) -> None:
        self._library = library
        self._answers = answers
        self._posts = posts
        self._record_click = click_recorder(answers, self._judge)

    # -- the question a button is about ---------------------------------------------------
    async def post_question(self, guild_id: int, post_id: int) -> tuple[Question, Pack]:
        """The question of a daily post in this server."""
        post = await self._posts.get(post_id)
        if post is None or post.guild_id != guild_id or post.kind != "daily":
            raise UserError(NO_POST)
        return self._question(guild_id, post.item_id)

    def practice_question(self, guild_id: int, question_id: str) -> tuple[Question, Pack]:
        return self._question(guild_id, question_id)

    def pick_practice(
        self, guild_id: int, pack_id: str | None, rng: random.Random | ModuleType
    ) -> tuple[Question, Pack]:
        """A question for /quiz: any in the server's enabled packs, or in one of them."""
        packs = [p for p in self._library.packs(guild_id) if pack_id in (None, p.id)]
        if not packs:
            raise UserError(
                f"There is no enabled pack `{pack_id}`. `/content list` shows the packs."
                if pack_id
                else "No content packs are enabled in this server."
            )
        pool = [(q, p.pack) for p in packs for q in p.pack.questions]
        if not pool:
            raise UserError("That pack has no questions.")
        return rng.choice(pool)

    async def revision(self, guild_id: int, user_id: int, now: datetime) -> Revision:
        """The learner's revision cards due now whose questions are still in the packs."""
        due = [
            found
            for qid in await self._answers.due_cards(guild_id, user_id, now)
            if (found := self._library.question(guild_id, qid)) is not None
        ]
        return Revision(due, None if due else await self._answers.next_due(guild_id, user_id))

    def _question(self, guild_id: int, question_id: str) -> tuple[Question, Pack]:
        found = self._library.question(guild_id, question_id)
        if found is None:
            raise UserError(GONE)
        return found

    @staticmethod
    def _grade(q: Question, choice: Choice) -> Grade:
        try:
            return grade(q, choice)
        except EmptyAnswer:
            raise UserError(EMPTY) from None
        except InvalidChoice:
            raise UserError("That answer does not fit this question (the button may be out of date).") from None

    async def answer_post(self, guild_id: int, user_id: int, post_id: int, choice: Choice, now: datetime) -> Feedback:
        if not 0 < post_id < 2**63:  # a tampered custom_id may carry any number; SQLite's are 64-bit
            raise UserError(NO_POST)
        # Everything (the post, an earlier answer, the time zone, the writes) happens in one
        # write shared with the clicks that arrive in the same moment.
        rec = await self._record_click(Click(guild_id, user_id, post_id, encode(choice), now))
        v = rec.verdict
        # Every result for a click on a post carries the verdict of its standing answer,
        # and the judge deciding it is _judge, which returns a DailyVerdict.
        assert isinstance(v, DailyVerdict)
        standing = decode(rec.choice)
        if rec.closed:
            return Feedback(v.question, v.pack, standing, v.grade, "daily", closed=True, order=v.order)
        if not rec.first:  # a second click, or a concurrent one got there first
            return Feedback(v.question, v.pack, standing, v.grade, "daily", already_answered=True, order=v.order)
        return Feedback(
            v.question,
            v.pack,
            standing,
            v.grade,
            "daily",
            rec.points,
            rec.streak,
            rec.due_count,
            order=v.order,
            by_hand=not v.scheduled,
        )

    def _judge(self, post: Post | None, guild_id: int, choice: str) -> DailyVerdict:
        """What a choice on a daily post is worth (runs inside the write: quick, no reads)."""
        if post is None or post.guild_id != guild_id or post.kind != "daily":
            raise UserError(NO_POST)
        q, pack = self._question(guild_id, post.item_id)
        g = self._grade(q, decode(choice))
        return DailyVerdict(
            q.id,
            pack.pack,
            g.correct,
            g.misconceptions,
            pts.daily_points(g.correct),
            "daily question: right" if g.correct else "daily question: taking part",
            q,
            pack,
            g,
            post_order(q, post),
            counts_for_streak(post.slot),
        )

    async def answer_practice(
        self,
        guild_id: int,
        user_id: int,
        question_id: str,
        source: str,
        choice: Choice,
        now: datetime,
        seed: str | None = None,
    ) -> Feedback:
        """A practice answer; ``seed`` is the serve's shuffle token (the letters shown)."""
        q, pack = self._question(guild_id, question_id)
        g = self._grade(q, choice)
        answer = answered(
            guild_id, user_id, q.id, pack.pack, source, None, encode(choice), g.correct, now, g.misconceptions
        )
        due = await self._answers.write(partial(record_practice, answer=answer))
        return Feedback(q, pack, choice, g, source, due_count=due, order=option_order(q, seed))
