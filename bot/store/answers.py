"""Answers, revision cards, streaks and the per-learner reads built on them.

Answers to a cohort post arrive in bursts (everyone clicks in the same minute), so they
are written with ``Database.write_many``: the clicks queued together go to the database
thread in one hand-off, are checked with a few queries per post and per server (not per
click), and are written a hundred rows to a statement (``insert_rows``).
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial

from bot.domain import points as pts
from bot.domain import srs
from bot.domain import streaks as st
from bot.domain.timestamps import iso

from .database import Database, chunks, insert_rows, marks
from .guilds import timezone_of
from .points import Award, add_new_points
from .posts import Post, get_post


@dataclass(frozen=True)
class NewAnswer:
    guild_id: int
    user_id: int
    question_id: str
    pack_id: str
    source: str  # daily | quiz | revise
    post_id: int | None
    choice: object  # JSON-serialisable
    correct: bool
    misconceptions: tuple[str, ...] = ()  # myth ids the wrong answer showed


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
    more (the service keeps the question and its grade on it for the feedback)."""

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


# -- the pieces, each writing many rows at once -----------------------------------------
# An answer as the tables see it: who, which question and pack, right or not, when (in
# UTC, and as stored text: one answer stamps several rows and its card).
Row = tuple[int, int, str, str, bool, datetime, str]  # guild, user, question, pack, correct, at, stamp


def _row(guild_id: int, user_id: int, question_id: str, pack_id: str, correct: bool, at: datetime) -> Row:
    at = at.astimezone(timezone.utc)
    return guild_id, user_id, question_id, pack_id, correct, at, iso(at)


def _insert_answers(c: sqlite3.Connection, rows: list[Row], source: str, post_id: int | None,
                    choices: list[str]) -> None:
    insert_rows(
        c,
        "INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, correct, "
        "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(g, u, q, p, source, post_id, choice, int(ok), stamp)
         for (g, u, q, p, ok, _, stamp), choice in zip(rows, choices)])


def _note_misconceptions(c: sqlite3.Connection, rows: list[Row], myths: list[tuple[str, ...]]) -> None:
    insert_rows(
        c,
        "INSERT INTO misconceptions (guild_id, user_id, myth_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id, myth_id) DO UPDATE SET times = times + 1, last_seen = excluded.last_seen",
        [(g, u, m, stamp, stamp) for (g, u, *_, stamp), shown in zip(rows, myths) for m in shown])


def _review_cards(c: sqlite3.Connection, rows: list[Row]) -> None:
    """Each answer reviews the learner's card for its question (a new card on a first answer)."""
    by_question: dict[tuple[int, str], list[int]] = defaultdict(list)
    for g, u, q, *_ in rows:
        by_question[(g, q)].append(u)
    cards: dict[tuple[int, int, str], str] = {}
    for (guild_id, question_id), users in by_question.items():
        for ids in chunks(users):
            for user_id, card in c.execute(
                    f"SELECT user_id, card FROM cards WHERE guild_id = ? AND question_id = ? "
                    f"AND user_id IN ({marks(ids)})", (guild_id, question_id, *ids)):
                cards[(guild_id, user_id, question_id)] = card
    reviewed = []
    for g, u, q, _, correct, at, stamp in rows:
        key = (g, u, q)
        cid = srs.card_id(*key)
        if key in cards:
            card, due_at = srs.review(cards[key], cid, correct, at)
            due = iso(due_at)
        else:
            card, due = srs.first_review(cid, correct, at, stamp)
        cards[key] = card  # a second answer to the same question in this batch builds on it
        reviewed.append((*key, card, due))
    insert_rows(c, "INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
                reviewed)


def _due_counts(c: sqlite3.Connection, guild_id: int, users: Sequence[int], now: datetime) -> dict[int, int]:
    out: dict[int, int] = {}
    for ids in chunks(list(users)):
        out.update(c.execute(f"SELECT user_id, COUNT(*) FROM cards WHERE guild_id = ? AND user_id IN ({marks(ids)}) "
                             f"AND due <= ? GROUP BY user_id", (guild_id, *ids, iso(now))))
    return out


def _due_count(c: sqlite3.Connection, guild_id: int, user_id: int, now: datetime) -> int:
    return _due_counts(c, guild_id, [user_id], now).get(user_id, 0)


def _scheduled_posts(c: sqlite3.Connection, guild_id: int) -> list[tuple[str, bool]]:
    """The server's scheduled daily posts as (slot, still open), oldest first."""
    return [(r[0], r[1] == "open") for r in c.execute(
        "SELECT slot, status FROM posts WHERE guild_id = ? AND kind = 'daily' "
        "AND status IN ('open', 'closed') AND slot NOT LIKE 'manual:%' ORDER BY slot", (guild_id,))]


def _runs(c: sqlite3.Connection, guild_id: int, users: Sequence[int]) -> dict[int, st.Run]:
    out: dict[int, st.Run] = {}
    for ids in chunks(list(users)):
        for user_id, last_slot, length, best in c.execute(
                f"SELECT user_id, last_slot, length, best FROM streaks WHERE guild_id = ? "
                f"AND user_id IN ({marks(ids)})", (guild_id, *ids)):
            out[user_id] = st.Run(last_slot, length, best)
    return out


def _answered_slots(c: sqlite3.Connection, guild_id: int, user_id: int) -> set[str]:
    return {r[0] for r in c.execute(
        "SELECT p.slot FROM answers a JOIN posts p ON p.id = a.post_id "
        "WHERE a.guild_id = ? AND a.user_id = ? AND p.kind = 'daily'", (guild_id, user_id))}


def _save_runs(c: sqlite3.Connection, guild_id: int, runs: dict[int, st.Run | None]) -> None:
    insert_rows(c, "INSERT INTO streaks (guild_id, user_id, last_slot, length, best) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET last_slot = excluded.last_slot, "
                "length = excluded.length, best = excluded.best",
                [(guild_id, u, r.last_slot, r.length, r.best) for u, r in runs.items() if r is not None])


def _existing_answers(c: sqlite3.Connection, post_id: int, users: Sequence[int]) -> dict[int, str]:
    """The learners' answers to a post (JSON), for those who have answered."""
    out: dict[int, str] = {}
    for ids in chunks(list(users)):
        out.update(c.execute(f"SELECT user_id, choice FROM answers WHERE post_id = ? AND user_id IN ({marks(ids)})",
                             (post_id, *ids)))
    return out


# -- the two answer paths ----------------------------------------------------------------
def record_post_answers(c: sqlite3.Connection, clicks: list[Click], judge: Judge) -> list[Recorded | Exception]:
    """Clicks on cohort posts, in the caller's transaction: each learner's first answer to
    a post is kept (later ones are told what they answered), with its points, revision
    card, misconceptions and streak. One result per click, in order; a click that cannot
    count gets the exception that says why."""
    results: list[Recorded | Exception | None] = [None] * len(clicks)
    by_post: dict[int, list[int]] = defaultdict(list)
    for i, k in enumerate(clicks):
        by_post[k.post_id].append(i)
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

    fresh: list[tuple[int, Post, Verdict]] = []
    for post_id, idxs in by_post.items():
        post = get_post(c, post_id)
        given = _existing_answers(c, post_id, [clicks[i].user_id for i in idxs])
        for i in idxs:
            k = clicks[i]
            verdict = judged(post, k.guild_id, k.choice)
            if isinstance(verdict, Exception):
                results[i] = verdict
            elif k.user_id in given:
                earlier = judged(post, k.guild_id, given[k.user_id])
                results[i] = earlier if isinstance(earlier, Exception) else Recorded(False, earlier, given[k.user_id])
            elif post.closed_at_time(k.now):
                results[i] = Recorded(False, verdict, k.choice, closed=True)
            else:
                given[k.user_id] = k.choice  # a second click in this batch sees the first
                fresh.append((i, post, verdict))
    if fresh:
        _write_post_answers(c, clicks, fresh, results)
    return results  # type: ignore[return-value]


def _write_post_answers(c: sqlite3.Connection, clicks: list[Click], fresh: list[tuple[int, Post, Verdict]],
                        results: list) -> None:
    rows: list[Row] = [_row(clicks[i].guild_id, clicks[i].user_id, v.question_id, v.pack_id, v.correct, clicks[i].now)
                       for i, _, v in fresh]
    by_post: dict[int, list[int]] = defaultdict(list)
    for n, (_, post, _) in enumerate(fresh):
        by_post[post.id].append(n)
    for post_id, ns in by_post.items():
        _insert_answers(c, [rows[n] for n in ns], "daily", post_id, [clicks[fresh[n][0]].choice for n in ns])
    zones = {g: timezone_of(c, g) for g in {row[0] for row in rows}}
    add_new_points(c, [(Award(g, u, "daily", f"post:{post.id}", v.points, v.reason,
                              pts.periods(at, zones[g]), pack_id), stamp)
                       for (g, u, _, pack_id, _, at, stamp), (_, post, v) in zip(rows, fresh)])
    _note_misconceptions(c, rows, [v.misconceptions for _, _, v in fresh])
    _review_cards(c, rows)
    by_guild: dict[int, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        by_guild[row[0]].append(n)
    for guild_id, ns in by_guild.items():
        users = [rows[n][1] for n in ns]
        runs, scheduled = _keep_streaks(c, guild_id, [(rows[n][1], fresh[n][1].slot) for n in ns])
        due = _due_counts(c, guild_id, users, max(rows[n][5] for n in ns))
        for n in ns:
            i, _, verdict = fresh[n]
            user_id = rows[n][1]
            results[i] = Recorded(True, verdict, clicks[i].choice, verdict.points, due.get(user_id, 0),
                                  st.shown(runs.get(user_id), scheduled))


def _keep_streaks(c: sqlite3.Connection, guild_id: int,
                  answered: list[tuple[int, str]]) -> tuple[dict[int, st.Run], list[tuple[str, bool]]]:
    """Extend each learner's run by the post they answered (user, slot); returns every
    run involved and the server's scheduled posts, to show the streaks."""
    scheduled = _scheduled_posts(c, guild_id)
    slots = [slot for slot, _ in scheduled]
    runs = _runs(c, guild_id, [user_id for user_id, _ in answered])
    changed: dict[int, st.Run | None] = {}
    for user_id, slot in answered:
        if slot.startswith("manual:"):
            continue  # only scheduled posts make a streak
        run = st.extend(runs.get(user_id), slots, slot)
        if run is None:  # answered out of order: rebuild from the history
            run = st.from_history(slots, _answered_slots(c, guild_id, user_id))
        runs[user_id] = changed[user_id] = run
    _save_runs(c, guild_id, changed)
    return runs, scheduled


def record_answer(c: sqlite3.Connection, a: NewAnswer, now: datetime) -> Recorded:
    """A practice answer (/quiz, /revise) in the caller's transaction: the answer, its
    revision card and misconceptions; no points."""
    row = _row(a.guild_id, a.user_id, a.question_id, a.pack_id, a.correct, now)
    _insert_answers(c, [row], a.source, None, [json.dumps(a.choice)])
    _note_misconceptions(c, [row], [a.misconceptions])
    _review_cards(c, [row])
    return Recorded(True, due_count=_due_count(c, a.guild_id, a.user_id, now))


class AnswerRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def click_recorder(self, judge: Judge) -> Callable[[Click], Awaitable[Recorded]]:
        """How a service records clicks on cohort posts, each judged by ``judge``: the
        clicks that come in together are written together. Awaiting a click raises what
        the judge raised when it cannot count."""

        def batch(c: sqlite3.Connection, clicks: list[Click]) -> list[Recorded | Exception]:
            return record_post_answers(c, clicks, judge)

        return partial(self.db.write_many, batch)

    async def record(self, a: NewAnswer, now: datetime) -> Recorded:
        return await self.db.write(lambda c: record_answer(c, a, now))

    async def previous(self, post_id: int, user_id: int) -> object | None:
        """What the learner answered to a post, or None."""
        given = await self.db.read(lambda c: _existing_answers(c, post_id, [user_id]))
        return json.loads(given[user_id]) if user_id in given else None

    async def post_choices(self, post_id: int) -> list[object]:
        """Every answer to a post (for the cohort tally), without who gave it."""
        return await self.db.read(lambda c: [json.loads(r[0]) for r in c.execute(
            "SELECT choice FROM answers WHERE post_id = ?", (post_id,))])

    async def due_cards(self, guild_id: int, user_id: int, now: datetime) -> list[str]:
        """Question ids due for revision, most overdue first."""
        return await self.db.read(lambda c: [r[0] for r in c.execute(
            "SELECT question_id FROM cards WHERE guild_id = ? AND user_id = ? AND due <= ? ORDER BY due, question_id",
            (guild_id, user_id, iso(now)))])

    async def next_due(self, guild_id: int, user_id: int) -> datetime | None:
        def q(c):
            row = c.execute("SELECT MIN(due) FROM cards WHERE guild_id = ? AND user_id = ?",
                            (guild_id, user_id)).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self.db.read(q)

    async def due_count(self, guild_id: int, user_id: int, now: datetime) -> int:
        return await self.db.read(lambda c: _due_count(c, guild_id, user_id, now))

    async def streak(self, guild_id: int, user_id: int) -> st.Streak:
        def q(c):
            return st.shown(_runs(c, guild_id, [user_id]).get(user_id), _scheduled_posts(c, guild_id))

        return await self.db.read(q)

