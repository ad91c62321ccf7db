"""Moodle XML: reading an export into a bank, refusing what is unsafe, writing a pack out."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from bot.packs import read_pack_file
from bot.packs.formats.bank import Bank, Item, Skipped, Unreadable, to_pack
from bot.packs.formats.defaults import DEFAULT_CRITERION
from bot.packs.formats.moodle_xml import read_moodle_xml, write_moodle_xml
from bot.packs.schema import Pack

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "formats" / "xml"
SHIPPED = sorted((ROOT / "content" / "packs").glob("*.yaml"))
KEPT = "not imported (the bot shows text only); the question is kept without it"


RIGHT_WHY = "not the explanation, which everyone sees (write that as the general feedback): "


def read(name: str) -> Bank:
    return read_moodle_xml((DATA / name).read_text(encoding="utf-8"))


def unreadable(name: str) -> Unreadable:
    with pytest.raises(Unreadable) as caught:
        read(name)
    return caught.value


def by_title(bank: Bank) -> dict[str | None, Item]:
    return {item.title: item for item in bank.items}


# --- The question types the bot holds -----------------------------------------------


def test_multichoice_single_with_html_feedback_name_id_and_tags() -> None:
    bank = read("multichoice.xml")
    assert bank.format == "moodle-xml"
    item = by_title(bank)["Escalation cue"]
    assert (item.line, item.id, item.tags, item.category) == (4, "cue-1", ("AC1", "cues"), None)
    assert item.fields == {
        "kind": "single",
        "prompt": "A customer repeats the same point, **louder** each time. What is this most likely telling you?",
        "options": ["They are not listening", "Their frustration is escalating", "They want a manager"],
        "answer": 1,
        "option_feedback": {0: "They may be listening; they do not feel **heard**."},
        "shuffle": False,
        "explanation": "Repeating a point & raising the voice are signs of *escalating* frustration.",
    }


def test_multichoice_multiple_right_is_every_positive_fraction() -> None:
    item = by_title(read("multichoice.xml"))["Steps of a complaint"]
    assert (item.line, item.id) == (57, "acarf-stages")
    assert item.fields == {
        "kind": "multiple",
        "prompt": "Which of these are stages of *ACARF*? Choose all that apply.",
        "options": ["Acknowledge", "Record", "Apologise", "Compensate"],
        "answer": [0, 2],
        # Compensate has no feedback of its own: the question's "any wrong answer" feedback.
        "option_feedback": {
            1: "You log the complaint too, but the R in ACARF is Resolve.",
            3: "Check the model's five stages again.",
        },
        "shuffle": True,
        # No general feedback: no explanation (the stand-in goes in); the right option's
        # feedback is Moodle's "well done", shown only to whoever got it right: reported.
        "explanation": "",
    }
    bank = read("multichoice.xml")
    assert (
        Skipped(
            57,
            "the feedback for the right answer in multiple choice question 'Steps of a complaint'",
            RIGHT_WHY + "'Yes: it comes first.'",
        )
        in bank.skipped
    )


def test_multichoice_without_single_is_single_when_one_answer_scores() -> None:
    item = by_title(read("multichoice.xml"))["Implied single"]
    assert item.fields["kind"] == "single"
    assert item.fields["answer"] == 1
    assert item.fields["prompt"] == "Who decides a refund above your limit?"
    assert item.fields["explanation"] == ""


def test_multichoice_partial_credit_is_reported_and_counts_as_wrong() -> None:
    bank = read("multichoice.xml")
    item = by_title(bank)["Partial credit"]
    assert (item.fields["kind"], item.fields["answer"]) == ("single", 0)
    assert item.fields["explanation"] == ""
    assert [s for s in bank.skipped if s.line != 57] == [
        Skipped(
            111,
            "the option 'Apologise at once' (50% credit) in multiple choice question 'Partial credit'",
            "partial credit is not held; it counts as wrong",
        ),
        Skipped(
            111,
            "the feedback for the right answer in multiple choice question 'Partial credit'",
            RIGHT_WHY + "'Listening first calms things.'",
        ),
        Skipped(
            132,
            "multiple choice question 'No right answer'",
            "no answer is marked right (none has a fraction above 0)",
        ),
    ]
    assert [item.title for item in bank.items] == [
        "Escalation cue",
        "Steps of a complaint",
        "Implied single",
        "Partial credit",
    ]


def test_truefalse_key_wrong_feedback_and_explanation() -> None:
    bank = read("truefalse.xml")
    writing, adjustments = bank.items
    assert (writing.line, writing.id) == (3, "tf-writing")
    assert writing.fields == {
        "kind": "true_false",
        "prompt": "A complaint only counts if it is made\nin writing.",
        "answer": False,
        "wrong_feedback": "No: a spoken complaint is still a complaint.",
        "explanation": "Any expression of dissatisfaction, spoken or written, is a complaint.",
    }
    assert adjustments.fields == {
        "kind": "true_false",
        "prompt": "A disabled customer must not be charged for a reasonable adjustment.",
        "answer": True,
        "wrong_feedback": "The customer must not pay for an adjustment.",
        # The general feedback, not the right answer's feedback (that one is reported).
        "explanation": "Under the Equality Act 2010 a service provider cannot make a disabled customer pay "
        "for a reasonable adjustment.",
    }
    assert bank.skipped == [
        Skipped(
            30,
            "the feedback for the right answer in true/false question 'Reasonable adjustments'",
            RIGHT_WHY + "'Right: the Equality Act 2010 says so.'",
        ),
        Skipped(46, "true/false question 'Missing false'", "it needs both a 'true' and a 'false' answer"),
    ]


def test_shortanswer_full_marks_answers_catch_all_feedback_and_reports() -> None:
    bank = read("shortanswer.xml")
    (item,) = bank.items
    assert (item.line, item.id, item.title) == (3, "sa-data", "Data law")
    assert item.fields == {
        "kind": "short_answer",
        "prompt": "Which UK law governs personal data in a complaint record?",
        "answers": ["UK GDPR", "Data Protection Act 2018", "Data Protection Act", "DPA 2018"],
        "wrong_feedback": "It is the **data protection** law.",
        "explanation": "UK GDPR, with the Data Protection Act 2018.",
    }
    label = "short answer question 'Data law'"
    assert bank.skipped == [
        Skipped(3, f"the answer 'GDPR*' (50% credit) in {label}", "partial credit is not held; it counts as wrong"),
        Skipped(3, f"the answer 'GDPR' (50% credit) in {label}", "partial credit is not held; it counts as wrong"),
        Skipped(
            3,
            f"the feedback for the wrong answer 'Equality Act' in {label}",
            "not held: every wrong answer gets the same feedback",
        ),
        Skipped(
            3,
            f"case-sensitive marking in {label}",
            "not held: the bot always ignores case (and spaces and punctuation)",
        ),
        Skipped(40, "short answer question 'Nothing at full marks'", "no answer is worth full marks (100%)"),
    ]
    # A wildcard in a full-marks answer is reported, and that answer left out.
    wildcard = read_moodle_xml(
        "<quiz><question type='shortanswer'><name><text>Data law</text></name>"
        "<questiontext format='plain_text'><text>Which law?</text></questiontext>"
        "<answer fraction='100'><text>Data Protection Act 2018</text></answer>"
        "<answer fraction='100'><text>*Data Protection Act 2018</text></answer>"
        "</question></quiz>"
    )
    assert wildcard.items[0].fields["answers"] == ["Data Protection Act 2018"]
    assert wildcard.skipped == [
        Skipped(
            1,
            f"the answer '*Data Protection Act 2018' in {label}",
            "the * wildcard is not held: the bot compares whole answers",
        )
    ]


def test_ordering_becomes_order_with_its_steps_in_the_file_order() -> None:
    bank = read("ordering.xml")
    heat, subset = bank.items
    assert (heat.line, heat.id) == (3, "heat")
    assert heat.fields == {
        "kind": "order",
        "prompt": "Put the **HEAT** steps in order.",
        "steps": ["Hear", "Empathise", "Apologise", "Take action"],
        "wrong_feedback": "You cannot act before you have heard the customer.",
        "explanation": "Hear, Empathise, Apologise, Take action.",
    }
    assert subset.fields["steps"] == ["One", "Two", "Three", "Four"]
    assert bank.skipped == [
        Skipped(
            43,
            "showing 3 of the 4 items in ordering question 'Subset'",
            "not held: the bot asks for every item in order",
        ),
        Skipped(
            43,
            "partial credit for a partly right order in ordering question 'Subset'",
            "not held: an order is right or wrong",
        ),
    ]


# --- What the bot does not hold ------------------------------------------------------

NOT_HELD = [
    (3, "matching question 'Capitals'", "matching questions are not held; each pair could be a single-answer question"),
    (8, "numerical question 'Refund maths'", "numbers marked within a tolerance are not held"),
    (13, "essay question 'Reflect'", "an essay is marked by a person"),
    (17, "description question 'Intro'", "it is text shown between questions, not a question"),
    (21, "embedded answers (cloze) question 'Gaps'", "answers embedded in the text are not held"),
    (25, "embedded answers (cloze) question 'Gaps again'", "answers embedded in the text are not held"),
    (29, "calculated question 'Formula'", "questions computed from a formula are not held"),
    (33, "simple calculated question 'Simple formula'", "questions computed from a formula are not held"),
    (36, "calculated multichoice question 'Formula choice'", "questions computed from a formula are not held"),
    (39, "drag and drop into text question 'Drag words'", "dragging words into gaps is not held"),
    (42, "select missing words question 'Select words'", "choosing words for gaps is not held"),
    (45, "drag and drop onto image question 'Drag onto image'", "questions on an image are not held"),
    (48, "drag and drop markers question 'Markers'", "questions on an image are not held"),
    (51, "random question 'Random (Default)'", "Moodle draws it from a category when a quiz runs"),
    (54, "random short-answer matching question 'Random matching'", "Moodle builds it from other questions"),
    (57, "'stack' question 'Maths plugin'", "the bot does not know this question type"),
    (60, "untyped question 'No type'", "the <question> has no type"),
]


def test_every_type_not_held_is_skipped_with_its_line_type_and_name() -> None:
    bank = read("not_held.xml")
    assert [(s.line, s.what) for s in bank.skipped] == [(line, what) for line, what, _ in NOT_HELD]
    for skipped, (_, _, why) in zip(bank.skipped, NOT_HELD):
        assert skipped.why.startswith(why), skipped
    # The rest of the file still arrives.
    assert [(item.line, item.title, item.fields["kind"]) for item in bank.items] == [(63, "Still read", "single")]


# --- Categories, tags, criteria, text formats, media ---------------------------------


def test_a_category_sets_the_category_of_the_questions_after_it() -> None:
    bank = read("categories.xml")
    assert [(item.title, item.line, item.category) for item in bank.items] == [
        ("First", 12, "Default for Customer Service L2"),
        ("Second", 23, "Complaints/Logging"),
        ("Third", 33, "Complaints/Logging"),
        ("Fourth", 44, "Shared: policies/procedures"),  # "//" is Moodle's "/" inside a name
        ("Fifth", 55, None),  # "$course$/top" alone is no category
    ]
    assert by_title(bank)["Second"].tags == ("AC3", "logging")
    assert by_title(bank)["Third"].fields["answer"] is False
    assert bank.title == "Default for Customer Service L2"
    assert bank.skipped == []


def test_categories_become_criteria_when_no_tag_names_one() -> None:
    converted = to_pack(read("categories.xml"), "cs-l2")
    assert converted.data["title"] == "Default for Customer Service L2"
    texts = {c["id"]: c["text"] for c in converted.data["criteria"]}
    assert [texts[q["criteria"][0]] for q in converted.data["questions"]] == [
        "Default for Customer Service L2",
        "Complaints/Logging",  # a category becomes a criterion holding its path
        "Complaints/Logging",
        "Shared: policies/procedures",
        DEFAULT_CRITERION,
    ]


def test_criterion_comments_become_the_banks_criteria_and_tags_link_them() -> None:
    bank = read("criteria.xml")
    assert bank.criteria == {
        "AC1": "Identifies the cues that frustration is escalating.",
        "AC2": "Applies a structured complaint-handling model.",
    }
    (item,) = bank.items
    assert item.tags == ("AC2", "AC1", "not-a-criterion")
    converted = to_pack(bank, "cues")
    assert converted.data["questions"][0]["criteria"] == ["AC2", "AC1"]
    assert converted.data["criteria"] == [
        {"id": "AC1", "text": "Identifies the cues that frustration is escalating."},
        {"id": "AC2", "text": "Applies a structured complaint-handling model."},
    ]


def test_each_text_format_is_converted_its_own_way() -> None:
    prompts = {item.title: item.fields["prompt"] for item in read("formats.xml").items}
    assert prompts == {
        "Plain": "Plain \\*text\\* stays as typed: 2 * 3 = 6",  # plain text: markdown escaped
        "Auto": "First line & **bold**\nsecond line\n\nnew paragraph",  # line breaks count; HTML without CDATA
        "Markdown": "**Bold** and *italic*\nnext line",  # kept; markdown's hard break dropped
        "Default": "No format attribute\nmeans Moodle's auto-format",
    }


def test_images_files_links_video_tex_and_hints_are_reported_and_the_question_kept() -> None:
    bank = read("media.xml")
    (item,) = bank.items
    assert item.fields["prompt"] == (
        "Look at the picture:\n\nWhat might folded arms show? See the notes or this page (https://example.org/cues)."
    )
    assert item.fields["options"] == ["Defensiveness", "Relaxation"]
    assert item.fields["explanation"] == (
        "Folded arms can show defensiveness; read them with the customer's tone and words.\n\n"
        "Weigh the cues together: \\\\(\\text{words} + \\text{tone} + \\text{body language}\\\\)."
    )
    label = "multiple choice question 'Body language'"
    assert bank.skipped == [
        Skipped(3, f"an embedded image in {label}", KEPT),
        Skipped(
            3,
            f"a link to a file stored in Moodle in {label}",
            "the link is not imported (the file stays in Moodle); its text is kept",
        ),
        Skipped(3, f"an embedded video in {label}", KEPT),
        Skipped(
            3,
            f"a formula written in TeX in {label}",
            "Discord does not show formulas: it is kept as its TeX source",
        ),
        Skipped(3, f"the embedded file 'unused.gif' in {label}", "files are not imported"),
        Skipped(3, f"a hint in {label}", "hints are not held"),  # the empty hint is not one
    ]


def test_a_sample_bank_becomes_a_valid_pack() -> None:
    converted = to_pack(read("multichoice.xml"), "sample")
    assert converted.questions == 4
    assert [q["id"] for q in converted.data["questions"]] == ["cue-1", "acarf-stages", "sample-q3", "sample-q4"]
    Pack.model_validate(converted.data)


# --- Unreadable files ----------------------------------------------------------------


def test_broken_xml_is_unreadable_at_the_line_expat_reports() -> None:
    error = unreadable("broken.xml")
    assert (error.line, error.message) == (6, "the file is not well-formed XML (mismatched tag, column 23)")
    assert str(error) == "line 6: the file is not well-formed XML (mismatched tag, column 23)"


def test_an_html_entity_outside_cdata_is_explained() -> None:
    error = unreadable("undefined_entity.xml")
    assert error.line == 4
    assert error.message == (
        "the file is not well-formed XML (undefined entity, column 40); "
        "HTML entities such as &nbsp; must be inside <![CDATA[ ... ]]>"
    )


def test_a_root_other_than_quiz_is_unreadable() -> None:
    error = unreadable("not_quiz.xml")
    assert (error.line, error.message) == (
        3,
        "the root element is <question_categories>, not <quiz>: this is not a Moodle XML question file",
    )


REFUSED = (
    "the file has a <!DOCTYPE> (or <!ENTITY>) declaration, which Moodle XML never has; "
    "it is refused so that no entity is expanded or fetched"
)


@pytest.mark.parametrize(("name", "line"), [("billion_laughs.xml", 2), ("xxe.xml", 3)])
def test_entity_attacks_are_refused_at_the_doctype_without_expanding(name: str, line: int) -> None:
    started = time.perf_counter()
    error = unreadable(name)
    assert time.perf_counter() - started < 0.5  # 10^9 "lol"s would take far longer
    assert (error.line, error.message) == (line, REFUSED)


def test_a_doctype_without_entities_is_refused_too() -> None:
    with pytest.raises(Unreadable) as caught:
        read_moodle_xml('<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.com/quiz.dtd">\n<quiz/>')
    assert (caught.value.line, caught.value.message) == (2, REFUSED)


def test_doctype_text_inside_cdata_is_only_text() -> None:
    xml = (
        "<quiz><question type='truefalse'><questiontext format='plain_text'>"
        "<text><![CDATA[Does <!DOCTYPE html> start a page?]]></text></questiontext>"
        "<answer fraction='100'><text>true</text></answer><answer fraction='0'><text>false</text></answer>"
        "</question></quiz>"
    )
    assert read_moodle_xml(xml).items[0].fields["prompt"] == "Does <!DOCTYPE html> start a page?"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "the file is empty"),
        ("  \n ", 1, "the file is empty"),
        ("<quiz>\n</quiz>\n<quiz/>", 3, "the file is not well-formed XML (junk after document element, column 1)"),
        ("\n\nnot xml at all", 3, "the file is not well-formed XML (syntax error, column 1)"),
        ("<quiz>" + "<b>" * 120, 1, "elements are nested more than 100 deep; Moodle XML is not"),
    ],
)
def test_other_unreadable_files(text: str, line: int, message: str) -> None:
    with pytest.raises(Unreadable) as caught:
        read_moodle_xml(text)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_an_empty_quiz_and_a_byte_order_mark_are_fine() -> None:
    bank = read_moodle_xml('\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n</quiz>\n')
    assert (bank.items, bank.skipped, bank.criteria, bank.title) == ([], [], {}, None)


# --- Writing -------------------------------------------------------------------------


def pack(**changes: Any) -> Pack:
    data: dict[str, Any] = {
        "pack": "demo",
        "title": "Complaints / escalation",
        "awarding_body": "Focus Awards",
        "qualification": "Level 2 Customer Service",
        "criteria": [
            {"id": "AC1", "text": "Spots the cues."},
            {"id": "AC2", "text": "Uses a model: acknowledge, then resolve."},
        ],
        "questions": [
            {
                "id": "d-single",
                "kind": "single",
                "prompt": "First line with **bold** & <angle> brackets\nsecond line\n\nA *new* paragraph: `code`, \\*",
                "options": ["Yes", "No", "Maybe ]]> not"],
                "answer": 0,
                "option_feedback": {1: "No, because...", 2: "Line one\nline two"},
                "explanation": "Because.",
                "criteria": ["AC1"],
                "shuffle": False,
            },
            {
                "id": "d-multi",
                "kind": "multiple",
                "prompt": "Which two?",
                "options": ["A", "B", "C", "D", "E"],
                "answer": [1, 3],
                "option_feedback": {0: "Not A.", 2: "Not C.", 4: "Not E."},
                "explanation": "B and D.",
                "criteria": ["AC1", "AC2"],
                "difficulty": 3,
            },
            {
                "id": "d-tf",
                "kind": "true_false",
                "prompt": "True?",
                "answer": False,
                "wrong_feedback": "It is false.",
                "explanation": "False because.",
                "criteria": ["AC2"],
            },
            {
                "id": "d-order",
                "kind": "order",
                "prompt": "Order them",
                "steps": ["Hear", "Empathise", "Apologise"],
                "wrong_feedback": "Hear first.",
                "explanation": "HEA.",
                "criteria": ["AC2"],
            },
            {
                "id": "d-short",
                "kind": "short_answer",
                "prompt": "Which law?",
                "answers": ["UK GDPR", "Data Protection Act 2018"],
                "wrong_feedback": "It is about data.",
                "explanation": "Data law.",
                "criteria": ["AC1"],
            },
        ],
    }
    data.update(changes)
    return Pack.model_validate(data)


def question_xml(xml: str, qid: str) -> ET.Element:
    root = ET.fromstring(xml)
    return next(q for q in root.iter("question") if q.findtext("idnumber") == qid)


def test_the_written_file_opens_with_the_criteria_and_a_category_named_after_the_pack() -> None:
    xml = write_moodle_xml(pack()).text
    assert xml.splitlines()[:6] == [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<quiz>",
        "  <!-- The revision bot's pack demo: Complaints / escalation -->",
        "  <!-- criterion AC1: Spots the cues. -->",
        "  <!-- criterion AC2: Uses a model: acknowledge, then resolve. -->",
        '  <question type="category">',
    ]
    category = ET.fromstring(xml).find("question")
    assert category is not None
    assert category.findtext("category/text") == "$course$/top/Complaints // escalation"
    assert category.findtext("info/text") == "Level 2 Customer Service (Focus Awards)"


def test_a_written_single_question() -> None:
    q = question_xml(write_moodle_xml(pack()).text, "d-single")
    assert q.get("type") == "multichoice"
    assert q.findtext("name/text") == "First line with **bold** & <angle> brackets"
    assert q.find("questiontext").get("format") == "markdown"  # type: ignore[union-attr]
    # A lone line break gets markdown's two spaces, so Moodle breaks the line too.
    assert q.findtext("questiontext/text") == (
        "First line with **bold** & <angle> brackets  \nsecond line\n\nA *new* paragraph: `code`, \\*"
    )
    assert q.findtext("generalfeedback/text") == "Because."
    assert [q.findtext(tag) for tag in ("defaultgrade", "single", "shuffleanswers", "answernumbering")] == [
        "1",
        "true",
        "0",
        "abc",
    ]
    answers = q.findall("answer")
    assert [(a.get("fraction"), a.findtext("text"), a.findtext("feedback/text")) for a in answers] == [
        ("100", "Yes", ""),
        ("0", "No", "No, because..."),
        ("0", "Maybe ]]> not", "Line one  \nline two"),
    ]
    assert [t.findtext("text") for t in q.iter("tag")] == ["AC1"]


def test_a_written_multiple_question_scores_nothing_for_ticking_everything() -> None:
    q = question_xml(write_moodle_xml(pack()).text, "d-multi")
    assert (q.findtext("single"), q.findtext("shuffleanswers")) == ("false", "1")
    fractions = [a.get("fraction") for a in q.findall("answer")]
    assert fractions == ["-33.33333", "50", "-33.33333", "50", "-33.33333"]
    assert sum(float(f or 0) for f in fractions) == pytest.approx(0, abs=1e-4)
    assert [t.findtext("text") for t in q.iter("tag")] == ["AC1", "AC2"]


@pytest.mark.parametrize(
    ("right", "options", "expected"),
    [
        ([0], 3, ["100", "-50", "-50"]),
        ([0, 1, 2], 4, ["33.33333", "33.33333", "33.33333", "-100"]),
        ([0, 1, 2, 3, 4, 5], 6, ["16.66667"] * 6),
        ([0, 1], 6, ["50", "50", "-25", "-25", "-25", "-25"]),
        ([5], 6, ["-20"] * 5 + ["100"]),
    ],
)
def test_multiple_fractions_are_in_moodles_grade_list(right: list[int], options: int, expected: list[str]) -> None:
    question = {
        "id": "m",
        "kind": "multiple",
        "prompt": "P",
        "options": [f"O{i}" for i in range(options)],
        "answer": right,
        "option_feedback": {},
        "explanation": "E",
        "criteria": ["AC1"],
    }
    q = question_xml(write_moodle_xml(pack(questions=[question])).text, "m")
    assert [a.get("fraction") for a in q.findall("answer")] == expected


def test_written_true_false_short_answer_and_ordering() -> None:
    xml = write_moodle_xml(pack()).text
    tf = question_xml(xml, "d-tf")
    assert tf.get("type") == "truefalse"
    assert [(a.get("fraction"), a.findtext("text"), a.findtext("feedback/text")) for a in tf.findall("answer")] == [
        ("0", "true", "It is false."),
        ("100", "false", ""),
    ]
    short = question_xml(xml, "d-short")
    assert (short.get("type"), short.findtext("usecase")) == ("shortanswer", "0")
    assert [(a.get("fraction"), a.findtext("text"), a.findtext("feedback/text")) for a in short.findall("answer")] == [
        ("100", "UK GDPR", ""),
        ("100", "Data Protection Act 2018", ""),
        ("0", "*", "It is about data."),
    ]
    order = question_xml(xml, "d-order")
    assert order.get("type") == "ordering"
    settings = ("layouttype", "selecttype", "selectcount", "gradingtype", "showgrading")
    assert [order.findtext(tag) for tag in settings] == ["VERTICAL", "ALL", "3", "ALL_OR_NOTHING", "SHOW"]
    assert order.findtext("incorrectfeedback/text") == "Hear first."
    assert [(a.get("fraction"), a.findtext("text")) for a in order.findall("answer")] == [
        ("1", "Hear"),
        ("2", "Empathise"),
        ("3", "Apologise"),
    ]


def test_what_moodle_xml_cannot_hold_is_returned_as_skipped() -> None:
    skipped = write_moodle_xml(pack()).left_out
    assert skipped == [Skipped(None, "the questions' difficulty", "Moodle XML has none; an import gets the default, 2")]
    extra = pack(
        terms=[{"term": "HEAT", "definition": "Hear, empathise, apologise, take action."}],
        criteria=[{"id": "AC1", "text": "Spots -- the cues"}, {"id": "AC2", "text": "Uses a model."}],
    )
    skipped = write_moodle_xml(extra).left_out
    assert skipped == [
        Skipped(None, "the comment 'criterion AC1: Spots -- the cues'", "written with '- -' for '--' and one line"),
        Skipped(None, "the questions' difficulty", "Moodle XML has none; an import gets the default, 2"),
        Skipped(None, "the pack's terms", "Moodle XML holds questions only"),
    ]


def test_the_round_trip_keeps_every_field_of_a_demanding_pack() -> None:
    original = pack()
    xml = write_moodle_xml(original).text
    converted = to_pack(read_moodle_xml(xml), original.pack)
    assert converted.skipped == []
    assert_same(original, converted.data)


# --- The round trip over the shipped packs -------------------------------------------

COMPARED = ("id", "kind", "prompt", "options", "answer", "option_feedback", "wrong_feedback", "explanation")
COMPARED += ("criteria", "steps", "answers", "shuffle")


def assert_same(original: Pack, data: dict[str, Any]) -> None:
    assert data["title"] == original.title
    assert data["criteria"] == [{"id": c.id, "text": c.text} for c in original.criteria]
    back = data.get("questions", [])
    assert [q["id"] for q in back] == [q.id for q in original.questions]
    for question, returned in zip(original.questions, back):
        written = question.model_dump()
        for name in COMPARED:
            assert returned.get(name) == written.get(name), (question.id, name)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_round_trip_over_the_shipped_packs(path: Path) -> None:
    original = read_pack_file(path).pack
    assert original is not None
    written = write_moodle_xml(original)
    xml, skipped = written.text, written.left_out
    assert all(s.line is None for s in skipped)
    bank = read_moodle_xml(xml)
    assert bank.skipped == []
    assert len(bank.items) == len(original.questions)
    converted = to_pack(bank, original.pack)
    assert converted.skipped == []
    assert_same(original, converted.data)


def test_the_shipped_packs_are_all_tried() -> None:
    assert len(SHIPPED) >= 5


def test_hostile_html_in_a_question_is_read_quickly() -> None:
    hostile = "<a x" * 50_000
    xml = (
        "<quiz><question type='truefalse'><questiontext format='html'>"
        f"<text><![CDATA[{hostile}]]></text></questiontext>"
        "<answer fraction='100'><text>true</text></answer><answer fraction='0'><text>false</text></answer>"
        "</question></quiz>"
    )
    started = time.perf_counter()
    (item,) = read_moodle_xml(xml).items
    assert time.perf_counter() - started < 1.0
    assert item.fields["prompt"] == hostile.strip()
