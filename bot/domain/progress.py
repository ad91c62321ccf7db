"""Mastery and cohort maths over answers: accuracy by pack and criterion, the hardest
questions, who has gone quiet, the learners in the order a tutor reads them, and the
evidence per learner, criterion and source for the portfolio export. Pure; the caller
supplies what the content says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from bot.domain.questions import normalise_answer

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True)
class AnswerRow:
    user_id: int
    question_id: str
    pack_id: str
    choice: object  # as stored (JSON-decoded)
    correct: bool
    answered_at: datetime
    source: str = ""  # daily | quiz | revise


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
    """Answers that are the same answer count together: typed ones once normalised
    ("Sale of Goods Act" and "sale of goods act."), lists as tuples."""
    if isinstance(choice, str):
        return ("typed", normalise_answer(choice))
    return tuple(choice) if isinstance(choice, list) else choice


def hardest(rows: Iterable[AnswerRow], limit: int = 5) -> list[Hardest]:
    rows = list(rows)
    tallies: dict[str, Tally] = tally_by(rows, lambda r: (r.question_id,))
    packs = {r.question_id: r.pack_id for r in rows}
    wrong: dict[str, Counter] = {}
    written: dict[tuple[str, Hashable], object] = {}  # each key as first given (typed answers keep their case)
    for r in rows:
        if not r.correct:
            key = _key(r.choice)
            wrong.setdefault(r.question_id, Counter())[key] += 1
            written.setdefault((r.question_id, key), r.choice)
    out = []
    for qid, t in weakest(tallies, limit):
        counts = wrong.get(qid)
        if counts:
            key, n = min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
            choice = written[(qid, key)]
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


# --- the learners, in the order a tutor reads them ------------------------------------------


def attention_order(seen: Iterable[int], tallies: Mapping[int, Tally]) -> list[int]:
    """Every learner seen: those who answered in the period first, lowest accuracy first
    (on a tie, more answers first: surer evidence), then those who did not; then by id."""

    def key(user_id: int) -> tuple:
        t = tallies.get(user_id)
        if t is None or not t.answers:
            return (1, 0.0, 0, user_id)
        return (0, t.right / t.answers, -t.answers, user_id)

    return sorted(set(seen) | set(tallies), key=key)


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int  # from 1
    pages: int  # at least 1
    size: int
    total: int  # items on every page
    items: list[T]

    @property
    def first(self) -> int:
        """The place (from 1) of this page's first item."""
        return (self.number - 1) * self.size + 1


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    """Page ``number`` of ``items``, ``size`` a page; a number past the end gives the last page."""
    pages = max(1, -(-len(items) // size))
    number = min(max(number, 1), pages)
    start = (number - 1) * size
    return Page(number, pages, size, len(items), list(items[start : start + size]))


# --- portfolio evidence: per learner, criterion and source ---------------------------------

SOURCES = ("question", "myth", "roleplay", "reflection")  # the order rows are listed in


@dataclass(frozen=True)
class MythRow:
    user_id: int
    myth_id: str
    pack_id: str
    cohort: bool  # from a cohort myth post (else the learner's own card)
    correct: bool
    answered_at: datetime


@dataclass(frozen=True)
class PlayedRow:
    """A finished role-play (free play or a challenge attempt)."""

    user_id: int
    scenario_id: str
    pack_id: str
    challenge: bool
    credit: dict[str, int]  # criterion -> credit earned on the path played
    outcome: str
    finished_at: datetime


@dataclass(frozen=True)
class ReflectionRow:
    """A STAR reflection on a challenge attempt, the attempt's result, and the marking."""

    user_id: int
    scenario_id: str
    pack_id: str
    outcome: str | None
    score: int | None
    best_score: int | None
    situation: str
    task: str
    action: str
    result: str
    status: str  # submitted | accepted | returned
    feedback: str | None
    bonus: int | None
    submitted_at: datetime
    marked_at: datetime | None


@dataclass(frozen=True)
class Evidence:
    """What one source shows of one criterion: how many pieces of evidence, the score they
    earned out of the most they could, the latest, and what the pieces were (a label and
    how many had it, most first)."""

    attempts: int = 0
    score: int = 0
    out_of: int = 0
    last: datetime | None = None
    labels: tuple[tuple[str, int], ...] = ()

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.out_of) if self.out_of else 0


EvidenceKey = tuple[int, str, str, str]  # (user, pack, criterion, source)
Piece = tuple[EvidenceKey, int, int, datetime, str]  # key, score, out of, when, label
Bounds = Callable[[str], tuple[str, Mapping[str, int]] | None]  # scenario -> (title, most credit per criterion)
MythCriteria = Callable[[str], tuple[Criterion, ...]]  # myth id -> its criteria (empty if unknown)

REFLECTION_LABELS = {"submitted": "awaiting marking", "accepted": "accepted", "returned": "returned"}


def question_pieces(rows: Iterable[AnswerRow], criteria_of: CriteriaOf) -> Iterator[Piece]:
    """One piece per answer and criterion of its question: 1 out of 1 if right."""
    for r in rows:
        for pack, cid in criteria_of(r.question_id):
            yield (r.user_id, pack, cid, "question"), int(r.correct), 1, r.answered_at, r.source or "answer"


def myth_pieces(rows: Iterable[MythRow], criteria_of: MythCriteria) -> Iterator[Piece]:
    """One piece per myth answer and criterion of its myth: 1 out of 1 if right."""
    for r in rows:
        label = "cohort post" if r.cohort else "card"
        for pack, cid in criteria_of(r.myth_id):
            yield (r.user_id, pack, cid, "myth"), int(r.correct), 1, r.answered_at, label


def roleplay_pieces(rows: Iterable[PlayedRow], bounds: Bounds) -> Iterator[Piece]:
    """One piece per finished role-play and criterion it can credit: the credit earned out
    of the most any path earns (a scenario no longer in the packs is left out)."""
    for r in rows:
        found = bounds(r.scenario_id)
        if found is None:
            continue
        title, most = found
        label = f"{title}{' (challenge)' if r.challenge else ''}: {r.outcome}"
        for cid, top in most.items():
            if top > 0:
                yield (r.user_id, r.pack_id, cid, "roleplay"), r.credit.get(cid, 0), top, r.finished_at, label


def reflection_pieces(rows: Iterable[ReflectionRow], bounds: Bounds) -> Iterator[Piece]:
    """One piece per reflection and criterion of the role-play it reflects on: 1 out of 1
    once a tutor has accepted it."""
    for r in rows:
        found = bounds(r.scenario_id)
        if found is None:
            continue
        at = r.marked_at or r.submitted_at
        for cid, top in found[1].items():
            if top > 0:
                key = (r.user_id, r.pack_id, cid, "reflection")
                yield key, int(r.status == "accepted"), 1, at, REFLECTION_LABELS.get(r.status, r.status)


def evidence(pieces: Iterable[Piece]) -> dict[EvidenceKey, Evidence]:
    """The pieces summed per (user, pack, criterion, source)."""
    sums: dict[EvidenceKey, list] = {}  # attempts, score, out of, last, label counts
    for key, score, out_of, at, label in pieces:
        acc = sums.setdefault(key, [0, 0, 0, at, Counter()])
        acc[0] += 1
        acc[1] += score
        acc[2] += out_of
        acc[3] = max(acc[3], at)
        acc[4][label] += 1
    return {
        key: Evidence(n, score, out_of, last, tuple(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))))
        for key, (n, score, out_of, last, labels) in sums.items()
    }


def labels_text(labels: Iterable[tuple[str, int]]) -> str:
    """Labels and their counts as a tutor reads them: ``daily ×3; quiz``."""
    return "; ".join(f"{label} ×{n}" if n > 1 else label for label, n in labels)


# --- a learner's role-play credit, for their stats -----------------------------------------

BestCredit = Callable[[str], Mapping[str, int] | None]  # scenario -> what its best path earns per criterion


def _played_credit(rows: Iterable[PlayedRow], best_of: BestCredit) -> Iterator[tuple[PlayedRow, str, int, int]]:
    """(role-play, criterion, credit earned, what the best path earns) for every criterion a
    finished role-play touched: its best path credits it, or the path played earned some.
    Credit below 0 counts as 0, as in the role-play's own report; a scenario no longer in
    the packs is left out."""
    for r in rows:
        best = best_of(r.scenario_id)
        if best is None:
            continue
        earned = {cid: pts for cid, pts in r.credit.items() if pts > 0}
        for cid in sorted({c for c, pts in best.items() if pts > 0} | earned.keys()):
            yield r, cid, earned.get(cid, 0), best.get(cid, 0)


def roleplay_credit(rows: Iterable[PlayedRow], best_of: BestCredit) -> dict[Criterion, Evidence]:
    """Per (pack, criterion): the finished role-plays that touched it (``attempts``), the
    credit they earned and what their best paths earn (``out_of``). Kept apart from the
    question answers: one is a share of answers right, the other of credit."""
    pieces: Iterator[Piece] = (
        ((r.user_id, r.pack_id, cid, "roleplay"), earned, best, r.finished_at, r.scenario_id)
        for r, cid, earned, best in _played_credit(rows, best_of)
    )
    return {(key[1], key[2]): ev for key, ev in evidence(pieces).items()}


def roleplay_by_pack(rows: Iterable[PlayedRow], best_of: BestCredit) -> dict[str, Evidence]:
    """Per pack: the finished role-plays (``attempts``), the credit they earned and what
    their best paths earn, over every criterion."""
    out: dict[str, Evidence] = {}
    for r in rows:
        best = best_of(r.scenario_id)
        if best is None:
            continue
        e = out.get(r.pack_id, Evidence())
        out[r.pack_id] = Evidence(
            e.attempts + 1,
            e.score + sum(pts for pts in r.credit.values() if pts > 0),
            e.out_of + sum(pts for pts in best.values() if pts > 0),
            r.finished_at if e.last is None else max(e.last, r.finished_at),
            e.labels,
        )
    return out


def tried(tally: Tally, credit: Evidence) -> bool:
    """A criterion is tried once a question on it is answered or a finished role-play touched it."""
    return bool(tally.answers or credit.attempts)


def weakness(tally: Tally, credit: Evidence) -> tuple[float, int]:
    """For putting tried criteria weakest first (a sort key, never shown): the lower of the
    share of answers right and the share of the best paths' credit earned, then more
    evidence first (surer)."""
    shares = []
    if tally.answers:
        shares.append(tally.right / tally.answers)
    if credit.attempts:
        shares.append(min(credit.score / credit.out_of, 1.0) if credit.out_of else 1.0)
    return (min(shares, default=1.0), -(tally.answers + credit.attempts))
