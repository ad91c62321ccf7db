"""The validator: a malformed-pack corpus, the example pack, and arbitrary YAML."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.packs import parse_pack, read_pack_file

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = sorted((DATA / "bad").glob("*.yaml"))
EXPECT = re.compile(r"# expect: line (\d+) \| field (\S+) \| (.*)")


def test_the_corpus_is_large_enough():
    assert len(BAD) >= 20


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_each_malformed_pack_reports_its_file_line_and_field(path):
    line, field, message = EXPECT.match(path.read_text().splitlines()[0]).groups()
    result = read_pack_file(path)
    assert result.pack is None
    assert [(e.file, e.line, e.field or "-") for e in result.errors] == [(str(path), int(line), field)]
    assert message in result.errors[0].message
    assert str(result.errors[0]).startswith(f"{path}:{line}: ")


def test_every_problem_is_reported_not_only_the_first():
    text = (DATA / "bad" / "03_missing_title.yaml").read_text().replace("awarding_body: Body", "awarding_body: yes")
    result = parse_pack(text, "two.yaml")
    assert {e.field for e in result.errors} == {"title", "awarding_body"}


def test_the_readme_example_pack_is_valid():
    result = read_pack_file(DATA / "example_pack.yaml")
    assert result.errors == []
    kinds = {q.kind for q in result.pack.questions}
    assert kinds == {"single", "multiple", "true_false", "order"}


yaml_scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_validator(text):
    result = parse_pack(text, "fuzz.yaml")
    assert result.pack is not None or result.errors
    for e in result.errors:
        assert e.line >= 1


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "pack",
                "title",
                "awarding_body",
                "qualification",
                "criteria",
                "questions",
                "myths",
                "scenarios",
                "terms",
                "other",
            ]
        ),
        yaml_values,
    )
)
def test_arbitrary_yaml_structures_never_crash_the_validator(data):
    import yaml

    text = yaml.safe_dump(data)
    result = parse_pack(text, "fuzz.yaml")
    assert result.pack is not None or result.errors


# -- the loader's own walk builds what PyYAML would -------------------------------------------
TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "True",
    "~",
    "null",
    "",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1:30",
    "1e3",
    "-.inf",
    ".nan",
    "2026-01-01",
    "2026-01-01 09:00:00",
    "'quoted'",
    '"double"',
    "!!str 5",
    "!!int '5'",
    "!!float 1",
    "{<<: {a: 1}, b: 2}",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!binary aGVsbG8=",
    "[1, [2, {c: d}]]",
    "{1: one, 2.5: two, null: three, true: four}",
    "|\n  block\n  text\n",
    ">\n  folded\n  text\n",
]


def _standard(text):
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _ours(text):
    from bot.packs.loader import _parse_yaml

    _, data, errors = _parse_yaml(text, "x.yaml")
    assert not errors
    return data


def _same(a, b):
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("scalar", TRICKY)
def test_values_mean_what_pyyaml_says_they_mean(scalar):
    text = f"key: {scalar}"
    assert _same(_ours(text), _standard(text))


@settings(max_examples=200, deadline=None)
@given(yaml_values)
def test_any_document_builds_as_pyyaml_builds_it(data):
    import yaml

    text = yaml.safe_dump({"doc": data})
    assert _ours(text) == _standard(text)


@pytest.mark.parametrize("text, line", [("? [a, b]\n: 1\n", 1), ("pack: x\n? {a: 1}\n: 2\n", 2)])
def test_a_list_or_block_used_as_a_key_is_reported_on_its_line(text, line):
    result = parse_pack(text, "keys.yaml")
    assert result.pack is None
    assert any(e.line == line and "key must be plain text" in e.message for e in result.errors), result.errors


# -- short-answer questions ----------------------------------------------------------------------
SHORT_ANSWER = """\
pack: sa-pack
title: A pack
awarding_body: Body
qualification: Qual
criteria:
  - {id: AC1, text: Links actions to legislation.}
questions:
  - id: q1
    kind: short_answer
    prompt: Name the UK Act that gives consumers a 30-day right to reject faulty goods.
    answers: ANSWERS
    explanation: The Consumer Rights Act 2015 sets the right to reject.
    wrong_feedback: It is the Consumer Rights Act 2015.
    criteria: [AC1]
    EXTRA
myths:
  - id: old-law
    statement: The Sale of Goods Act 1979 still sets shoppers' rights today.
    verdict: myth
    correction: The Consumer Rights Act 2015 replaced it for consumer purchases.
    explanation: Quoting the old Act shows out-of-date knowledge.
    criteria: [AC1]
  - id: a-fact
    statement: Goods must be as described.
    verdict: fact
    correction: They must.
    explanation: It is in the Act.
    criteria: [AC1]
"""


def _short_answer(answers: str, extra: str = "difficulty: 2") -> str:
    return SHORT_ANSWER.replace("ANSWERS", answers).replace("EXTRA", extra)


def test_the_short_answer_test_pack_is_valid_and_lint_clean():
    from bot.packs.lint import lint_pack

    result = read_pack_file(DATA / "short_answer_pack.yaml")
    assert result.errors == []
    assert {q.kind for q in result.pack.questions} == {"short_answer"}
    assert lint_pack(result.pack) == []


def test_a_short_answer_question_with_accepted_answers_and_a_misconception_loads():
    result = parse_pack(_short_answer("[Consumer Rights Act 2015, CRA 2015]", "misconception: old-law"), "sa.yaml")
    assert result.errors == []
    q = result.pack.questions[0]
    assert (q.kind, q.answers, q.misconception) == ("short_answer", ["Consumer Rights Act 2015", "CRA 2015"], "old-law")


@pytest.mark.parametrize(
    "answers, k, message",
    [
        ("[Consumer Rights Act 2015, 'consumer rights act, 2015.']", 1, "the same answer as answers[0]"),
        ("[Consumer Rights Act, CRA, '  CONSUMER-RIGHTS ACT ']", 2, "the same answer as answers[0]"),
        ('[Consumer Rights Act, "customer\'s rights", customers rights]', 2, "the same answer as answers[1]"),
        ("[Consumer Rights Act, '...']", 1, "has no letter or digit"),
        ("['🙂🙂', Consumer Rights Act]", 0, "has no letter or digit"),
    ],
)
def test_accepted_answers_must_differ_and_say_something_once_normalised(answers, k, message):
    result = parse_pack(_short_answer(answers), "sa.yaml")
    assert result.pack is None
    assert [(e.field, e.line) for e in result.errors] == [(f"questions[0].answers[{k}]", 11)]
    assert message in result.errors[0].message


def test_accepted_answers_are_checked_when_the_question_fails_the_schema_elsewhere():
    text = _short_answer("[First Contact Resolution, first-contact resolution]", "difficulty: 9")
    fields = {e.field for e in parse_pack(text, "sa.yaml").errors}
    assert fields == {"questions[0].difficulty", "questions[0].answers[1]"}


@pytest.mark.parametrize(
    "answers, message",
    [
        ("[]", "a `short_answer` question needs at least 1 accepted answer; this one has 0"),
        (str([f"Answer {k}" for k in range(21)]), "may have at most 20 accepted answers; this one has 21"),
        ("[" + "x" * 101 + "]", "at most 100 fit here"),
        ("Consumer Rights Act", "expected a list"),
    ],
)
def test_a_bad_list_of_accepted_answers_is_explained(answers, message):
    errors = parse_pack(_short_answer(answers), "sa.yaml").errors
    assert len(errors) == 1 and errors[0].field.startswith("questions[0].answers"), errors
    assert message in errors[0].message


@pytest.mark.parametrize(
    "extra, message",
    [
        ("misconception: no-such-myth", "unknown misconception 'no-such-myth'"),
        ("misconception: a-fact", "'a-fact' is a fact, not a misconception"),
    ],
)
def test_a_short_answer_misconception_must_be_a_myth_of_the_pack(extra, message):
    errors = parse_pack(_short_answer("[Consumer Rights Act 2015]", extra), "sa.yaml").errors
    assert [(e.field, message in e.message) for e in errors] == [("questions[0].misconception", True)]


def test_an_unknown_kind_lists_short_answer_among_the_kinds():
    text = _short_answer("[Consumer Rights Act 2015]").replace("kind: short_answer", "kind: short")
    errors = parse_pack(text, "sa.yaml").errors
    assert "short_answer" in errors[0].message and "true_false" in errors[0].message


def test_two_short_answer_questions_asking_the_same_thing_are_near_duplicates():
    from bot.packs.lint import lint_pack

    pack = read_pack_file(DATA / "short_answer_pack.yaml").pack
    first = pack.questions[0]
    again = first.model_copy(update={"id": "sa-again", "answers": ["CRA 2015"], "prompt": first.prompt + " Name it."})
    warnings = lint_pack(pack.model_copy(update={"questions": [*pack.questions, again]}))
    assert any("sa-q01" in message and "sa-again" in message for _, message in warnings), warnings
