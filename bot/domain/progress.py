"""Mastery and cohort maths over answers: accuracy by pack and criterion, the hardest
questions, who has gone quiet. Pure; the caller supplies what the content says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class AnswerRow:
    user_id: int
    question_id: str
    pack_id: str
    choice: object  # as stored (JSON-decoded)
    correct: bool
    answered_at: datetime


@dataclass(frozen=True)
class Tally:
    answers: int = 0
    right: int = 0
    last: datetime | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answers) if self.answers else 0

    def add(self, correct: bool, at: datetime) -> Tally:
        last = at if self.last is None or at > self.last else self.last
        return Tally(self.answers + 1, self.right + int(correct), last)


Criterion = tuple[str, str]  # (pack id, criterion id): criterion ids repeat across packs
CriteriaOf = Callable[[str], tuple[Criterion, ...]]  # question id -> its criteria (empty if unknown)


def tally_by(rows: Iterable[AnswerRow], keys: Callable[[AnswerRow], Iterable[K]]) -> dict[K, Tally]:
    """A tally per key; an answer counts under every key ``keys`` gives it."""
    out: dict[K, Tally] = {}
    for r in rows:
        for k in keys(r):
            out[k] = out.get(k, Tally()).add(r.correct, r.answered_at)
    return out


def overall(rows: Iterable[AnswerRow]) -> Tally:
    return tally_by(rows, lambda r: ("all",)).get("all", Tally())


def by_pack(rows: Iterable[AnswerRow]) -> dict[str, Tally]:
    return tally_by(rows, lambda r: (r.pack_id,))


def by_criterion(rows: Iterable[AnswerRow], criteria_of: CriteriaOf) -> dict[Criterion, Tally]:
    return tally_by(rows, lambda r: criteria_of(r.question_id))


def by_learner_and_criterion(rows: Iterable[AnswerRow], criteria_of: CriteriaOf) -> dict[tuple[int, Criterion], Tally]:
    return tally_by(rows, lambda r: ((r.user_id, c) for c in criteria_of(r.question_id)))


def weakest(tallies: Mapping[K, Tally], limit: int = 5, min_answers: int = 1) -> list[tuple[K, Tally]]:
    """Lowest accuracy first; on a tie the more-answered first (surer evidence), then by key."""
    items = [(k, t) for k, t in tallies.items() if t.answers >= min_answers]
    items.sort(key=lambda kt: (kt[1].right / kt[1].answers, -kt[1].answers, str(kt[0])))
    return items[:limit]


@dataclass(frozen=True)
class Hardest:
    question_id: str
    pack_id: str
    tally: Tally
    common_wrong: object | None  # the wrong answer given most often (a stored choice)
    common_wrong_count: int


def _key(choice: object) -> Hashable:
    return tuple(choice) if isinstance(choice, list) else choice


def hardest(rows: Iterable[AnswerRow], limit: int = 5) -> list[Hardest]:
    rows = list(rows)
    tallies: dict[str, Tally] = tally_by(rows, lambda r: (r.question_id,))
    packs = {r.question_id: r.pack_id for r in rows}
    wrong: dict[str, Counter] = {}
    for r in rows:
        if not r.correct:
            wrong.setdefault(r.question_id, Counter())[_key(r.choice)] += 1
    out = []
    for qid, t in weakest(tallies, limit):
        counts = wrong.get(qid)
        if counts:
            choice, n = min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
            choice = list(choice) if isinstance(choice, tuple) else choice
        else:
            choice, n = None, 0
        out.append(Hardest(qid, packs[qid], t, choice, n))
    return out


@dataclass(frozen=True)
class Participation:
    seen: int  # learners with any activity ever
    active: list[int]  # active since the start of the period
    quiet: list[tuple[int, datetime]]  # seen before, not active since: (user, last activity), longest quiet first


def participation(last_activity: dict[int, datetime], since: datetime) -> Participation:
    active = sorted(u for u, at in last_activity.items() if at >= since)
    quiet = sorted(((u, at) for u, at in last_activity.items() if at < since), key=lambda ua: (ua[1], ua[0]))
    return Participation(len(last_activity), active, quiet)
