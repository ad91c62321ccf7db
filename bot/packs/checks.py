"""Checks that look across one pack, each reported at the field it is about.

Every function returns ``(path, message)`` pairs; ``path`` is the tuple of keys and
indexes from the top of the YAML document, so the validator can name the line.

``check_pack`` checks a pack that passed the schema. ``check_parts`` checks one that did
not, as far as it can: each question, myth and scenario is validated on its own, one that
passes gets every check it would get in a valid pack, and one that fails gets the checks
its readable fields allow (its id, the criteria and myths it names, its answer against
its options, its role-play graph). The checks read a field through ``_get``, which
answers for a model and for the raw YAML mapping alike, and skip what they cannot read:
the schema's errors already say what is wrong there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, TypeGuard

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from .schema import (
    GOOD_OUTCOMES,
    MultipleQuestion,
    Myth,
    OrderQuestion,
    Pack,
    Question,
    Scenario,
    ShortAnswerQuestion,
    SingleQuestion,
    TrueFalseQuestion,
)

Path = tuple[str | int, ...]
Problem = tuple[Path, str]
SECTIONS = ("criteria", "questions", "myths", "scenarios")
QUESTION_CLASSES: dict[object, type[BaseModel]] = {
    "single": SingleQuestion,
    "multiple": MultipleQuestion,
    "true_false": TrueFalseQuestion,
    "order": OrderQuestion,
    "short_answer": ShortAnswerQuestion,
}


@dataclass
class _Parts:
    """What the checks look at: each section's items (models, or the raw mappings of
    items that failed the schema), the ids written, the criteria defined and the myths'
    verdicts (``None`` when the list cannot be read, so nothing is judged against it)."""

    items: dict[str, list[tuple[int, object]]] = field(default_factory=dict)
    ids: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    criteria: set[str] | None = None
    verdicts: dict[str, object] | None = None


def check_pack(pack: Pack) -> list[Problem]:
    parts = _Parts()
    for section in SECTIONS:
        found = list(enumerate(getattr(pack, section)))
        parts.items[section] = found
        parts.ids[section] = [(i, item.id) for i, item in found]
    parts.criteria = {c.id for c in pack.criteria}
    parts.verdicts = {m.id: m.verdict for m in pack.myths}
    return _check(parts)


def check_parts(data: dict) -> list[Problem]:
    """The checks that can still run on a pack (its YAML mapping) that failed the schema."""
    parts = _Parts()
    for section in SECTIONS:
        raw = data.get(section, [])
        items = raw if isinstance(raw, list) else []
        parts.items[section] = [(i, _parsed(section, item)) for i, item in enumerate(items) if isinstance(item, dict)]
        parts.ids[section] = [(i, item["id"]) for i, item in enumerate(items) if _has_id(item)]
    criteria = data.get("criteria")
    if isinstance(criteria, list) and criteria and all(_has_id(c) for c in criteria):
        parts.criteria = {c["id"] for c in criteria}
    myths = data.get("myths", [])
    if isinstance(myths, list) and all(_has_id(m) for m in myths):
        parts.verdicts = {m["id"]: m.get("verdict") for m in myths}
    return _check(parts)


def _check(parts: _Parts) -> list[Problem]:
    return [
        *_unique_ids(parts),
        *_criteria_defined(parts),
        *_question_answers(parts.items["questions"]),
        *_misconceptions_exist(parts),
        *(p for i, s in parts.items["scenarios"] for p in check_scenario(s, ("scenarios", i))),
    ]


def _has_id(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str)


_ITEM_TYPES: dict[str, Any] = {"questions": Question, "myths": Myth, "scenarios": Scenario}


@cache
def _adapter(section: str) -> TypeAdapter[Any]:
    return TypeAdapter(_ITEM_TYPES[section])


def _parsed(section: str, item: dict) -> object:
    """The item as a model when it passes the schema on its own, else its raw mapping."""
    if section not in _ITEM_TYPES:
        return item
    try:
        return _adapter(section).validate_python(item)
    except ValidationError:
        return item


def _get(item: object, key: str) -> object:
    """A field of a model, or a key of a raw mapping (None when absent or unreadable)."""
    if isinstance(item, BaseModel):
        return getattr(item, key, None)
    return item.get(key) if isinstance(item, dict) else None


def _is_index(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _unique_ids(parts: _Parts) -> Iterator[Problem]:
    for section in SECTIONS:
        seen: dict[str, int] = {}
        for i, item_id in parts.ids[section]:
            if item_id in seen:
                yield (section, i, "id"), f"duplicate id {item_id!r} (also at {section}[{seen[item_id]}])"
            seen.setdefault(item_id, i)


def _criteria_defined(parts: _Parts) -> Iterator[Problem]:
    defined = parts.criteria
    if defined is None:
        return

    def unknown(cid: object, path: Path, message: str) -> Iterator[Problem]:
        if isinstance(cid, str) and cid not in defined:
            yield path, message

    for section in ("questions", "myths"):
        for i, item in parts.items[section]:
            ids = _get(item, "criteria")
            for j, cid in enumerate(ids if isinstance(ids, list) else []):
                listed = ", ".join(sorted(defined))
                yield from unknown(cid, (section, i, "criteria", j), f"unknown criterion {cid!r}; defined: {listed}")
    for i, scenario in parts.items["scenarios"]:
        nodes = _get(scenario, "nodes")
        for node_id, node in nodes.items() if isinstance(nodes, dict) else ():
            base: Path = ("scenarios", i, "nodes", node_id)
            choices = _get(node, "choices")
            for k, choice in enumerate(choices if isinstance(choices, list) else []):
                credit = _get(choice, "criteria")
                for cid in credit if isinstance(credit, dict) else ():
                    yield from unknown(cid, base + ("choices", k, "criteria", cid), f"unknown criterion {cid!r}")
            reply = _get(node, "reply")
            for section in ("rubric", "avoid"):
                ideas = _get(reply, section)
                for k, idea in enumerate(ideas if isinstance(ideas, list) else []):
                    cid = _get(idea, "criterion")
                    yield from unknown(cid, base + ("reply", section, k, "criterion"), f"unknown criterion {cid!r}")


def _question_answers(questions: list[tuple[int, object]]) -> Iterator[Problem]:
    for i, q in questions:
        base: Path = ("questions", i)
        if isinstance(q, BaseModel):
            yield from _answer_problems(q, base)
        elif isinstance(q, dict):
            yield from _raw_answer_problems(q, base)


def _answer_problems(q: object, base: Path) -> Iterator[Problem]:
    if isinstance(q, SingleQuestion | MultipleQuestion):
        n = len(q.options)
        right = {q.answer} if isinstance(q, SingleQuestion) else set(q.answer)
        out_of_range = [a for a in sorted(right) if a >= n]
        for a in out_of_range:
            yield base + ("answer",), f"answer {a} is not an option index ({_indexes(n)})"
        if out_of_range:
            return
        if isinstance(q, MultipleQuestion):
            if len(q.answer) != len(right):
                yield base + ("answer",), "answer lists an option twice"
            if len(right) == n:
                yield base + ("answer",), "every option is right; leave at least one wrong option"
        if len(set(q.options)) != n:
            yield base + ("options",), "two options have the same text"
        wrong = set(range(n)) - right
        for k in sorted(wrong - set(q.option_feedback)):
            yield base + ("option_feedback",), f"missing feedback for wrong option {k}"
        for k in sorted(set(q.option_feedback) - wrong):
            yield (
                base + ("option_feedback", k),
                f"option {k} is not a wrong option; give feedback for wrong options only",
            )
        for k in sorted(set(q.misconceptions) - wrong):
            yield base + ("misconceptions", k), f"option {k} is not a wrong option"
    elif isinstance(q, OrderQuestion) and len(set(q.steps)) != len(q.steps):
        yield base + ("steps",), "two steps have the same text"
    elif isinstance(q, ShortAnswerQuestion):
        yield from _accepted_answer_problems(q.answers, base + ("answers",))


def _accepted_answer_problems(answers: list, path: Path) -> Iterator[Problem]:
    """Each accepted answer must still say something once normalised as a typed answer
    is (``normalise_answer``), and say something the ones before it do not."""
    from bot.domain.questions import normalise_answer  # grading defines "the same answer"

    seen: dict[str, int] = {}
    for k, text in enumerate(answers):
        if not isinstance(text, str) or not text.strip():
            continue  # the schema says what is wrong with it
        norm = normalise_answer(text)
        if not norm:
            yield (
                path + (k,),
                "has no letter or digit once punctuation and symbols are set aside, so no typed answer can match it",
            )
        elif norm in seen:
            yield (
                path + (k,),
                f"is the same answer as answers[{seen[norm]}] once case, spaces and punctuation are set aside "
                f"({norm!r}); remove one",
            )
        else:
            seen[norm] = k


ANSWER_FIELDS = ("options", "answer", "option_feedback", "misconceptions")


def _raw_answer_problems(q: dict, base: Path) -> Iterator[Problem]:
    """A question that failed the schema: when the fields the answer checks read each
    pass on their own, every answer check; otherwise the answer against the number of
    options written, and repeated option or step texts."""
    kind = q.get("kind")
    model = QUESTION_CLASSES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return
    if kind in ("single", "multiple"):
        fields = _fields_that_pass(model, q, ANSWER_FIELDS)
        if fields is not None:
            yield from _answer_problems(model.model_construct(**fields), base)
            return
        options, answer = q.get("options"), q.get("answer")
        if not isinstance(options, list):
            return
        answers = [answer] if kind == "single" else answer if isinstance(answer, list) else []
        n = len(options)
        for a in sorted({a for a in answers if _is_index(a) and a >= n}):
            yield base + ("answer",), f"answer {a} is not an option index ({_indexes(n)})"
        yield from _repeated(options, base + ("options",), "two options have the same text")
    elif kind == "order" and isinstance(q.get("steps"), list):
        yield from _repeated(q["steps"], base + ("steps",), "two steps have the same text")
    elif kind == "short_answer" and isinstance(q.get("answers"), list):
        yield from _accepted_answer_problems(q["answers"], base + ("answers",))


def _indexes(n: int) -> str:
    return "there are no options" if n == 0 else "the only option is 0" if n == 1 else f"0 to {n - 1}"


def _repeated(texts: list, path: Path, message: str) -> Iterator[Problem]:
    written = [t.strip() for t in texts if isinstance(t, str)]
    if len(set(written)) != len(written):
        yield path, message


def _fields_that_pass(model: type[BaseModel], item: dict, names: tuple[str, ...]) -> dict[str, Any] | None:
    """The named fields as the schema reads them, when each one passes on its own (an
    absent field with a default passes); None when any does not."""
    out: dict[str, Any] = {}
    for name in names:
        info = model.model_fields[name]
        if name not in item:
            if info.is_required():
                return None
            continue
        try:
            out[name] = _field_adapter(model, name).validate_python(item[name])
        except ValidationError:
            return None
    return out


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    tp: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(tp, config=ConfigDict(strict=True))


def _misconceptions_exist(parts: _Parts) -> Iterator[Problem]:
    verdicts = parts.verdicts
    if verdicts is None:
        return

    def check(myth_id: object, path: Path) -> Iterator[Problem]:
        if not isinstance(myth_id, str):
            return
        if myth_id not in verdicts:
            yield path, f"unknown misconception {myth_id!r}: it must be the id of a myth in this pack"
        elif verdicts[myth_id] == "fact":
            yield path, f"{myth_id!r} is a fact, not a misconception"

    for i, q in parts.items["questions"]:
        kind = _get(q, "kind")
        if kind in ("single", "multiple"):
            links = _get(q, "misconceptions")
            for k, myth_id in links.items() if isinstance(links, dict) else ():
                yield from check(myth_id, ("questions", i, "misconceptions", k))
        elif kind in ("true_false", "order", "short_answer") and _get(q, "misconception"):
            yield from check(_get(q, "misconception"), ("questions", i, "misconception"))


def check_scenario(s: object, base: Path) -> list[Problem]:
    """The graph is sound: every target exists, every node is reachable and leads to an
    ending, there are no loops, and the best-scoring path ends well. ``s`` is a
    ``Scenario``, or the raw mapping of one that failed the schema: its graph is checked
    as far as it can be read, and the scoring checks need a ``Scenario``."""
    nodes, endings, start = _get(s, "nodes"), _get(s, "endings"), _get(s, "start")
    if not isinstance(nodes, dict) or not isinstance(endings, dict):
        return []
    problems: list[Problem] = []
    whole = isinstance(start, str) and all(isinstance(k, str) for k in [*nodes, *endings])
    clash = set(nodes) & set(endings)
    for name in sorted(clash, key=str):
        problems.append((base + ("endings", name), f"{name!r} is both a node and an ending"))
    if isinstance(start, str) and start not in nodes:
        problems.append((base + ("start",), f"start {start!r} is not a node"))
    for node_id, node in nodes.items():
        path = base + ("nodes", node_id)
        if not isinstance(node, BaseModel | dict):
            whole = False
            continue
        if (_get(node, "choices") is None) == (_get(node, "reply") is None):
            problems.append((path, "a node needs exactly one of `choices` or `reply`"))
            continue
        for target, where in _edges(node, path):
            if target is None:
                whole = False
            elif target not in nodes and target not in endings:
                problems.append((where, f"next {target!r} is neither a node nor an ending"))
    if problems or not whole or not isinstance(start, str):
        return problems

    graph = {nid: [t for t, _ in _edges(n, ()) if t is not None] for nid, n in nodes.items()}
    reachable = _reachable(start, graph)
    for node_id in nodes:
        if node_id not in reachable:
            problems.append((base + ("nodes", node_id), f"node {node_id!r} cannot be reached from start {start!r}"))
    for end_id in endings:
        if end_id not in reachable:
            problems.append((base + ("endings", end_id), f"ending {end_id!r} cannot be reached"))
    cycle = _find_cycle(start, graph)
    if cycle:
        problems.append(
            (base + ("nodes", cycle[0]), "loop " + " -> ".join(cycle) + ": a role-play must always move forward")
        )
    if problems or not isinstance(s, Scenario):
        return problems

    from bot.domain.roleplay import best_path  # the engine defines what "best" means

    problems.extend(_examples_score_as_labelled(s, base))
    best = best_path(s)
    if s.endings[best.ending].outcome not in GOOD_OUTCOMES:
        problems.append(
            (
                base + ("endings", best.ending),
                f"the best-scoring path ends in {best.ending!r} ({s.endings[best.ending].outcome}); "
                "the best path must end resolved or escalated",
            )
        )
    return problems


def _examples_score_as_labelled(s: Scenario, base: Path) -> Iterator[Problem]:
    """A rubric that disagrees with its own calibration examples is wrong (or they are)."""
    from bot.domain.replies import score_reply

    for node_id, node in s.nodes.items():
        reply = node.reply
        if reply is None:
            continue
        for k, example in enumerate(reply.examples):
            score = score_reply(reply, example.text)
            if score.level != example.label:
                why = (
                    "it reads as a list of the rubric's words"
                    if score.keyword_list
                    else f"found: {', '.join(score.found) or 'nothing'}"
                    + (f"; avoid: {', '.join(r.idea for r in score.avoided)}" if score.avoided else "")
                    + (f"; negated: {', '.join(i for i, _ in score.discounted)}" if score.discounted else "")
                )
                yield (
                    base + ("nodes", node_id, "reply", "examples", k, "label"),
                    f"this example is labelled {example.label} but scores {score.level} ({why})",
                )


def _edges(node: object, path: Path) -> Iterator[tuple[str | None, Path]]:
    """A node's ways out and where each is written; the target is None where it cannot
    be read (a raw node that failed the schema)."""

    def target(value: object) -> str | None:
        return value if isinstance(value, str) else None

    reply = _get(node, "reply")
    if reply is not None:
        yield target(_get(reply, "next")), path + ("reply", "next")
        if _get(reply, "next_if_weak") is not None:
            yield target(_get(reply, "next_if_weak")), path + ("reply", "next_if_weak")
    choices = _get(node, "choices")
    if choices is not None and not isinstance(choices, list):
        yield None, path + ("choices",)
    for k, choice in enumerate(choices if isinstance(choices, list) else []):
        yield target(_get(choice, "next")), path + ("choices", k, "next")


def _reachable(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _find_cycle(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    """The first loop met walking from ``start``, as the node ids around it."""
    state: dict[str, int] = {}  # 1 on the current walk, 2 finished
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt) :] + [nxt]
            if nxt in graph and nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        trail.pop()
        return None

    return visit(start)
