"""The role-play engine: pure functions over a scenario and an immutable state.

A learner's state is the node they are at, the customer's mood, the credit earned
per assessment criterion and the steps taken. Nothing here does I/O; the service
layer saves the state after every step, so a role-play survives any restart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import NamedTuple, TypeVar

from bot.domain.questions import shuffled
from bot.domain.replies import ReplyScore, phrase_stems, score_reply
from bot.packs.schema import Pack, Reply, RubricIdea, Scenario

__all__ = ["ReplyScore", "score_reply"]  # re-exported: the role-play's callers score replies here

MOOD_MIN, MOOD_MAX = 0, 10


class RoleplayError(Exception):
    """A move the current state does not allow (shown to the learner as is)."""


@dataclass(frozen=True)
class Step:
    node: str
    choice: int | None  # the choice index, or None for a written reply
    feedback: str
    reply: str | None = None
    found: tuple[str, ...] = ()  # rubric ideas found in a written reply
    missing: tuple[str, ...] = ()
    discounted: tuple[str, ...] = ()  # what was used but negated ("apology: 'sorry' negated")
    avoided: tuple[str, ...] = ()  # avoid entries the reply used
    level: str | None = None  # strong | partial | weak, for a written reply


@dataclass(frozen=True)
class State:
    scenario_id: str
    node: str  # a node id, or an ending id once finished
    mood: int
    credit: dict[str, int] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    finished: bool = False


def start(scenario: Scenario) -> State:
    return State(scenario.id, scenario.start, scenario.customer.opening_mood)


def _clamp(mood: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, mood))


def _advance(scenario: Scenario, state: State, nxt: str, mood: int, credit: dict[str, int], step: Step) -> State:
    total = dict(state.credit)
    for cid, points in credit.items():
        total[cid] = total.get(cid, 0) + points
    return replace(
        state,
        node=nxt,
        mood=_clamp(state.mood + mood),
        credit=total,
        steps=state.steps + (step,),
        finished=nxt in scenario.endings,
    )


def choice_order(session_id: int, node_id: str, n: int) -> tuple[int, ...]:
    """The order a node's choices are shown in: fixed per session and node (a resume or a
    restart shows the same letters), different between sessions, so the best move is not
    always A. Choices are still chosen by their index in the pack."""
    return shuffled(n, f"rp:{session_id}:{node_id}")


def choose(scenario: Scenario, state: State, index: int) -> State:
    node = _current(scenario, state)
    if node.choices is None:
        raise RoleplayError("This step asks for a written reply.")
    if not 0 <= index < len(node.choices):
        raise RoleplayError("That choice is not on offer here.")
    c = node.choices[index]
    return _advance(scenario, state, c.next, c.mood, dict(c.criteria), Step(state.node, index, c.feedback))


def write_reply(scenario: Scenario, state: State, text: str) -> tuple[State, ReplyScore]:
    node = _current(scenario, state)
    if node.reply is None:
        raise RoleplayError("This step asks you to pick a choice.")
    reply = node.reply
    text = text.strip()[: reply.max_length]
    if not text:
        raise RoleplayError("Write a reply first.")
    score = score_reply(reply, text)
    mood = {"strong": reply.mood_if_strong, "partial": reply.mood_if_partial, "weak": reply.mood_if_weak}[score.level]
    # a weak reply, or one that said what to avoid (an over-promise, blame), meets its consequence
    nxt = (reply.next_if_weak or reply.next) if score.level == "weak" or score.avoided else reply.next
    step = Step(
        state.node,
        None,
        REPLY_FEEDBACK[score.level],
        reply=text,
        found=score.found,
        missing=score.missing,
        discounted=tuple(
            f"{idea}: {', '.join(repr(p) for p in phrases)} negated" for idea, phrases in score.discounted
        ),
        avoided=tuple(r.idea for r in score.avoided),
        level=score.level,
    )
    return _advance(scenario, state, nxt, mood, score.credit, step), score


REPLY_FEEDBACK = {
    "strong": "A strong reply: it covers the key ideas.",
    "partial": "A partial reply: some key ideas are there, others are missing.",
    "weak": "A weak reply: it misses the key ideas.",
}


def _current(scenario: Scenario, state: State):
    if state.finished:
        raise RoleplayError("This role-play has ended.")
    node = scenario.nodes.get(state.node)
    if node is None:
        raise RoleplayError("This role-play has changed since you started it; start it again.")
    return node


# --- the best path and the bounds of a score -------------------------------------------


@dataclass(frozen=True)
class Path:
    moves: tuple[tuple[str, int | None], ...]  # (node, choice index or None for a reply)
    ending: str
    score: int


class Option(NamedTuple):
    choice: int | None  # the choice index, or None for a written reply (not ``index``: that is tuple.index)
    next: str
    credit: dict[str, int]  # what taking it earns (for a reply: the most it can earn)
    weak: bool = False  # the way a weak reply, or one that used an avoid phrase, goes


def node_options(scenario: Scenario, node_id: str) -> list[Option]:
    """Each way out of a node. A reply node has its strong way (the whole rubric) and,
    where ``next_if_weak`` leads elsewhere, its weak way: a reply that earned nothing, or
    one that used an avoid phrase and so can keep at most the rubric less one avoid entry."""
    node = scenario.nodes[node_id]
    if node.reply is None:
        return [Option(k, c.next, dict(c.criteria)) for k, c in enumerate(node.choices or [])]
    reply = node.reply
    full: dict[str, int] = {}
    for idea in reply.rubric:
        full[idea.criterion] = full.get(idea.criterion, 0) + idea.points
    options = [Option(None, reply.next, full)]
    if reply.next_if_weak and reply.next_if_weak != reply.next:
        options.append(Option(None, reply.next_if_weak, _after_avoid(full, reply.avoid), weak=True))
    return options


def _after_avoid(full: dict[str, int], avoid: Sequence[RubricIdea]) -> dict[str, int]:
    """The most a reply that used an avoid phrase can keep, per criterion: the whole
    rubric less what the cheapest phrase for that criterion costs (a phrase costs every
    avoid entry that lists it)."""
    if not avoid:
        return {}
    entries = [(entry, {phrase_stems(p) for p in entry.phrases}) for entry in avoid]
    best: dict[str, int] = {}
    for phrase in set().union(*(stems for _, stems in entries)):
        cost: dict[str, int] = {}
        for entry, stems in entries:
            if phrase in stems:
                cost[entry.criterion] = cost.get(entry.criterion, 0) + entry.points
        for cid, pts in full.items():
            best[cid] = max(best.get(cid, 0), pts - cost.get(cid, 0))
    return {c: p for c, p in best.items() if p > 0}


def best_path(scenario: Scenario) -> Path:
    """The path with the most criterion credit (a full written reply counts as all of
    its rubric, and never goes the weak way); ties go to the first choice offered. The
    scenario must be a DAG."""

    @cache
    def best_from(node_id: str) -> Path:
        if node_id in scenario.endings:
            return Path((), node_id, 0)
        best: Path | None = None
        for index, nxt, credit, weak in node_options(scenario, node_id):
            if weak:
                continue
            rest = best_from(nxt)
            candidate = Path(((node_id, index),) + rest.moves, rest.ending, rest.score + sum(credit.values()))
            if best is None or candidate.score > best.score:
                best = candidate
        assert best is not None
        return best

    return best_from(scenario.start)


def max_credit(scenario: Scenario) -> dict[str, int]:
    """The most credit any single path can earn, per criterion."""

    @cache
    def from_node(node_id: str) -> tuple[tuple[str, int], ...]:
        if node_id in scenario.endings:
            return ()
        best: dict[str, int] = {}
        for _, nxt, credit, _ in node_options(scenario, node_id):
            rest = dict(from_node(nxt))
            for cid, pts in credit.items():
                rest[cid] = rest.get(cid, 0) + pts
            for cid, pts in rest.items():
                best[cid] = max(best.get(cid, 0), pts)
        return tuple(sorted(best.items()))

    return dict(from_node(scenario.start))


def all_paths(scenario: Scenario, reply_text: str | Callable[[Reply], Sequence[str]] | None = None) -> list[State]:
    """Every finished state reachable by choices. A reply node is answered with
    ``reply_text`` (or each of the texts it gives for the node's reply), or, when that is
    None, with each of its calibration examples in turn ("ok" where it has none). For tests
    and analysis: the scenarios are small DAGs."""
    out: list[State] = []
    frontier = [start(scenario)]
    while frontier:
        state = frontier.pop()
        if state.finished:
            out.append(state)
            continue
        node = scenario.nodes[state.node]
        if node.reply is not None:
            if reply_text is None:
                texts = [e.text for e in node.reply.examples] or ["ok"]
            else:
                texts = [reply_text] if isinstance(reply_text, str) else list(reply_text(node.reply))
            frontier.extend(write_reply(scenario, state, t)[0] for t in texts)
        else:
            frontier.extend(choose(scenario, state, k) for k in range(len(node.choices or [])))
    return out


def best_credit(scenario: Scenario) -> dict[str, int]:
    """What the best path earns, per criterion (a written reply on it earns its whole
    rubric). These add up to the best path's score, unlike ``max_credit``: the most
    of each criterion comes from different paths, so those maxima are not reachable
    together."""
    total: dict[str, int] = {}
    for node_id, choice in best_path(scenario).moves:
        option = next(o for o in node_options(scenario, node_id) if o.choice == choice and not o.weak)
        for cid, pts in option.credit.items():
            total[cid] = total.get(cid, 0) + pts
    return {cid: pts for cid, pts in total.items() if pts > 0}


@dataclass(frozen=True)
class Report:
    outcome: str
    ending_text: str
    score: int
    best_score: int
    # id, text, earned, what the best path earns: every criterion either earns, in id
    # order. The earned column adds up to ``score`` and the best path's to ``best_score``.
    per_criterion: list[tuple[str, str, int, int]]
    path: tuple[Step, ...]
    best_moves: tuple[tuple[str, int | None], ...]
    took_best: bool = False  # the best path's moves, each earning what it can (a whole-rubric reply)


def report(scenario: Scenario, state: State, criteria_text: dict[str, str]) -> Report:
    if not state.finished:
        raise RoleplayError("The role-play has not ended yet.")
    ending = scenario.endings[state.node]
    best = best_path(scenario)
    on_best = best_credit(scenario)
    earned = {cid: pts for cid, pts in state.credit.items() if pts > 0}
    rows = [
        (cid, criteria_text.get(cid, cid), earned.get(cid, 0), on_best.get(cid, 0))
        for cid in sorted(on_best.keys() | earned.keys())
    ]
    score = sum(state.credit.values())
    moves = tuple((step.node, step.choice) for step in state.steps)
    took_best = moves == best.moves and score == best.score
    return Report(ending.outcome, ending.text, score, best.score, rows, state.steps, best.moves, took_best)


# --- finding a scenario by what a learner types ----------------------------------------

_WORD = re.compile(r"[^\W_]+")
T = TypeVar("T")


def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as a learner's typing is matched against them: runs of
    letters and digits, in lower case, apostrophes dropped (``wasn't`` is ``wasnt``)."""
    return tuple(_WORD.findall(text.casefold().replace("'", "").replace("\u2019", "")))


def _starts_words(typed: Sequence[str], have: Sequence[str]) -> bool:
    return all(any(w.startswith(t) for w in have) for t in typed)


def match_rank(typed: str, scenario: Scenario) -> int | None:
    """How what was typed names ``scenario``: 0 when each typed word begins a word of
    its title (in any order, any case: ``quiet room``, ``Quiet roo``), 1 when each
    begins a word of its title, setting or id, None when it does not name it. Nothing
    typed names every scenario (0)."""
    typed_words = words(typed)
    title = words(scenario.title)
    if _starts_words(typed_words, title):
        return 0
    if _starts_words(typed_words, title + words(scenario.setting) + words(scenario.id)):
        return 1
    return None


def search(typed: str, items: Iterable[tuple[Scenario, T]]) -> list[tuple[Scenario, T]]:
    """The items whose scenario ``typed`` names (``match_rank``): title matches first,
    then the rest, each in the order given."""
    ranked = [(rank, i, item) for i, item in enumerate(items) if (rank := match_rank(typed, item[0])) is not None]
    return [item for _, _, item in sorted(ranked, key=lambda r: (r[0], r[1]))]


def close_matches(typed: str, items: Iterable[tuple[Scenario, T]], limit: int = 5) -> list[tuple[Scenario, T]]:
    """The items sharing the most words with ``typed`` (a word matching the start of
    one of a scenario's title, setting or id words), for a "did you mean" list."""
    typed_words = set(words(typed))
    scored = []
    for i, item in enumerate(items):
        s = item[0]
        have = words(s.title) + words(s.setting) + words(s.id)
        shared = sum(1 for t in typed_words if any(w.startswith(t) or t.startswith(w) for w in have if len(w) > 2))
        if shared:
            scored.append((-shared, i, item))
    return [item for _, _, item in sorted(scored, key=lambda r: (r[0], r[1]))[:limit]]


def pack_level(pack: Pack) -> str | None:
    """The qualification level a pack is written for, from its qualification's name
    (``Level 2``, ``Levels 2 and 3``), or None when the name gives none."""
    found = sorted({int(n) for n in re.findall(r"\blevel\s+(\d)\b", pack.qualification, re.IGNORECASE)})
    if not found:
        return None
    if len(found) == 1:
        return f"Level {found[0]}"
    return "Levels " + ", ".join(map(str, found[:-1])) + f" and {found[-1]}"


# --- saving a state ----------------------------------------------------------------------


def state_to_dict(state: State) -> dict:
    return {
        "scenario_id": state.scenario_id,
        "node": state.node,
        "mood": state.mood,
        "credit": state.credit,
        "finished": state.finished,
        "steps": [
            {
                "node": s.node,
                "choice": s.choice,
                "feedback": s.feedback,
                "reply": s.reply,
                "found": list(s.found),
                "missing": list(s.missing),
                "discounted": list(s.discounted),
                "avoided": list(s.avoided),
                "level": s.level,
            }
            for s in state.steps
        ],
    }


def state_from_dict(data: dict) -> State:
    steps = tuple(
        Step(
            s["node"],
            s["choice"],
            s["feedback"],
            s.get("reply"),
            tuple(s.get("found", ())),
            tuple(s.get("missing", ())),
            tuple(s.get("discounted", ())),
            tuple(s.get("avoided", ())),
            s.get("level"),
        )
        for s in data["steps"]
    )
    return State(data["scenario_id"], data["node"], data["mood"], dict(data["credit"]), steps, data["finished"])
