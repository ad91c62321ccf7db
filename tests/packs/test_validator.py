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
