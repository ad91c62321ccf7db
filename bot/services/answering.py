"""Answering a question: from a cohort post (points, streak) or in practice (no points)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import points as pts
from bot.domain import srs
from bot.domain.errors import UserError
from bot.domain.questions import Choice, Grade, InvalidChoice, grade
from bot.domain.streaks import Streak, streak
from bot.packs.library import ContentLibrary
from bot.packs.schema import Pack, Question
from bot.store.answers import AnswerRepo, NewAnswer
from bot.store.guilds import GuildRepo
from bot.store.points import Award
from bot.store.posts import PostRepo

GONE = "This question is no longer available: its pack was removed or changed. Try `/quiz` for another one."


@dataclass(frozen=True)
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


def to_json(choice: Choice) -> object:
    return list(choice) if isinstance(choice, tuple) else choice


def from_json(value: object) -> Choice:
    return tuple(value) if isinstance(value, list) else value


class AnswerService:
    def __init__(self, library: ContentLibrary, posts: PostRepo, answers: AnswerRepo, guilds: GuildRepo) -> None:
        self.library = library
        self.posts = posts
        self.answers = answers
        self.guilds = guilds

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
        post = await self.posts.get(post_id)
        if post is None or post.guild_id != guild_id or post.kind != "daily":
            raise UserError("I cannot find that question post.")
        q, pack = self._question(guild_id, post.item_id)
        g = self._grade(q, choice)
        previous = await self.answers.previous(post_id, user_id)
        if previous is not None:
            first = from_json(previous[0])
            return Feedback(q, pack, first, self._grade(q, first), "daily", already_answered=True)
        if post.closed_at_time(now):
            return Feedback(q, pack, choice, g, "daily", closed=True)
        tz = (await self.guilds.get(guild_id)).timezone
        award = Award(guild_id, user_id, "daily", f"post:{post_id}", pts.daily_points(g.correct),
                      "daily question: right" if g.correct else "daily question: taking part",
                      pts.periods(now, tz))
        recorded = await self.answers.record(
            NewAnswer(guild_id, user_id, q.id, pack.pack, "daily", post_id, to_json(choice), g.correct,
                      g.misconceptions),
            now, self._review(guild_id, user_id, q.id, g.correct, now), award)
        if not recorded.first:  # a concurrent click got there first
            first = from_json(recorded.previous_choice)
            return Feedback(q, pack, first, self._grade(q, first), "daily", already_answered=True)
        posts, answered = await self.answers.streak_data(guild_id, user_id)
        return Feedback(q, pack, choice, g, "daily", recorded.points, streak(posts, answered), recorded.due_count)

    async def answer_practice(self, guild_id: int, user_id: int, question_id: str, source: str,
                              choice: Choice, now: datetime) -> Feedback:
        q, pack = self._question(guild_id, question_id)
        g = self._grade(q, choice)
        recorded = await self.answers.record(
            NewAnswer(guild_id, user_id, q.id, pack.pack, source, None, to_json(choice), g.correct, g.misconceptions),
            now, self._review(guild_id, user_id, q.id, g.correct, now), None)
        return Feedback(q, pack, choice, g, source, due_count=recorded.due_count)

    @staticmethod
    def _review(guild_id: int, user_id: int, question_id: str, correct: bool, now: datetime):
        cid = srs.card_id(guild_id, user_id, question_id)
        return lambda card_json: srs.review(card_json, cid, correct, now)
