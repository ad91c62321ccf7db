"""Answering a question: from a cohort post (points, streak) or in practice (no points)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime

from bot.domain import points as pts
from bot.domain.errors import UserError
from bot.domain.questions import Choice, Grade, InvalidChoice, Order, grade, option_order
from bot.domain.streaks import Streak
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Question
from bot.store.answers import AnswerRepo, Click, NewAnswer, Verdict
from bot.store.posts import Post

NO_POST = "I cannot find that question post."
GONE = "This question is no longer available: its pack was removed or changed. Try `/quiz` for another one."


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


def to_json(choice: Choice) -> object:
    return list(choice) if isinstance(choice, tuple) else choice


def from_json(value: object) -> Choice:
    return tuple(value) if isinstance(value, list) else value


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


def post_order(q: Question, post: Post) -> Order:
    """The order a cohort post shows ``q``'s options in: seeded by the post, so everyone,
    the reveal and every restart see the same letters (posts from before shuffling: as written)."""
    return option_order(q, str(post.id) if post.shuffled else None)


class AnswerService:
    def __init__(self, library: ContentLibrary, answers: AnswerRepo) -> None:
        self.library = library
        self.answers = answers
        self._record_click = answers.click_recorder(self._judge)

    def _question(self, guild_id: int, question_id: str) -> tuple[Question, Pack]:
        found = self.library.question(guild_id, question_id)
        if found is None:
            raise UserError(GONE)
        return found

    @staticmethod
    def _grade(q: Question, choice: Choice) -> Grade:
        try:
            return grade(q, choice)
        except InvalidChoice:
            raise UserError("That answer does not fit this question (the button may be out of date).") from None

    async def answer_post(self, guild_id: int, user_id: int, post_id: int, choice: Choice, now: datetime) -> Feedback:
        if not 0 < post_id < 2**63:  # a tampered custom_id may carry any number; SQLite's are 64-bit
            raise UserError(NO_POST)
        # Everything (the post, an earlier answer, the time zone, the writes) happens in one
        # write shared with the clicks that arrive in the same moment.
        rec = await self._record_click(Click(guild_id, user_id, post_id, encode(choice), now))
        v: DailyVerdict = rec.verdict
        standing = decode(rec.choice)
        if rec.closed:
            return Feedback(v.question, v.pack, standing, v.grade, "daily", closed=True, order=v.order)
        if not rec.first:  # a second click, or a concurrent one got there first
            return Feedback(v.question, v.pack, standing, v.grade, "daily", already_answered=True, order=v.order)
        return Feedback(v.question, v.pack, standing, v.grade, "daily", rec.points, rec.streak, rec.due_count,
                        order=v.order)

    def _judge(self, post: Post | None, guild_id: int, choice: str) -> DailyVerdict:
        """What a choice on a daily post is worth (runs inside the write: quick, no reads)."""
        if post is None or post.guild_id != guild_id or post.kind != "daily":
            raise UserError(NO_POST)
        q, pack = self._question(guild_id, post.item_id)
        g = self._grade(q, decode(choice))
        return DailyVerdict(q.id, pack.pack, g.correct, g.misconceptions, pts.daily_points(g.correct),
                            "daily question: right" if g.correct else "daily question: taking part", q, pack, g,
                            post_order(q, post))

    async def answer_practice(self, guild_id: int, user_id: int, question_id: str, source: str,
                              choice: Choice, now: datetime, seed: str | None = None) -> Feedback:
        """A practice answer; ``seed`` is the serve's shuffle token (the letters shown)."""
        q, pack = self._question(guild_id, question_id)
        g = self._grade(q, choice)
        recorded = await self.answers.record(
            NewAnswer(guild_id, user_id, q.id, pack.pack, source, None, to_json(choice), g.correct, g.misconceptions),
            now)
        return Feedback(q, pack, choice, g, source, due_count=recorded.due_count, order=option_order(q, seed))
