"""The rules for keeping an answer, decided inside the store's write transaction.

A click on a cohort post counts once: the learner's first answer to the post stands (a
later click is told what they answered), a post that has closed records nothing, and a
counted answer earns its points, reviews the learner's revision card (FSRS) and extends
their streak (scheduled posts only). A practice answer (/quiz, /revise) is kept and
reviews the card, with no points.

These functions read and write through ``AnswerTx`` and hold no SQL: a second store
gives them an ``AnswerTx`` of its own (docs/architecture.md). They run inside one write: a burst of clicks is decided
together, with a few reads per post and per server, and nothing is acknowledged to a
learner before the commit.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from bot.domain import points as pts
from bot.domain import srs
from bot.domain import streaks as st
from bot.domain.records import Answered, Award, Post, ReviewedCard
from bot.domain.timestamps import iso
from bot.store.answers import AnswerRepo, AnswerTx


@dataclass(slots=True)
class Click:
    """A learner's click on a cohort post, before it is judged."""

    guild_id: int
    user_id: int
    post_id: int
    choice: str  # JSON
    now: datetime


@dataclass(slots=True)
class Verdict:
    """What one choice on one post is worth: the same for every learner who makes it, so a
    burst judges each distinct choice once. A judge may return a subclass that carries
    more (the answer service keeps the question and its grade on it for the feedback)."""

    question_id: str
    pack_id: str
    correct: bool
    misconceptions: tuple[str, ...]
    points: int
    reason: str


# Judges a choice (JSON) on a post for a click from the server ``guild_id``; raises when
# it cannot count (not a question post, the question is gone, the choice does not fit).
# It runs inside the write, so it must be quick and read nothing.
Judge = Callable[[Post | None, int, str], Verdict]


@dataclass(slots=True)
class Recorded:
    first: bool  # False: nothing was recorded (answered before, or the post had closed)
    verdict: Verdict | None = None  # cohort posts: what the standing answer is worth
    choice: str | None = None  # cohort posts: the standing answer (JSON): this one or the earlier one
    points: int = 0  # points awarded by this answer
    due_count: int = 0  # revision cards due now, after this answer
    streak: st.Streak | None = None  # after this answer (cohort posts only)
    closed: bool = False  # the post had closed


def click_recorder(answers: AnswerRepo, judge: Judge) -> Callable[[Click], Awaitable[Recorded]]:
    """``record(click)``: the clicks that come in together are decided and written
    together. Awaiting a click raises what ``judge`` raised when it cannot count."""
    return answers.batched(partial(record_clicks, judge=judge))


def answered(
    guild_id: int,
    user_id: int,
    question_id: str,
    pack_id: str,
    source: str,
    post_id: int | None,
    choice: str,
    correct: bool,
    at: datetime,
    misconceptions: tuple[str, ...] = (),
) -> Answered:
    """An answer to keep, its moment in UTC and as stored."""
    at = at.astimezone(UTC)
    return Answered(
        guild_id, user_id, question_id, pack_id, source, post_id, choice, correct, at, iso(at), misconceptions
    )


def record_clicks(tx: AnswerTx, clicks: list[Click], judge: Judge) -> list[Recorded | Exception]:
    """Clicks on cohort posts: each learner's first answer to an open post is kept, with
    its points, revision card, misconceptions and streak. One result per click, in order;
    a click that cannot count gets the exception that says why."""
    results: list[Recorded | Exception | None] = [None] * len(clicks)
    verdicts: dict[tuple[int, int, str], Verdict | Exception] = {}

    def judged(post: Post | None, guild_id: int, choice: str) -> Verdict | Exception:
        key = (post.id if post else 0, guild_id, choice)
        if key not in verdicts:
            try:
                verdicts[key] = judge(post, guild_id, choice)
            except Exception as exc:  # noqa: BLE001 - the reason goes back to the clicks it concerns
                verdicts[key] = exc
        found = verdicts[key]
        # Each click raises its own copy: one exception raised in many tasks would collect
        # all their tracebacks.
        return copy.copy(found) if isinstance(found, Exception) else found

    by_post: dict[int, list[int]] = defaultdict(list)
    for i, k in enumerate(clicks):
        by_post[k.post_id].append(i)
    fresh: list[tuple[int, Post, Verdict]] = []  # (click, its post, its verdict)
    for post_id, idxs in by_post.items():
        post = tx.post(post_id)
        given = tx.choices_given(post_id, [clicks[i].user_id for i in idxs])
        for i in idxs:
            k = clicks[i]
            verdict = judged(post, k.guild_id, k.choice)
            if isinstance(verdict, Exception):
                results[i] = verdict
            elif k.user_id in given:
                earlier = judged(post, k.guild_id, given[k.user_id])
                results[i] = earlier if isinstance(earlier, Exception) else Recorded(False, earlier, given[k.user_id])
            elif post is None:  # a judge lets no missing post through; if one did, record nothing
                results[i] = LookupError(f"post {post_id} does not exist")
            elif post.closed_at_time(k.now):
                results[i] = Recorded(False, verdict, k.choice, closed=True)
            else:
                given[k.user_id] = k.choice  # a second click in this batch sees the first
                fresh.append((i, post, verdict))
    if fresh:
        _record_fresh(tx, clicks, fresh, results)
    return results  # type: ignore[return-value]  # every slot is filled by now


def _record_fresh(
    tx: AnswerTx,
    clicks: list[Click],
    fresh: list[tuple[int, Post, Verdict]],
    results: list[Recorded | Exception | None],
) -> None:
    """Keep the first answers, with their points, cards and streaks, and fill in their results."""
    kept = [
        answered(
            clicks[i].guild_id,
            clicks[i].user_id,
            v.question_id,
            v.pack_id,
            "daily",
            post.id,
            clicks[i].choice,
            v.correct,
            clicks[i].now,
            v.misconceptions,
        )
        for i, post, v in fresh
    ]
    tx.add_answers(kept)
    zones = {g: tx.timezone(g) for g in {a.guild_id for a in kept}}
    tx.add_new_points(
        [
            (
                Award(
                    a.guild_id,
                    a.user_id,
                    "daily",
                    f"post:{post.id}",
                    v.points,
                    v.reason,
                    pts.periods(a.at, zones[a.guild_id]),
                    a.pack_id,
                ),
                a.stamp,
            )
            for a, (_, post, v) in zip(kept, fresh)
        ]
    )
    tx.save_cards(review_cards(tx, kept))
    by_guild: dict[int, list[int]] = defaultdict(list)
    for n, a in enumerate(kept):
        by_guild[a.guild_id].append(n)
    for guild_id, ns in by_guild.items():
        runs, posts = _keep_streaks(tx, guild_id, [(kept[n].user_id, fresh[n][1].slot) for n in ns])
        due = tx.due_counts(guild_id, [kept[n].user_id for n in ns], max(kept[n].at for n in ns))
        for n in ns:
            i, _, verdict = fresh[n]
            user_id = kept[n].user_id
            results[i] = Recorded(
                True, verdict, clicks[i].choice, verdict.points, due.get(user_id, 0), st.shown(runs.get(user_id), posts)
            )


def review_cards(tx: AnswerTx, answers: Sequence[Answered]) -> list[ReviewedCard]:
    """Each answer reviews the learner's card for its question (a new card on a first
    answer); a second answer to the same question in the same batch builds on the first."""
    by_question: dict[tuple[int, str], list[int]] = defaultdict(list)
    for a in answers:
        by_question[(a.guild_id, a.question_id)].append(a.user_id)
    cards: dict[tuple[int, int, str], str] = {}
    for (guild_id, question_id), users in by_question.items():
        for user_id, card in tx.cards(guild_id, question_id, users).items():
            cards[(guild_id, user_id, question_id)] = card
    reviewed = []
    existed = set(cards)
    for a in answers:
        key = (a.guild_id, a.user_id, a.question_id)
        cid = srs.card_id(*key)
        if key in cards:
            card, due_at = srs.review(cards[key], cid, a.correct, a.at)
            due = iso(due_at)
        else:
            card, due = srs.first_review(cid, a.correct, a.at, a.stamp)
        first = key not in existed and key not in cards
        cards[key] = card
        reviewed.append(ReviewedCard(*key, card, due, first))
    return reviewed


def _keep_streaks(
    tx: AnswerTx, guild_id: int, answers: list[tuple[int, str]]
) -> tuple[dict[int, st.Run], list[tuple[str, bool]]]:
    """Extend each learner's run by the post they answered (user, slot); returns every run
    involved and the server's posts that count for streaks, to show the streaks."""
    posts = st.scheduled(tx.daily_posts(guild_id))
    slots = [slot for slot, _ in posts]
    runs = tx.runs(guild_id, [user_id for user_id, _ in answers])
    had = set(runs)
    changed: dict[int, st.Run] = {}
    for user_id, slot in answers:
        if not st.counts_for_streak(slot):
            continue
        run = st.extend(runs.get(user_id), slots, slot)
        if run is None:  # answered out of order: rebuild from the history
            run = st.from_history(slots, tx.answered_slots(guild_id, user_id))
        if run is not None:  # None: the post is not among those sent (still pending): the run stands
            runs[user_id] = changed[user_id] = run
    tx.save_runs(guild_id, changed, had)
    return runs, posts


def record_practice(tx: AnswerTx, answer: Answered) -> int:
    """A practice answer (/quiz, /revise): kept with its misconceptions, and it reviews the
    card; no points. Returns the learner's revision cards due after it."""
    tx.add_answers([answer])
    tx.save_cards(review_cards(tx, [answer]))
    return tx.due_counts(answer.guild_id, [answer.user_id], answer.at).get(answer.user_id, 0)
