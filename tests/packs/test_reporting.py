"""The validator reports every problem in one run, each in the pack's own words.

A pack that fails the schema is still checked across its fields as far as the parts
that parse allow, so a tutor never fixes one round of errors to meet the next; and
pydantic's wording never reaches the tutor.
"""

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.packs import load_paths, parse_pack
from bot.packs.library import ContentLibrary

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLE = (DATA / "example_pack.yaml").read_text()
SHIPPED = sorted((Path(__file__).resolve().parents[2] / "content" / "packs").glob("*.yaml"))
# pydantic's own phrases: none of them may reach a tutor.
PYDANTIC_WORDING = re.compile(
    r"should (be|have|match)|Input should|after validation|Field required|Extra inputs"
    r"|valid (integer|string|boolean|list|dictionary)"
)

ONE_OPTION = """\
pack: bad-pack
title: A pack
awarding_body: Body
qualification: Qual
criteria:
  - {id: AC1, text: Listens actively.}
questions:
  - id: q1
    kind: single
    prompt: What comes first?
    options: [Listen]
    answer: 3
    explanation: Listening first calms the customer.
    option_feedback: {1: Arguing escalates.}
    criteria: [AC1]
"""


def edit(old: str, new: str, text: str = EXAMPLE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def report(text: str) -> list[tuple[int, str, str]]:
    result = parse_pack(text, "p.yaml")
    return [(e.line, e.field, e.message) for e in result.errors]


# -- one run reports everything ----------------------------------------------------------------


def test_one_option_and_an_answer_out_of_range_are_reported_together():
    assert report(ONE_OPTION) == [
        (11, "questions[0].options", "a `single` question needs at least 2 options; this one has 1"),
        (12, "questions[0].answer", "answer 3 is not an option index (the only option is 0)"),
    ]


def test_a_multiple_question_with_too_few_options_has_its_answers_checked_too():
    text = re.sub(r'options: \["A calm.*', "options: [Calm tone, Open posture]", EXAMPLE)
    text = edit("answer: [0, 1]", "answer: [0, 4, 1, 7]", text)
    assert report(text) == [
        (line_of(text, "[Calm tone, Open posture]"), "questions[1].options",
         "a `multiple` question needs at least 3 options; this one has 2"),
        (line_of(text, "[0, 4, 1, 7]"), "questions[1].answer", "answer 4 is not an option index (0 to 1)"),
        (line_of(text, "[0, 4, 1, 7]"), "questions[1].answer", "answer 7 is not an option index (0 to 1)"),
    ]  # fmt: skip


# A problem only a cross-field check finds: (old text, new text, field, message).
CROSS_FIELD = [
    ("criteria: [AC2]\n  - id: ex-q4", "criteria: [AC9]\n  - id: ex-q4", "questions[2].criteria[0]", "'AC9'"),
    ("id: ex-q4", "id: ex-q1", "questions[3].id", "duplicate id 'ex-q1' (also at questions[0])"),
    ("{2: ex-fix-fast}", "{2: no-such-myth}", "questions[0].misconceptions[2]", "unknown misconception"),
    ("answer: [0, 1]", "answer: [0, 1, 2, 3]", "questions[1].answer", "every option is right"),
    ("      2: Jumping", "      1: Jumping", "questions[0].option_feedback", "missing feedback for wrong option 2"),
    ("next: lost, mood: 3", "next: nowhere, mood: 3", "scenarios[0].nodes.n1.choices[1].next", "next 'nowhere'"),
    ("criteria: {AC2: 3}", "criteria: {AC7: 3}", "scenarios[0].nodes.n3.choices[1].criteria.AC7", "'AC7'"),
    ("{label: partial, text: \"Sorry about", "{label: strong, text: \"Sorry about", "scenarios[0].nodes.n2.reply"
     ".examples[1].label", "labelled strong but scores partial"),
    ("next: resolved, mood: -2", "next: n1, mood: -2", "scenarios[0].nodes.n1", "loop n1 -> n2 -> n3 -> n1"),
]  # fmt: skip


@pytest.mark.parametrize("old, new, field, message", CROSS_FIELD, ids=[c[2] for c in CROSS_FIELD])
def test_a_schema_error_does_not_hide_the_cross_field_checks(old, new, field, message):
    """With the title broken too, the run reports the title and exactly what the
    cross-field checks report on the pack without it."""
    alone = report(edit(old, new))
    assert any(f == field and message in m for _, f, m in alone), alone
    both = report(edit("title: Calming an upset customer", "title: yes", edit(old, new)))
    assert both[0][:2] == (3, "title") and "YAML boolean" in both[0][2]
    assert sorted(both[1:]) == sorted(alone)


def test_a_scenario_that_fails_the_schema_still_has_its_graph_checked():
    text = edit("next: lost, mood: 3", "next: nowhere, mood: 9")
    assert report(text) == [
        (line_of(text, "next: nowhere"), "scenarios[0].nodes.n1.choices[1].mood", "must be from -5 to 5 (got 9)"),
        (line_of(text, "next: nowhere"), "scenarios[0].nodes.n1.choices[1].next",
         "next 'nowhere' is neither a node nor an ending"),
    ]  # fmt: skip


def test_an_unreachable_node_is_found_in_a_scenario_with_a_bad_ending():
    text = edit(
        "      n3:\n",
        "      n9:\n        customer: Nobody comes here.\n        choices:\n"
        "          - {text: a, next: lost, feedback: f}\n          - {text: b, next: lost, feedback: f}\n      n3:\n",
    )
    text = edit("lost: {outcome: lost,", "lost: {outcome: gone,", text)
    fields = [f for _, f, _ in report(text)]
    assert fields == ["scenarios[0].nodes.n9", "scenarios[0].endings.lost.outcome"]  # both, in line order
    assert "cannot be reached" in report(text)[0][2]  # fmt: skip


def test_a_question_with_another_field_broken_gets_every_answer_check():
    text = edit("prompt: Which of these are de-escalation techniques?", "prompt: ''")
    text = edit("      3: Raising your voice", "      1: Raising your voice", text)
    assert [(f, m) for _, f, m in report(text)] == [
        ("questions[1].prompt", "must not be empty"),
        ("questions[1].option_feedback", "missing feedback for wrong option 3"),
        ("questions[1].option_feedback[1]", "option 1 is not a wrong option; give feedback for wrong options only"),
    ]


@pytest.mark.parametrize("path", [DATA / "example_pack.yaml", *SHIPPED], ids=lambda p: p.stem)
def test_a_valid_pack_with_one_schema_error_gets_that_error_only(path):
    """The checks on the parts that parse find nothing in a sound pack: no noise."""
    text = re.sub(r"^title: .*$", "title: [not, text]", path.read_text(), count=1, flags=re.M)
    text = re.sub(r"^(    kind: single)$", r"\1\n    colour: blue", text, count=1, flags=re.M)
    found = report(text)
    assert [f for _, f, _ in found] == ["title", "questions[0].colour"], found


def test_a_missing_or_unreadable_list_is_not_judged_against():
    text = edit("criteria:\n  - {id: AC1", "criteria: AC1\ncriteria_old:\n  - {id: AC1")
    text = edit("myths:\n  - id: ex-fix-fast", "myths: ex-fix-fast\nmyths_old:\n  - id: ex-fix-fast", text)
    fields = [f for _, f, _ in report(text)]
    assert "criteria" in fields and "myths" in fields
    assert not [f for f in fields if "criteria[" in f or "misconception" in f], fields


def test_the_errors_come_in_line_order_and_the_same_every_time():
    text = edit("pack: example-heat", "pack: example heat")
    text = edit("difficulty: 3", "difficulty: 7", text)
    text = edit("answer: 1\n", "answer: 5\n", text)
    text = edit("opening_mood: 7", "opening_mood: -1", text)
    first = report(text)
    assert [line for line, _, _ in first] == sorted(line for line, _, _ in first)
    assert len(first) == 4 and report(text) == first
    assert len(set(first)) == len(first)


def test_ids_that_clash_with_another_pack_are_reported_with_a_failed_packs_own_errors(tmp_path):
    (tmp_path / "a.yaml").write_text(EXAMPLE)
    other = edit("pack: example-heat", "pack: other-heat", EXAMPLE.replace("ex-", "ot-"))
    other = edit("id: ot-q2", "id: ex-q2", other)  # taken by a.yaml
    other = edit("difficulty: 1", "difficulty: 9", other)
    (tmp_path / "b.yaml").write_text(other)
    a, b = load_paths([tmp_path])
    assert a.pack is not None and a.errors == []
    assert b.pack is None
    assert [(e.line, e.field, e.message) for e in b.errors] == [
        (line_of(other, "difficulty: 9"), "questions[0].difficulty", "must be from 1 to 3 (got 9)"),
        (line_of(other, "id: ex-q2"), "questions[1].id", "id 'ex-q2' is already used by pack 'example-heat'"),
    ]


def test_a_failed_upload_also_lists_its_clashes_with_the_servers_packs():
    shipped = parse_pack(EXAMPLE, "example.yaml").pack
    library = ContentLibrary([shipped])
    upload = edit("pack: example-heat", "pack: mine", EXAMPLE.replace("id: ex-q2", "id: mine-q2"))
    upload = edit("title: Calming an upset customer", "title: ''", upload)
    result = library.check_upload(1, upload, "mine.yaml")
    assert result.pack is None
    assert [(e.field, e.message) for e in result.errors][:2] == [
        ("title", "must not be empty"),
        ("questions[0].id", "id 'ex-q1' is already used by pack 'example-heat'"),
    ]


# -- messages in the pack's terms --------------------------------------------------------------

MESSAGES = [
    ("pack-id-pattern", "pack: example-heat", "pack: example heat!", "pack",
     "an id may use letters, digits, '.', '_' and '-' and must start with a letter or digit (got 'example heat!')"),
    ("node-id-pattern", "      n3:\n", "      n 3:\n", "scenarios[0].nodes.n 3",
     "an id may use letters, digits, '.', '_' and '-' and must start with a letter or digit (got 'n 3')"),
    ("id-too-long", "id: ex-q4", "id: " + "q" * 41, "questions[3].id", "is 41 characters long; at most 40 fit here"),
    ("option-too-long", "Explain the delivery policy", "x" * 120, "questions[0].options[0]",
     "is 120 characters long; at most 97 fit here"),
    ("too-few-steps", "steps: [Hear, Empathise, Apologise, Take action]", "steps: [Hear, Act]", "questions[3].steps",
     "an `order` question needs at least 3 steps; this one has 2"),
    ("too-many-options", "      - Offer a refund straight away\n",
     "      - Offer a refund straight away\n      - d\n      - e\n      - f\n", "questions[0].options",
     "a `single` question may have at most 5 options; this one has 6"),
    ("no-criteria", "criteria: [AC2]\n  - id: ex-q4", "criteria: []\n  - id: ex-q4", "questions[2].criteria",
     "a `true_false` question needs at least 1 criterion; this one has 0"),
    ("misspelt-in-a-choice", "          - {text: \"I'll book", "          - {txet: \"I'll book",
     "scenarios[0].nodes.n3.choices[1].txet", "unknown key; did you mean `text`?"),
    ("missing-field", "    wrong_feedback: A promise you cannot keep turns one complaint into two.\n", "",
     "questions[2].wrong_feedback", "required field is missing: a `true_false` question needs `wrong_feedback`"),
    ("missing-top", "awarding_body: Example Awards\n", "", "awarding_body",
     "required field is missing: a pack needs `awarding_body`"),
    ("extra-misspelt", "    explanation: Promise only", "    explaination: Promise only", "questions[2].explaination",
     "unknown key; did you mean `explanation`?"),
    ("extra-unknown", "title: Calming an upset customer\n", "title: Calming an upset customer\nauthor: Me\n", "author",
     "unknown key; check its spelling (a pack may have: pack, title, awarding_body,"),
    ("number-as-text", "qualification: Example Level 2 Certificate in Customer Service", "qualification: 2",
     "qualification",
     "expected text, got the number 2: put it in quotes"),
    ("quoted-number", "difficulty: 3", "difficulty: '3'", "questions[1].difficulty",
     "expected a whole number, got the text '3': remove the quotes"),
    ("boolean-as-number", "difficulty: 3", "difficulty: yes", "questions[1].difficulty",
     "expected a whole number, got a YAML boolean"),
    ("quoted-boolean", "answer: false", "answer: 'false'", "questions[2].answer",
     "expected true or false, got the text 'false': remove the quotes"),
    ("text-not-list", "criteria: [AC2]\n  - id: ex-q4", "criteria: AC2\n  - id: ex-q4", "questions[2].criteria",
     "expected a list (written [a, b], or one '- ' line per item), got the text 'AC2'"),
    ("list-not-block", "customer: {name: Sam, situation: \"Sam's parcel is three days late and Sam is angry.\", "
     "opening_mood: 7}", "customer: [Sam]", "scenarios[0].customer",
     "expected a block of `key: value` lines, got a list"),
    ("empty-text", "title: Calming an upset customer", "title: '   '", "title", "must not be empty"),
    ("range", "difficulty: 3", "difficulty: 0", "questions[1].difficulty", "must be from 1 to 3 (got 0)"),
    ("negative-answer", "answer: 1\n", "answer: -1\n", "questions[0].answer", "must be 0 or more (got -1)"),
    ("literal", "verdict: myth", "verdict: maybe", "myths[0].verdict", "must be 'myth' or 'fact' (got 'maybe')"),
    ("unknown-kind", "kind: order", "kind: essay", "questions[3].kind", "unknown kind 'essay'; expected one of"),
    ("key-not-index", "      0: Quoting policy", "      zero: Quoting policy", "questions[0].option_feedback.zero",
     "expected a whole number, got the text 'zero'"),
]  # fmt: skip


@pytest.mark.parametrize("name, old, new, field, message", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_schema_errors_are_said_in_the_packs_terms(name, old, new, field, message):
    found = report(edit(old, new))
    ours = [m for _, f, m in found if f == field]
    assert ours and ours[0].startswith(message), found
    for _, _, m in found:
        assert not PYDANTIC_WORDING.search(m), m


def test_no_error_in_the_malformed_corpus_uses_pydantics_wording():
    for path in sorted((DATA / "bad").glob("*.yaml")):
        for _, _, message in report(path.read_text()):
            assert not PYDANTIC_WORDING.search(message), (path.name, message)


# -- robustness: any damage to a real pack is reported, never raised --------------------------

_leaf_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.text(max_size=8),
    st.lists(st.integers(0, 5), max_size=3),
    st.just({}),
)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


_EXAMPLE_DATA = yaml.safe_load(EXAMPLE)
_EXAMPLE_PATHS = [p for p in _paths(_EXAMPLE_DATA) if p]


def _replace(data, path, value):
    if len(path) == 1:
        data[path[0]] = value
    else:
        _replace(data[path[0]], path[1:], value)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_EXAMPLE_PATHS), _leaf_values), min_size=1, max_size=4))
def test_damage_anywhere_in_a_pack_is_reported_never_raised(edits):
    import copy

    data = copy.deepcopy(_EXAMPLE_DATA)
    for path, value in edits:
        try:
            _replace(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed the path
    result = parse_pack(yaml.safe_dump(data, sort_keys=False), "fuzz.yaml")
    assert result.pack is not None or result.errors
    assert [e.line for e in result.errors] == sorted(e.line for e in result.errors)
    assert len(set(result.errors)) == len(result.errors)
    for e in result.errors:
        assert e.line >= 1 and not PYDANTIC_WORDING.search(e.message), e
