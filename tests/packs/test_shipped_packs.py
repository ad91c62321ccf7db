"""The shipped content packs, the validate command, and the library that serves packs."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.domain.roleplay import all_paths, best_path
from bot.packs import load_paths, read_pack_file
from bot.packs.library import ContentLibrary

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "content" / "packs"
FILES = sorted(PACK_DIR.glob("*.yaml"))
RESULTS = load_paths([PACK_DIR])
PACKS = {r.pack.pack: r.pack for r in RESULTS if r.pack}
EXAMPLE_TEXT = (ROOT / "tests" / "data" / "example_pack.yaml").read_text()
KINDS = {"single", "multiple", "true_false", "order"}


def test_there_are_exactly_five_packs():
    assert len(FILES) == 5
    assert len(PACKS) == 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_validates_with_zero_errors(path):
    result = read_pack_file(path)
    assert [str(e) for e in result.errors] == []
    assert result.pack is not None


def test_the_packs_validate_together():
    assert [str(e) for r in RESULTS for e in r.errors] == []


# --- what each pack must hold ----------------------------------------------------------------


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_pack_has_30_questions_of_all_four_kinds(pack_id):
    questions = PACKS[pack_id].questions
    assert len(questions) >= 30
    assert {q.kind for q in questions} == KINDS


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_pack_has_6_myths(pack_id):
    assert sum(m.verdict == "myth" for m in PACKS[pack_id].myths) >= 6


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_myth_is_linked_from_a_question(pack_id):
    pack = PACKS[pack_id]
    linked = set()
    for q in pack.questions:
        linked |= set(getattr(q, "misconceptions", {}).values())
        if getattr(q, "misconception", None):
            linked.add(q.misconception)
    myths = {m.id for m in pack.myths if m.verdict == "myth"}
    assert myths - linked == set()


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_pack_has_3_scenarios_with_3_endings_and_a_long_best_path(pack_id):
    scenarios = PACKS[pack_id].scenarios
    assert len(scenarios) >= 3
    for s in scenarios:
        assert len(s.endings) >= 3, s.id
        reached = {state.node for state in all_paths(s)}
        assert len(reached) >= 3, s.id
        assert len(best_path(s).moves) >= 4, s.id


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_pack_has_8_terms(pack_id):
    terms = PACKS[pack_id].terms
    assert len(terms) >= 8
    assert len({t.term.lower() for t in terms}) == len(terms)


def test_ids_are_unique_across_packs():
    packs = [read_pack_file(path).pack for path in FILES]  # each on its own: load_paths drops clashes
    ids = Counter(pack.pack for pack in packs)
    for pack in packs:
        ids.update(item.id for section in (pack.questions, pack.myths, pack.scenarios) for item in section)
    assert [i for i, n in ids.items() if n > 1] == []


# --- python -m bot validate --json --------------------------------------------------------------


def test_validate_json_prints_the_counts_of_the_five_packs():
    env = {k: v for k, v in os.environ.items() if k not in ("CONTENT_DIR", "DATABASE_PATH")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) - {"warnings"} == set(PACKS)
    for pack_id, pack in PACKS.items():
        assert report[pack_id] == {
            "questions": len(pack.questions),
            "myths": len(pack.myths),
            "scenarios": len(pack.scenarios),
            "terms": len(pack.terms),
            "criteria": len(pack.criteria),
        }


def test_the_shipped_packs_pass_validate_strict():
    """No linter warning on the shipped packs: no answer-length cue, no near-duplicate
    within or across them, no role-play whose credit, mood or endings disagree, every reply
    step calibrated."""
    env = {k: v for k, v in os.environ.items() if k not in ("CONTENT_DIR", "DATABASE_PATH")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--strict"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_pack_has_40_questions_and_enough_at_difficulty_3(pack_id):
    questions = PACKS[pack_id].questions
    share = sum(q.difficulty == 3 for q in questions) / len(questions)
    assert len(questions) >= 40
    assert share >= (0.35 if pack_id == "highfield-l3-unmet-expectations" else 0.20), share


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_scenario_has_a_calibrated_written_reply(pack_id):
    for s in PACKS[pack_id].scenarios:
        replies = [n.reply for n in s.nodes.values() if n.reply]
        assert replies, s.id
        assert all({e.label for e in r.examples} == {"strong", "partial", "weak"} for r in replies), s.id


# --- the content library ---------------------------------------------------------------------


@pytest.fixture
def library() -> ContentLibrary:
    return ContentLibrary(list(PACKS.values()))


def test_the_example_upload_is_accepted(library):
    result = library.check_upload(1, EXAMPLE_TEXT, "example.yaml")
    assert result.errors == []
    assert result.pack.pack == "example-heat"


def test_check_upload_refuses_a_shipped_pack_id(library):
    text = EXAMPLE_TEXT.replace("pack: example-heat", "pack: focus-l2-complaints")
    result = library.check_upload(1, text, "mine.yaml")
    assert result.pack is None
    assert [(e.field, e.line) for e in result.errors] == [("pack", 2)]
    assert "shipped pack" in result.errors[0].message


def test_check_upload_refuses_a_shipped_question_id(library):
    taken = PACKS["challenging-customers-essentials"].questions[0].id
    text = EXAMPLE_TEXT.replace("id: ex-q1", f"id: {taken}")
    result = library.check_upload(1, text, "mine.yaml")
    assert result.pack is None
    assert [e.field for e in result.errors] == ["questions[0].id"]
    assert "challenging-customers-essentials" in result.errors[0].message


def test_check_upload_reports_a_bad_pack(library):
    result = library.check_upload(1, "pack: [", "broken.yaml")
    assert result.pack is None
    assert result.errors


def test_install_upload_makes_a_question_findable_for_that_guild_only(library):
    pack = library.check_upload(1, EXAMPLE_TEXT, "example.yaml").pack
    assert library.question(1, "ex-q1") is None
    library.install_upload(1, pack, 1)
    q, owner = library.question(1, "ex-q1")
    assert (q.id, owner.pack) == ("ex-q1", "example-heat")
    assert library.myth(1, "ex-fix-fast")[0].id == "ex-fix-fast"
    assert library.scenario(1, "ex-late-parcel")[0].id == "ex-late-parcel"
    assert library.question(2, "ex-q1") is None
    assert library.question(None, "ex-q1") is None
    assert "example-heat" in [p.id for p in library.packs(1)]
    assert "example-heat" not in [p.id for p in library.packs(2)]


def test_shipped_questions_are_findable_everywhere(library):
    pack = library.check_upload(1, EXAMPLE_TEXT, "example.yaml").pack
    library.install_upload(1, pack, 1)
    qid = PACKS["focus-l2-complaints"].questions[0].id
    for guild in (1, 2, None):
        assert library.question(guild, qid)[1].pack == "focus-l2-complaints"


def test_a_new_version_of_an_upload_replaces_the_old(library):
    library.install_upload(1, library.check_upload(1, EXAMPLE_TEXT, "v1.yaml").pack, 1)
    text = EXAMPLE_TEXT.replace("Put the steps of HEAT in order.", "Order the HEAT steps.")
    result = library.check_upload(1, text, "v2.yaml")
    assert result.errors == []
    library.install_upload(1, result.pack, 2)
    assert library.pack(1, "example-heat").version == 2
    assert library.question(1, "ex-q4")[0].prompt == "Order the HEAT steps."
    assert [p.id for p in library.all_packs(1)].count("example-heat") == 1


def test_check_upload_refuses_an_id_clash_with_another_upload_of_the_guild(library):
    library.install_upload(1, library.check_upload(1, EXAMPLE_TEXT, "a.yaml").pack, 1)
    other = EXAMPLE_TEXT.replace("pack: example-heat", "pack: example-other")
    result = library.check_upload(1, other, "b.yaml")
    assert result.pack is None
    assert "example-heat" in result.errors[0].message
    assert library.check_upload(2, other, "b.yaml").errors == []


def test_set_enabled_hides_a_pack_from_packs(library):
    library.set_enabled(1, "focus-l2-complaints", False)
    assert not library.is_enabled(1, "focus-l2-complaints")
    assert "focus-l2-complaints" not in [p.id for p in library.packs(1)]
    assert "focus-l2-complaints" in [p.id for p in library.all_packs(1)]
    assert "focus-l2-complaints" in [p.id for p in library.packs(2)]
    assert len(library.packs(1)) == 4


def test_set_enabled_again_shows_the_pack(library):
    library.set_enabled(1, "focus-l2-complaints", False)
    library.set_enabled(1, "focus-l2-complaints", True)
    assert "focus-l2-complaints" in [p.id for p in library.packs(1)]


def test_an_uploaded_pack_can_be_hidden(library):
    library.install_upload(1, library.check_upload(1, EXAMPLE_TEXT, "a.yaml").pack, 1)
    library.set_enabled(1, "example-heat", False)
    assert "example-heat" not in [p.id for p in library.packs(1)]


def test_from_folder_loads_the_shipped_packs():
    library = ContentLibrary.from_folder(ROOT / "content")
    assert sorted(p.id for p in library.packs(None)) == sorted(PACKS)
    assert all(p.source == "shipped" for p in library.packs(None))


def test_from_a_missing_folder_serves_nothing(tmp_path):
    assert ContentLibrary.from_folder(tmp_path / "nowhere").packs(None) == []
