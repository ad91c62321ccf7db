"""Checks that look across one pack, each reported at the field it is about.

Every function returns ``(path, message)`` pairs; ``path`` is the tuple of keys and
indexes from the top of the YAML document, so the validator can name the line.
"""

from __future__ import annotations

from collections.abc import Iterator

from .schema import GOOD_OUTCOMES, MultipleQuestion, OrderQuestion, Pack, Scenario, SingleQuestion, TrueFalseQuestion

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def check_pack(pack: Pack) -> list[Problem]:
    return [
        *_unique_ids(pack),
        *_criteria_defined(pack),
        *_question_answers(pack),
        *_misconceptions_exist(pack),
        *(p for i, s in enumerate(pack.scenarios) for p in check_scenario(s, ("scenarios", i))),
    ]


def _unique_ids(pack: Pack) -> Iterator[Problem]:
    for section in ("criteria", "questions", "myths", "scenarios"):
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(pack, section)):
            if item.id in seen:
                yield (section, i, "id"), f"duplicate id {item.id!r} (also at {section}[{seen[item.id]}])"
            seen.setdefault(item.id, i)


def _criteria_defined(pack: Pack) -> Iterator[Problem]:
    defined = {c.id for c in pack.criteria}

    def unknown(ids, path: Path) -> Iterator[Problem]:
        for j, cid in enumerate(ids):
            if cid not in defined:
                yield path + (j,), f"unknown criterion {cid!r}; defined: {', '.join(sorted(defined))}"

    for section in ("questions", "myths"):
        for i, item in enumerate(getattr(pack, section)):
            yield from unknown(item.criteria, (section, i, "criteria"))
    for i, scenario in enumerate(pack.scenarios):
        for node_id, node in scenario.nodes.items():
            base: Path = ("scenarios", i, "nodes", node_id)
            for k, choice in enumerate(node.choices or []):
                for cid in choice.criteria:
                    if cid not in defined:
                        yield base + ("choices", k, "criteria", cid), f"unknown criterion {cid!r}"
            for section in ("rubric", "avoid"):
                for k, idea in enumerate(getattr(node.reply, section) if node.reply else []):
                    if idea.criterion not in defined:
                        yield base + ("reply", section, k, "criterion"), f"unknown criterion {idea.criterion!r}"


def _question_answers(pack: Pack) -> Iterator[Problem]:
    for i, q in enumerate(pack.questions):
        base: Path = ("questions", i)
        if isinstance(q, SingleQuestion | MultipleQuestion):
            n = len(q.options)
            right = {q.answer} if isinstance(q, SingleQuestion) else set(q.answer)
            out_of_range = [a for a in sorted(right) if a >= n]
            for a in out_of_range:
                yield base + ("answer",), f"answer {a} is not an option index (0 to {n - 1})"
            if out_of_range:
                continue
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


def _misconceptions_exist(pack: Pack) -> Iterator[Problem]:
    myths = {m.id: m for m in pack.myths}

    def check(myth_id: str, path: Path) -> Iterator[Problem]:
        if myth_id not in myths:
            yield path, f"unknown misconception {myth_id!r}: it must be the id of a myth in this pack"
        elif myths[myth_id].verdict != "myth":
            yield path, f"{myth_id!r} is a fact, not a misconception"

    for i, q in enumerate(pack.questions):
        for k, myth_id in getattr(q, "misconceptions", {}).items():
            yield from check(myth_id, ("questions", i, "misconceptions", k))
        if isinstance(q, TrueFalseQuestion | OrderQuestion) and q.misconception:
            yield from check(q.misconception, ("questions", i, "misconception"))


def check_scenario(s: Scenario, base: Path) -> list[Problem]:
    """The graph is sound: every target exists, every node is reachable and leads to an
    ending, there are no loops, and the best-scoring path ends well."""
    problems: list[Problem] = []
    clash = set(s.nodes) & set(s.endings)
    for name in sorted(clash):
        problems.append((base + ("endings", name), f"{name!r} is both a node and an ending"))
    if s.start not in s.nodes:
        problems.append((base + ("start",), f"start {s.start!r} is not a node"))
    for node_id, node in s.nodes.items():
        path = base + ("nodes", node_id)
        if (node.choices is None) == (node.reply is None):
            problems.append((path, "a node needs exactly one of `choices` or `reply`"))
            continue
        for target, where in _edges(node_id, node, path):
            if target not in s.nodes and target not in s.endings:
                problems.append((where, f"next {target!r} is neither a node nor an ending"))
    if problems:
        return problems

    graph = {nid: [t for t, _ in _edges(nid, n, ())] for nid, n in s.nodes.items()}
    reachable = _reachable(s.start, graph)
    for node_id in s.nodes:
        if node_id not in reachable:
            problems.append((base + ("nodes", node_id), f"node {node_id!r} cannot be reached from start {s.start!r}"))
    for end_id in s.endings:
        if end_id not in reachable:
            problems.append((base + ("endings", end_id), f"ending {end_id!r} cannot be reached"))
    cycle = _find_cycle(s.start, graph)
    if cycle:
        problems.append(
            (base + ("nodes", cycle[0]), "loop " + " -> ".join(cycle) + ": a role-play must always move forward")
        )
    if problems:
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


def _edges(node_id: str, node, path: Path) -> Iterator[tuple[str, Path]]:
    if node.reply is not None:
        yield node.reply.next, path + ("reply", "next")
        if node.reply.next_if_weak is not None:
            yield node.reply.next_if_weak, path + ("reply", "next_if_weak")
    for k, choice in enumerate(node.choices or []):
        yield choice.next, path + ("choices", k, "next")


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
