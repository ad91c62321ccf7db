"""The pack linter: warnings about content that lets a learner score without knowing.

Warnings do not stop a tutor's upload (they are shown in the upload's reply);
``python -m bot validate --strict`` turns them into failures, and the shipped packs are
held to that. Each check returns ``(path, message)`` pairs like ``checks.py``.

The checks, and why:
- **Longest answer**: when the right option is the longest in more than 40% of a pack's
  single-choice questions, "pick the longest" beats knowing (chance is about 1 in 4).
- **Longest best choice**: the same cue in role-plays, over the nodes with one best move.
- **Most options right**: a multiple-choice question with more right options than wrong
  rewards ticking everything.
- **Near-duplicates**: two items that ask the same thing (a true/false restating a myth
  card, two prompts for one fact) count one piece of knowledge twice. Similarity is the
  Dice coefficient of the items' content words (stemmed, everyday words left out):
  ``2 |A ∩ B| / (|A| + |B|)``; at ``DUPLICATE_AT`` (0.6) or above two items are reported.
  An item's words are its prompt (or statement) and its right answer.
- **Role-play credit and mood disagree**: a choice that earns less criterion credit
  than a sibling but calms the customer more teaches that the weaker move works better.
- **Dishonest endings**: an ending labelled resolved or escalated that a path scoring
  less than half the best path reaches (a written reply counted as strong, or as weak
  where a weak reply leads somewhere else, or answered with each calibration example, so
  a partial or over-promising reply is scored as it really would be).
- **Calibration examples**: a reply step needs examples labelled strong, partial and weak,
  and a weak one that uses the rubric's words (a hostile reply), or its rubric is unchecked.
- **Avoid entries that cost nothing**: an ``avoid`` entry takes its points from its own
  criterion's credit, so one naming a criterion the rubric never credits costs nothing.
- **Difficulty spread**: a pack with nothing at difficulty 3 tests recall only.
- **Importer defaults**: what an imported bank lacked (an explanation, why a wrong option
  is wrong, the criteria, the qualification) was filled with a stand-in; each one still
  there is named, so the tutor sees what to write.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from bot.domain.replies import phrase_stems, stem, tokens

from .checks import Path, Problem
from .formats.defaults import DEFAULTS
from .schema import GOOD_OUTCOMES, MultipleQuestion, OrderQuestion, Pack, Scenario, ShortAnswerQuestion, SingleQuestion

LONGEST_SHARE_MAX = 0.4
DUPLICATE_AT = 0.6
WORST_SHOWN = 5

_STOP = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been being it its this that these "
    "those which who whom what when where why how than then so if not no do does did done has have had having can "
    "could should would will shall may might must you your yours they them their he she his her we our us i me my "
    "there here about into over under after before any all each every some most more such only also very just one "
    "two three first next best most likely following true false".split()
)


def lint_pack(pack: Pack) -> list[Problem]:
    return [
        *_longest_answer(pack),
        *_longest_best_choice(pack),
        *_most_options_right(pack),
        *_duplicates_within(pack),
        *(p for i, s in enumerate(pack.scenarios) for p in lint_scenario(s, ("scenarios", i))),
        *_difficulty_spread(pack),
        *_importer_defaults(pack),
    ]


def _importer_defaults(pack: Pack) -> Iterator[Problem]:
    """Every field still holding a stand-in the importer wrote (``formats.defaults.DEFAULTS``)."""

    def walk(value: object, path: Path) -> Iterator[Path]:
        if isinstance(value, str):
            if value in DEFAULTS:
                yield path
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, (*path, k))
        elif isinstance(value, list):
            for k, v in enumerate(value):
                yield from walk(v, (*path, k))

    for path in walk(pack.model_dump(), ()):
        yield path, f"still the importer's stand-in text: {_WHAT_TO_WRITE.get(_field_of(path), 'write it')}"


_WHAT_TO_WRITE = {
    "explanation": "write why the right answer is right",
    "option_feedback": "write why this option is wrong",
    "wrong_feedback": "write why the other answer is wrong",
    "text": "write the assessment criterion these questions test",
    "awarding_body": "name the awarding body",
    "qualification": "name the qualification",
}


def _field_of(path: Path) -> str:
    """The field name a path ends in (an option's feedback ends in its index)."""
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else ""


# --- questions ---------------------------------------------------------------------------


def _longest_answer(pack: Pack) -> Iterator[Problem]:
    singles = [(i, q) for i, q in enumerate(pack.questions) if isinstance(q, SingleQuestion)]
    cued = []
    for i, q in singles:
        right = len(q.options[q.answer])
        others = [len(o) for k, o in enumerate(q.options) if k != q.answer]
        if others and right > max(others):
            cued.append((right / max(others), i, q))
    if singles and len(cued) / len(singles) > LONGEST_SHARE_MAX:
        worst = ", ".join(
            f"{q.id} ({ratio:.1f}x the next longest)"
            for ratio, _, q in sorted(cued, key=lambda c: (-c[0], c[1]))[:WORST_SHOWN]
        )
        yield (
            ("questions",),
            f"the right option is the longest in {len(cued)} of {len(singles)} single-choice "
            f"questions ({100 * len(cued) // len(singles)}%, more than {int(LONGEST_SHARE_MAX * 100)}%): "
            f"make the wrong options as long and as plausible; worst: {worst}",
        )


def _longest_best_choice(pack: Pack) -> Iterator[Problem]:
    """The same cue in role-plays: the choice earning the most credit is the longest text."""
    nodes, cued = 0, []
    for s in pack.scenarios:
        for node_id, node in s.nodes.items():
            choices = node.choices or []
            credits = [sum(c.criteria.values()) for c in choices]
            if not credits or credits.count(max(credits)) > 1:
                continue  # no single best move here
            nodes += 1
            best = credits.index(max(credits))
            others = [len(c.text) for k, c in enumerate(choices) if k != best]
            if len(choices[best].text) > max(others):
                cued.append((len(choices[best].text) / max(others), f"{s.id}/{node_id}"))
    if nodes and len(cued) / nodes > LONGEST_SHARE_MAX:
        worst = ", ".join(f"{name} ({ratio:.1f}x)" for ratio, name in sorted(cued, reverse=True)[:WORST_SHOWN])
        yield (
            ("scenarios",),
            f"the best-scoring choice is the longest in {len(cued)} of {nodes} role-play "
            f"nodes ({100 * len(cued) // nodes}%, more than {int(LONGEST_SHARE_MAX * 100)}%): make the weaker "
            f"choices as long and as plausible; worst: {worst}",
        )


def _most_options_right(pack: Pack) -> Iterator[Problem]:
    for i, q in enumerate(pack.questions):
        if isinstance(q, MultipleQuestion) and len(set(q.answer)) * 2 > len(q.options):
            yield (
                ("questions", i, "answer"),
                f"{len(set(q.answer))} of {len(q.options)} options are right: "
                "ticking everything scores well; add wrong options or make some right ones wrong",
            )


def content_words(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text) if t[0].isalnum() and t not in _STOP and len(t) > 2)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The Dice coefficient of two sets of content words."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _right_answer_text(q) -> str:
    if isinstance(q, SingleQuestion):
        return q.options[q.answer]
    if isinstance(q, MultipleQuestion):
        return " ".join(q.options[k] for k in q.answer)
    if isinstance(q, OrderQuestion):
        return " ".join(q.steps)
    if isinstance(q, ShortAnswerQuestion):
        return q.answers[0]  # the others are the same answer written another way
    return ""


def items(pack: Pack) -> list[tuple[Path, str, frozenset[str]]]:
    """What the duplicate check compares: (path to the item's id, a name, its words)."""
    out: list[tuple[Path, str, frozenset[str]]] = [
        (("questions", i, "id"), f"question {q.id}", content_words(f"{q.prompt} {_right_answer_text(q)}"))
        for i, q in enumerate(pack.questions)
    ]
    out += [(("myths", i, "id"), f"myth {m.id}", content_words(m.statement)) for i, m in enumerate(pack.myths)]
    return out


def _pairs(a: list, b: list | None = None) -> Iterator[tuple[tuple, tuple, float]]:
    """Pairs at or above DUPLICATE_AT (within ``a``, or between ``a`` and ``b``), found
    through an index of words so that large packs do not compare every pair."""
    others = a if b is None else b
    index: dict[str, list[int]] = {}
    for j, (_, _, words) in enumerate(others):
        for w in words:
            index.setdefault(w, []).append(j)
    for i, item in enumerate(a):
        shared = Counter(j for w in item[2] for j in index.get(w, ()) if b is not None or j > i)
        for j, n in shared.items():
            other = others[j]
            score = 2 * n / (len(item[2]) + len(other[2]))
            if score >= DUPLICATE_AT:
                yield item, other, score


def _duplicates_within(pack: Pack) -> Iterator[Problem]:
    for first, second, score in _pairs(items(pack)):
        yield second[0], f"{second[1]} is {score:.0%} alike with {first[1]}: do they test the same thing?"


def duplicates_across(pack: Pack, others: Iterable[Pack]) -> list[Problem]:
    """Items of ``pack`` that are near-duplicates of items in other packs."""
    theirs = [
        (path, f"{name} in {p.pack}", words) for p in others if p.pack != pack.pack for path, name, words in items(p)
    ]
    return [
        (mine[0], f"{mine[1]} is {score:.0%} alike with {other[1]}: do they test the same thing?")
        for mine, other, score in _pairs(items(pack), theirs)
    ]


def _difficulty_spread(pack: Pack) -> Iterator[Problem]:
    counts = Counter(q.difficulty for q in pack.questions)
    if pack.questions and not counts[3]:
        yield (
            ("questions",),
            f"no question is at difficulty 3 (1: {counts[1]}, 2: {counts[2]}, 3: 0): add "
            "questions that ask what to do next and why, or what a piece of evidence shows",
        )


# --- role-plays --------------------------------------------------------------------------


def lint_scenario(s: Scenario, base: Path) -> list[Problem]:
    return [*_credit_and_mood(s, base), *_honest_endings(s, base), *_calibration(s, base)]


def _credit_and_mood(s: Scenario, base: Path) -> Iterator[Problem]:
    for node_id, node in s.nodes.items():
        choices = node.choices or []
        for k, c in enumerate(choices):
            credit = sum(c.criteria.values())
            better = [(j, o) for j, o in enumerate(choices) if sum(o.criteria.values()) > credit and o.mood > c.mood]
            if better:
                j, o = better[0]
                yield (
                    base + ("nodes", node_id, "choices", k, "mood"),
                    f"this choice earns {credit} credit but calms the customer more ({c.mood:+d}) than choice "
                    f"{j} ({sum(o.criteria.values())} credit, mood {o.mood:+d}): the weaker move should not work "
                    "better",
                )


def _paths(s: Scenario):
    """Every path as (moves, ending, score); a reply is strong (its whole rubric) or, where
    a weak reply leads elsewhere, weak (nothing)."""
    from bot.domain.roleplay import node_options  # the engine's view of a node's ways out (lazy: no cycle)

    stack: list[tuple[str, tuple[tuple[str, int | None], ...], int]] = [(s.start, (), 0)]
    while stack:
        node_id, moves, score = stack.pop()
        if node_id in s.endings:
            yield moves, node_id, score
            continue
        for index, nxt, credit, weak in node_options(s, node_id):
            earned = 0 if weak else sum(credit.values())  # the least a weak way can earn
            stack.append((nxt, moves + ((node_id, index),), score + earned))


def _played(s: Scenario):
    """Every path with each reply node answered by each of its calibration examples, as
    (moves, ending, score): what a real partial or over-promising reply earns and where it leads."""
    from bot.domain.roleplay import all_paths

    for state in all_paths(s):
        yield (
            tuple((st.node, st.choice if st.choice is not None else st.level) for st in state.steps),
            state.node,
            sum(state.credit.values()),
        )


def _honest_endings(s: Scenario, base: Path) -> Iterator[Problem]:
    paths = list(_paths(s))
    best = max(score for _, _, score in paths)
    flagged: set[str] = set()
    for moves, ending, score in sorted([*paths, *_played(s)], key=lambda p: p[2]):
        if ending in flagged or s.endings[ending].outcome not in GOOD_OUTCOMES or score * 2 >= best:
            continue
        flagged.add(ending)
        route = " -> ".join(
            f"{n}:{'reply' if k is None else k if isinstance(k, int) else k + ' reply'}" for n, k in moves
        )
        yield (
            base + ("endings", ending, "outcome"),
            f"ending {ending!r} is labelled {s.endings[ending].outcome} but a path scoring {score} of the best "
            f"{best} reaches it ({route}): a weak path should not end well",
        )


def _calibration(s: Scenario, base: Path) -> Iterator[Problem]:
    for node_id, node in s.nodes.items():
        if node.reply is None:
            continue
        path = base + ("nodes", node_id, "reply")
        credited = {idea.criterion for idea in node.reply.rubric}
        for k, entry in enumerate(node.reply.avoid):
            if entry.criterion not in credited:
                yield (
                    path + ("avoid", k, "criterion"),
                    (
                        f"avoid entry {entry.idea!r} costs {entry.criterion}, which this rubric never credits, so it "
                        f"costs nothing: name a criterion of the rubric ({', '.join(sorted(credited))})"
                    ),
                )
        labels = {e.label for e in node.reply.examples}
        missing = [level for level in ("strong", "partial", "weak") if level not in labels]
        if missing:
            yield (
                path + ("examples",),
                (
                    f"no calibration example labelled {', '.join(missing)}: add short replies "
                    "labelled strong, partial and weak so the rubric is checked"
                ),
            )
        vocabulary = {phrase_stems(p) for idea in node.reply.rubric for p in idea.phrases}
        if not any(e.label == "weak" and _uses_any(e.text, vocabulary) for e in node.reply.examples):
            yield (
                path + ("examples",),
                (
                    "no weak example uses the rubric's own words: add a hostile or "
                    "negated reply that does, to show the rubric is not fooled by them"
                ),
            )


def _uses_any(text: str, phrases: set[tuple[str, ...]]) -> bool:
    stems = tuple(stem(t) for t in tokens(text) if t[0].isalnum())
    return any(stems[i : i + len(p)] == p for p in phrases if p for i in range(len(stems) - len(p) + 1))
