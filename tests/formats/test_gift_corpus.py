"""The GIFT importer against a third-party corpus: the test files of the GIFT PEG parser
(fuhrmanator/GIFT-grammar-PEG.js, MIT licence), kept outside the project in
``../shared/fixtures/gift-peg`` and read from there, never copied in.

Each ``NAME.gift`` comes with ``NAME.json``, the structure that parser reads from it. Every
question of a type our kinds hold must arrive with the same stem, options or answers,
right answers and feedback; every other one must be reported as skipped with its line.

Deliberate differences, normalised here rather than held against the importer:

- Our texts are Discord markdown. The parser's texts are compared after the same
  conversion the importer applies to a text of that format: HTML and Moodle's auto-format
  (which allows HTML) through ``html.to_markdown``, plain text with markdown escaped,
  markdown as written. Runs of whitespace are compared as one space (the parser keeps
  markdown's trailing double spaces and a text's line breaks; we trim them).
- True/false: the parser names the two feedbacks by position, ``trueFeedback`` for the
  first and ``falseFeedback`` for the second, whatever the answer. Moodle shows the first
  to whoever answers wrongly, so it is our ``wrong_feedback``; the second (for the right
  answer) is reported as not held.
- What our kinds cannot hold within a question they do hold is reported, not dropped:
  partial credit (a weight between 0 and 100 on an answer that is not right) and
  feedback on a right answer. Those reports are checked here too.
- A short answer's right answers are its 100% ones; ``=%0%*#feedback`` is the feedback for
  any other answer, our ``wrong_feedback``.
- Missing-word questions (the parser's ``hasEmbeddedAnswers``) and multiple choice with
  several right answers (several ``=``) are kinds we do not hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.packs.formats.bank import Bank, Item
from bot.packs.formats.gift import read_gift
from bot.packs.formats.html import escape_markdown, to_markdown

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".." / "shared" / "fixtures" / "gift-peg"
NAMES = sorted(p.stem for p in CORPUS.glob("*.gift")) if CORPUS.is_dir() else ["(corpus missing)"]

NOT_HELD = {"Description": "description", "Essay": "essay question", "Matching": "matching question"}
NOT_HELD["Numerical"] = "numerical question"


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def expected_text(text: dict[str, str] | None) -> str:
    """The parser's text as the importer would give it: Discord markdown, spaces collapsed."""
    if not text:
        return ""
    fmt, body = text["format"], text["text"]
    if fmt == "html":
        body = to_markdown(body)[0]
    elif fmt == "moodle":
        body = to_markdown(body.replace("\n", "<br>"))[0]
    elif fmt == "plain":
        body = escape_markdown(body)
    return norm(body)


def question_lines(gift: str) -> list[int]:
    """The line each question (or category) of the file starts on: the first line of each
    blank-line-separated block that is not a comment. It is what the parser's list of
    questions lines up with."""
    lines: list[int] = []
    found = False  # the current block's first line is found
    for n, line in enumerate(gift.splitlines(), start=1):
        if not line.strip():
            found = False
        elif not found and not line.lstrip().startswith("//"):
            lines.append(n)
            found = True
    return lines


def skipped_at(bank: Bank, line: int) -> list[str]:
    return [s.what for s in bank.skipped if s.line == line]


def check_held(q: dict[str, Any], item: Item, notes: list[str]) -> None:
    """One question of a kind we hold, against the parser's reading of it."""
    f = item.fields
    assert norm(f["prompt"]) == expected_text(q["stem"])
    assert item.title == (norm(q["title"]) or None)
    assert item.id == q.get("id") and item.tags == tuple(q.get("tags") or ())
    assert norm(f.get("explanation")) == expected_text(q.get("globalFeedback"))
    expected_notes: list[str] = []
    if q["type"] == "TF":
        assert f["kind"] == "true_false" and f["answer"] is q["isTrue"]
        assert norm(f.get("wrong_feedback")) == expected_text(q["trueFeedback"])
        right_feedback = [expected_text(q["falseFeedback"])]
    elif q["type"] == "Short":
        choices = q["choices"]
        right = [c for c in choices if c["text"]["text"] != "*" and c["weight"] in (None, 100)]
        anything = [c for c in choices if c["text"]["text"] == "*" and c["weight"] == 0]
        assert f["kind"] == "short_answer"
        assert [norm(a) for a in f["answers"]] == [expected_text(c["text"]) for c in right]
        assert norm(f.get("wrong_feedback")) == (expected_text(anything[0]["feedback"]) if anything else "")
        partial = [c for c in choices if c["weight"] is not None and 0 < c["weight"] < 100]
        expected_notes += [f"partial credit ({c['weight']:g}%) for " for c in partial]
        right_feedback = [expected_text(c["feedback"]) for c in right]
    else:  # multiple choice: one right answer, or weights
        choices = q["choices"]
        correct = [i for i, c in enumerate(choices) if c["isCorrect"]]
        if correct:
            assert f["kind"] == "single" and f["answer"] == correct[0]
            partial = [c for c in choices if not c["isCorrect"] and (c["weight"] or 0) > 0]
            expected_notes += [f"partial credit ({c['weight']:g}%) for " for c in partial]
        else:
            correct = [i for i, c in enumerate(choices) if (c["weight"] or 0) > 0]
            assert f["kind"] == "multiple" and f["answer"] == correct
        assert [norm(o) for o in f["options"]] == [expected_text(c["text"]) for c in choices]
        wrong_feedback = {i: expected_text(c["feedback"]) for i, c in enumerate(choices) if i not in correct}
        assert {i: norm(fb) for i, fb in f["option_feedback"].items()} == {
            i: fb for i, fb in wrong_feedback.items() if fb
        }
        right_feedback = [expected_text(choices[i]["feedback"]) for i in correct]
    if any(right_feedback):
        expected_notes.append("feedback on the right answer")
    reported = [n for n in notes if n.startswith(("partial credit", "feedback on the right answer"))]
    assert len(reported) == len(expected_notes), (reported, expected_notes)
    for note in expected_notes:
        assert any(n.startswith(note) for n in reported), (note, reported)


def not_held_as(q: dict[str, Any]) -> str | None:
    """What the importer must report the question as, or None for a kind it holds."""
    if q["type"] in NOT_HELD:
        return NOT_HELD[q["type"]]
    if q.get("hasEmbeddedAnswers"):
        return "missing-word question"
    if q["type"] == "MC" and sum(c["isCorrect"] for c in q["choices"]) > 1:
        return "multiple choice question"
    return None


@pytest.mark.parametrize("name", NAMES)
def test_each_corpus_file_reads_as_the_parser_reads_it(name):
    if not CORPUS.is_dir():
        pytest.skip(f"the third-party GIFT corpus is not at {CORPUS} (see /work/shared/fixtures/README.md)")
    gift = (CORPUS / f"{name}.gift").read_text()
    expected = json.loads((CORPUS / f"{name}.json").read_text())
    bank = read_gift(gift)
    lines = question_lines(gift)
    assert len(lines) == len(expected), "the file's questions do not line up with the parser's"
    items = {item.line: item for item in bank.items}
    for line, q in zip(lines, expected):
        notes = skipped_at(bank, line)
        if q["type"] == "Category":
            assert line not in items and notes == []
            continue
        kind = not_held_as(q)
        if kind is not None:
            assert line not in items, (line, q["type"])
            assert len(notes) == 1 and notes[0].startswith(kind), (line, notes)
            continue
        assert line in items, (line, q["type"], notes)
        check_held(q, items[line], notes)
    assert sorted(items) == [line for line, q in zip(lines, expected) if q["type"] != "Category" and not not_held_as(q)]
