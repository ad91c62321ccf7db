"""Aiken files: every well-formed block a single-answer question, every other one named."""

from pathlib import Path

from bot.packs.formats.aiken import read_aiken
from bot.packs.formats.bank import DEFAULT_EXPLANATION, DEFAULT_FEEDBACK, to_pack

SAMPLE = Path(__file__).parents[1] / "data" / "formats" / "aiken" / "complaints.txt"


def test_well_formed_blocks_become_single_questions_with_the_keyed_answer():
    bank = read_aiken(SAMPLE.read_text())
    assert [i.line for i in bank.items] == [1, 8]
    first, second = (i.fields for i in bank.items)
    assert first == {
        "kind": "single",
        "prompt": "Which law gives consumers the right to a repair or replacement when goods are faulty?",
        "options": [
            "The Consumer Rights Act 2015",
            "The Data Protection Act 2018",
            "The Equality Act 2010",
            "The Consumer Protection Act 1987",
        ],
        "answer": 0,
    }
    assert second["answer"] == 1 and second["options"][1].startswith("Stay calm")  # "B)" letters too


def test_each_malformed_block_is_reported_with_its_line_and_why():
    bank = read_aiken(SAMPLE.read_text())
    assert [(s.line, s.why) for s in bank.skipped] == [
        (14, "ANSWER: C, but the options stop at B"),
        (19, "a question needs at least two lettered options (A. and B.)"),
        (23, "option C is out of order (expected B)"),
        (28, "the block has no ANSWER: line"),
    ]
    assert bank.skipped[0].what == "question 'Which of these is an open question?'"


def test_what_aiken_lacks_gets_the_defaults():
    converted = to_pack(read_aiken(SAMPLE.read_text()), "aiken-sample")
    q = converted.data["questions"][0]
    assert q["id"] == "aiken-sample-q1" and q["criteria"] == ["imported"]
    assert q["explanation"] == DEFAULT_EXPLANATION
    assert q["option_feedback"] == {1: DEFAULT_FEEDBACK, 2: DEFAULT_FEEDBACK, 3: DEFAULT_FEEDBACK}
