"""GIFT: each kind the bot holds read with its feedback, each kind it cannot hold named
with its line, and a pack written out and read back unchanged."""

from pathlib import Path

import pytest

from bot.packs import read_pack_file
from bot.packs.formats.bank import DEFAULT_FEEDBACK, Unreadable, to_pack
from bot.packs.formats.gift import read_gift, write_gift
from bot.packs.schema import Pack

DATA = Path(__file__).parents[1] / "data" / "formats" / "gift"
PACKS = sorted((Path(__file__).parents[2] / "content" / "packs").glob("*.yaml"))
RIGHT_FEEDBACK_WHY = "not the explanation, which everyone sees (write that after ####): "
PARTIAL_WHY = "not held: a pack question's answers are right or wrong, so this one counts as wrong"


def read(name: str):
    return read_gift((DATA / name).read_text())


# Reading: the kinds the bot holds.


def test_each_kind_arrives_with_its_options_answers_and_feedback():
    bank = read("kinds.gift")
    assert bank.format == "gift"
    assert [(item.line, item.fields) for item in bank.items] == [
        (
            8,
            {
                "kind": "single",
                "prompt": "A customer repeats the same point three times, louder each time. "
                "What is this most likely telling you?",
                "options": ["Their frustration is building", "They did not hear you", "They want a manager"],
                "answer": 0,
                "option_feedback": {1: "They may well have heard you; they do not feel helped yet."},
                "explanation": "Repetition and a rising voice are verbal cues that a query is becoming a complaint.",
            },
        ),
        (
            16,
            {
                "kind": "multiple",
                "prompt": "Which of these are signs that frustration is escalating?",
                "options": [
                    "A raised voice",
                    "Folded arms and sighing",
                    "Asking about the price",
                    "Smiling and thanking you",
                ],
                "answer": [0, 1],
                "option_feedback": {2: "That is an ordinary question."},
            },
        ),
        (
            23,
            {
                "kind": "multiple",
                "prompt": "Which stages come before resolving the complaint?",
                "options": ["Acknowledge", "Clarify", "Apologise", "Follow up"],
                "answer": [0, 1, 2],
                "option_feedback": {3: "Following up comes after the remedy."},
            },
        ),
        (
            32,
            {
                "kind": "true_false",
                "prompt": "Apologising to a customer is an admission of legal liability.",
                "answer": False,
                "wrong_feedback": "An apology is not, on its own, an admission of legal liability: "
                "you can say sorry for how they feel or for what went wrong.",
                "explanation": "Saying sorry for the experience is not admitting liability.",
            },
        ),
        (35, {"kind": "true_false", "prompt": "Following up checks that the remedy worked.", "answer": True}),
        (
            37,
            {
                "kind": "short_answer",
                "prompt": "Which model stands for Hear, Empathise, Apologise, Take action?",
                "answers": ["HEAT", "The HEAT model"],
                "explanation": "HEAT: hear them out, empathise, apologise, then take action.",
                "wrong_feedback": "Think of the four steps of calming a customer.",
            },
        ),
        (
            45,
            {
                "kind": "short_answer",
                "prompt": "After Acknowledge, Clarify, Apologise and Resolve, "
                "what is the last stage of the complaint-handling model?",
                "answers": ["Follow-up"],
            },
        ),
        (
            47,
            {
                "kind": "single",
                "prompt": "What should you do first when a customer complains?",
                "options": ["Apologise", "Listen to the whole complaint", "Offer a refund"],
                "answer": 1,
                "option_feedback": {0: "Good, but listen first.", 2: "Not before you know what happened."},
            },
        ),
    ]


def test_titles_ids_tags_and_categories_come_from_the_file():
    bank = read("kinds.gift")
    assert [(i.title, i.id, i.tags, i.category) for i in bank.items] == [
        ("Repeating", "signs-1", ("AC1",), "Complaints/Signs"),
        ("Signs to watch", None, ("AC1", "AC2"), "Complaints/Signs"),
        ("Three right", None, (), "Complaints/Signs"),
        (None, None, (), "Complaints/Model"),
        ("Follow up", "model-tf2", (), "Complaints/Model"),
        ("Model name", None, (), "Complaints/Model"),
        (None, None, (), "Complaints/Model"),
        ("Best first step", None, (), "Complaints/Model"),
    ]
    assert bank.criteria == {
        "AC1": "Identifies the signs that a customer's frustration is escalating.",
        "AC2": "Applies a structured complaint-handling model.",
    }


def test_partial_credit_and_feedback_on_right_answers_are_reported_not_dropped():
    assert [(s.line, s.what, s.why) for s in read("kinds.gift").skipped] == [
        (
            16,
            "feedback on the right answer in multiple question 'Signs to watch'",
            RIGHT_FEEDBACK_WHY + "'Body language counts too.'",
        ),
        (
            32,
            "feedback on the right answer in true/false question 'Apologising to a customer is an admission of lega…'",
            RIGHT_FEEDBACK_WHY + "'Right: an apology is not, on its own, an admission of liability.'",
        ),
        (37, "partial credit (50%) for 'HEAR' in short answer question 'Model name'", PARTIAL_WHY),
        (47, "partial credit (25%) for 'Apologise' in single question 'Best first step'", PARTIAL_WHY),
        (
            47,
            "feedback on the right answer in single question 'Best first step'",
            RIGHT_FEEDBACK_WHY + "'Yes: you cannot put right what you have not heard.'",
        ),
    ]


def test_as_a_pack_tags_naming_our_criteria_are_criteria_and_a_category_stands_in_for_the_rest():
    converted = to_pack(read("kinds.gift"), "complaints")
    assert converted.questions == 8 and converted.skipped == read("kinds.gift").skipped
    text = {c["id"]: c["text"] for c in converted.data["criteria"]}
    ac1, ac2 = text["AC1"], text["AC2"]
    assert ac1 == "Identifies the signs that a customer's frustration is escalating."
    assert [(q["id"], [text[c] for c in q["criteria"]]) for q in converted.data["questions"]] == [
        ("signs-1", [ac1]),
        ("complaints-q2", [ac1, ac2]),
        ("complaints-q3", ["Complaints/Signs"]),
        ("complaints-q4", ["Complaints/Model"]),
        ("model-tf2", ["Complaints/Model"]),
        ("complaints-q6", ["Complaints/Model"]),
        ("complaints-q7", ["Complaints/Model"]),
        ("complaints-q8", ["Complaints/Model"]),
    ]
    multiple = converted.data["questions"][1]
    assert multiple["option_feedback"] == {2: "That is an ordinary question.", 3: DEFAULT_FEEDBACK}


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ true }", True), ("{f}", False)],
)
def test_true_false_answers_in_any_case(block, answer):
    (item,) = read_gift(f"The customer is always right.{block}").items
    assert item.fields == {"kind": "true_false", "prompt": "The customer is always right.", "answer": answer}


def test_true_false_first_feedback_is_for_the_wrong_answer_even_when_true_is_right():
    bank = read_gift("Escalating is allowed.{TRUE#No: escalating within policy is good service.}")
    assert bank.items[0].fields["wrong_feedback"] == "No: escalating within policy is good service."
    assert bank.skipped == []


def test_weights_with_decimals_and_negatives():
    bank = read_gift("Continents? {~%33.33333%Africa ~%33.33333%Asia ~%-100%China ~%33.3%Antarctica ~%-50%Paris}")
    assert bank.items[0].fields["answer"] == [0, 1, 3]
    assert bank.items[0].fields["kind"] == "multiple"


def test_a_single_answer_in_braces_with_no_equals_sign_is_a_short_answer():
    (item,) = read_gift("How do you write the number 1? {One}").items
    assert item.fields == {"kind": "short_answer", "prompt": "How do you write the number 1?", "answers": ["One"]}


def test_a_short_answer_wrong_answer_with_its_own_feedback_is_reported():
    bank = read_gift("Capital of France? {=Paris =%0%Lyon#Lyon is its second city.}")
    assert bank.items[0].fields["answers"] == ["Paris"]
    assert [(s.line, s.what, s.why) for s in bank.skipped] == [
        (
            1,
            "the wrong answer 'Lyon' and its feedback in short answer question 'Capital of France?'",
            "not held: one wrong_feedback serves every wrong answer",
        )
    ]


# Reading: comments, escapes and formats.


def test_comments_are_ignored_and_their_ids_tags_and_criteria_read():
    text = (
        "// criterion AC9: Explains the refund policy.\n"
        "//criterion bad id: not a criterion note\n"
        "\n"
        "// [id:refund-1]\n"
        "  // [tag:AC9] [tag:refunds] [id:second-id-is-ignored]\n"
        "::Refunds:: A refund is a legal right for faulty goods.\n"
        "// a comment inside the question\n"
        "{T}\n"
    )
    bank = read_gift(text)
    (item,) = bank.items
    assert (item.line, item.id, item.tags, item.title) == (6, "refund-1", ("AC9", "refunds"), "Refunds")
    assert item.fields["prompt"] == "A refund is a legal right for faulty goods."
    assert bank.criteria == {"AC9": "Explains the refund policy."}
    assert to_pack(bank, "p").data["questions"][0]["criteria"] == ["AC9"]


def test_escaped_specials_backslashes_and_line_breaks():
    bank = read("escapes.gift")
    first, second = bank.items
    assert first.title == "Escapes: all six"
    assert first.fields == {
        "kind": "single",
        "prompt": "Which of these is written {like this} in GIFT?",
        "options": ["~ a tilde", "= an equals sign", "# a hash sign", ": a colon\nor a brace }"],
        "answer": 0,
        "option_feedback": {1: "An equals sign is written \\=."},
        "explanation": "A backslash is written \\\\, and \\n is a line break\nlike this one.",
    }
    # the default (moodle) format shows the characters as written: Discord's markdown is escaped
    assert second.fields["prompt"] == "Is 3 * 4 = 12 in a 100% \\*bold\\* claim?"
    assert bank.skipped == []


def test_text_formats_become_discord_markdown_and_what_html_drops_is_reported():
    bank = read("formats.gift")
    html, markdown, moodle, plain = bank.items
    assert html.fields == {
        "kind": "single",
        "prompt": "Which law gives a consumer the **right to a repair** of faulty goods?",
        "options": ["The Consumer Rights Act 2015", "The *Equality* Act 2010", "The Data Protection Act 2018"],
        "answer": 0,
        "option_feedback": {1: "It protects against *discrimination*.", 2: "It covers personal data, not \\*goods\\*."},
        "explanation": "See the legislation (https://www.legislation.gov.uk/).",
    }
    assert markdown.fields["prompt"] == "Which is **not** a stage of the model?\n- Acknowledge\n- Resolve"
    assert markdown.fields["options"] == ["Complain", "\\*Acknowledge\\*", "Resolve"]  # [plain] on its own
    assert moodle.fields["prompt"] == (
        "Moodle's own format allows **HTML** and a line\nbreak; this text is written over two lines of the file."
    )
    assert plain.fields["prompt"] == "Plain text shows \\*stars\\* and 1. as they are."
    assert [(s.line, s.what, s.why) for s in bank.skipped] == [
        (
            1,
            "an embedded image in single question 'HTML'",
            "Discord shows text only; the rest of the question is imported",
        )
    ]


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("$course$/top/Complaints/Signs", "Complaints/Signs"),
        ("$system$/top/Unit 1: Topic", "Unit 1: Topic"),
        ("$course$/Old style", "Old style"),
        ("Plain/Path", "Plain/Path"),
        ("$course$/top/Refunds // returns", "Refunds / returns"),
        ("$course$/top", None),
    ],
)
def test_a_category_path_loses_its_moodle_prefix(path, category):
    bank = read_gift(f"$CATEGORY: {path}\n\nQ?{{T}}")
    assert bank.items[0].category == category


def test_a_category_sets_only_the_questions_after_it():
    bank = read_gift("Before?{T}\n\n$CATEGORY: $course$/top/A\n\nIn A?{T}\n\n$CATEGORY: $course$/top/B\nIn B?{T}")
    assert [(i.line, i.category) for i in bank.items] == [(1, None), (5, "A"), (8, "B")]


# Reading: what the bot cannot hold, and files it cannot read.


def test_every_kind_the_bot_cannot_hold_is_named_with_its_line_and_why():
    bank = read("not_held.gift")
    assert [(s.line, s.what) for s in bank.skipped] == [
        (3, "essay question 'Essay'"),
        (5, "numerical question 'Numerical'"),
        (7, "matching question 'Matching'"),
        (13, "description 'Instructions'"),
        (15, "missing-word question 'Missing word'"),
        (17, "multiple choice question 'Either is right'"),
        (23, "multiple choice question 'No right answer'"),
        (28, "short answer question 'No full marks'"),
        (30, "multiple choice question 'Stray text'"),
        (32, "missing-word question 'The first stage is _____ and the last is _____.'"),
    ]
    why = {s.line: s.why for s in bank.skipped}
    assert why[3] == "an essay ({}) needs a person to mark it; the bot marks every answer itself"
    assert why[5] == "the bot has no numerical kind ({#...}: a number within a tolerance); write it as a short answer"
    assert why[7] == "the bot has no matching kind (=item -> match)"
    assert why[13] == (
        "it has no answer block { }, so it is text shown between questions (Moodle's description), not a question"
    )
    assert (
        why[15]
        == why[32]
        == (
            "its answers sit inside the sentence (there is text after the closing }); "
            "the bot shows the answers after the question, so put the { } at the end"
        )
    )
    assert why[17].startswith("it has 2 right answers (=), and Moodle gives full marks for any one of them")
    assert why[23] == "no answer is right: none has = or a positive ~%n% weight"
    assert why[28] == "none of its answers is worth 100%"
    assert why[30] == "'oops' comes before its first = or ~ answer"
    assert [(i.line, i.fields["prompt"]) for i in bank.items] == [(34, "A question after them still imports.")]


def test_an_unclosed_brace_is_unreadable_at_its_line():
    with pytest.raises(Unreadable) as caught:
        read("unclosed.gift")
    assert caught.value.line == 3
    assert caught.value.message == (
        "this { is not closed: a blank line or the end of the file comes before its } (write \\{ for a brace in text)"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Q1?{T}\n\nWhich stage\ncomes first? =Acknowledge}", 4, "this } closes no { (write \\} for a brace in text)"),
        (
            "Q1?{T}\n\nWhich {stage\n{=Acknowledge}",
            3,
            "this { is not closed before the next { (write \\{ for a brace in text)",
        ),
        ("// a comment\nQ? {\n=A", 2, None),
    ],
)
def test_braces_that_do_not_pair_are_unreadable(text, line, message):
    with pytest.raises(Unreadable) as caught:
        read_gift(text)
    assert caught.value.line == line
    if message:
        assert caught.value.message == message


def test_a_file_without_questions_is_an_empty_bank():
    bank = read_gift("// only comments\n\n$CATEGORY: $course$/top/Empty\n\n   \n")
    assert (bank.items, bank.skipped, bank.criteria) == ([], [], {})


# Writing.

SMALL = {
    "pack": "mini",
    "title": "Mini pack: complaints/escalation",
    "awarding_body": "Test",
    "qualification": "Test",
    "criteria": [{"id": "AC1", "text": "Handles complaints."}, {"id": "AC2", "text": "Escalates within authority."}],
    "questions": [
        {
            "id": "q1",
            "kind": "single",
            "prompt": "Which comes first?",
            "options": ["Listen", "Refund: 100%"],
            "answer": 0,
            "option_feedback": {1: "Not yet = later."},
            "explanation": "Listen first.",
            "criteria": ["AC1"],
        },
        {
            "id": "q2",
            "kind": "multiple",
            "prompt": "Which are signs?",
            "options": ["Raised voice", "Folded arms", "A smile"],
            "answer": [0, 1],
            "option_feedback": {2: "A smile is fine."},
            "explanation": "Voice and body.",
            "criteria": ["AC1", "AC2"],
        },
        {
            "id": "q3",
            "kind": "true_false",
            "prompt": "Escalating is poor service.",
            "answer": False,
            "wrong_feedback": "It is right within policy.",
            "explanation": "Escalate beyond your authority.",
            "criteria": ["AC2"],
        },
        {
            "id": "q4",
            "kind": "order",
            "prompt": "Put HEAT in order.",
            "steps": ["Hear", "Empathise", "Apologise", "Take action"],
            "wrong_feedback": "H, E, A, T.",
            "explanation": "HEAT.",
            "criteria": ["AC1"],
        },
        {
            "id": "q5",
            "kind": "short_answer",
            "prompt": "Name the model.",
            "answers": ["HEAT", "The HEAT model"],
            "wrong_feedback": "Think of four steps.",
            "explanation": "Hear, Empathise, Apologise, Take action.",
            "criteria": ["AC1"],
        },
    ],
}

SMALL_GIFT = """\
// Mini pack: complaints/escalation (pack mini), written as Moodle GIFT by the revision bot.
// The criterion lines below let the bot import this file again with its criteria.
// criterion AC1: Handles complaints.
// criterion AC2: Escalates within authority.

$CATEGORY: $course$/top/Mini pack: complaints//escalation

// [id:q1] [tag:AC1]
::q1::[markdown]Which comes first?{
\t=Listen
\t~Refund\\: 100%#Not yet \\= later.
\t####Listen first.
}

// [id:q2] [tag:AC1] [tag:AC2]
::q2::[markdown]Which are signs?{
\t~%50%Raised voice
\t~%50%Folded arms
\t~%-100%A smile#A smile is fine.
\t####Voice and body.
}

// [id:q3] [tag:AC2]
::q3::[markdown]Escalating is poor service.{FALSE#It is right within policy.####Escalate beyond your authority.}

// [id:q5] [tag:AC1]
::q5::[markdown]Name the model.{
\t=HEAT
\t=The HEAT model
\t=%0%*#Think of four steps.
\t####Hear, Empathise, Apologise, Take action.
}
"""


def test_a_pack_is_written_as_gift_with_its_criteria_ids_tags_and_feedback():
    written = write_gift(Pack.model_validate(SMALL))
    text, skipped = written.text, written.left_out
    assert text == SMALL_GIFT
    assert [(s.line, s.what, s.why) for s in skipped] == [
        (
            None,
            "order question q4",
            "GIFT has no question that puts steps in order (Moodle's ordering question type has no GIFT form)",
        )
    ]


@pytest.mark.parametrize(
    ("right", "wrong", "weights"),
    [
        (1, 2, ["100", "-50", "-50"]),
        (3, 1, ["33.33333", "33.33333", "33.33333", "-100"]),
        (2, 3, ["50", "50", "-33.33333", "-33.33333", "-33.33333"]),
        (6, 0, ["16.66667"] * 6),
        (1, 5, ["100", "-20", "-20", "-20", "-20", "-20"]),
    ],
)
def test_multiple_weights_share_100_among_the_right_options_and_minus_100_among_the_wrong(right, wrong, weights):
    options = [f"Option {n}" for n in range(right + wrong)]
    data = SMALL | {
        "questions": [
            {
                "id": "m",
                "kind": "multiple",
                "prompt": "Which?",
                "options": options,
                "answer": list(range(right)),
                "option_feedback": {},
                "explanation": "Because.",
                "criteria": ["AC1"],
            }
        ]
    }
    text = write_gift(Pack.model_validate(data)).text
    assert [line.split("%")[1] for line in text.splitlines() if line.startswith("\t~")] == weights


TRICKY = SMALL | {
    "questions": [
        {
            "id": "t1",
            "kind": "single",
            "prompt": "Line one: {braces}, a ~tilde~, = signs, #hash, a back\\slash, \\n as written"
            "\n\n//and a new paragraph",
            "options": ["%50% off", "[html] is a tag", "A -> B", "Ends with a backslash \\"],
            "answer": 1,
            "option_feedback": {0: "[plain] a marker", 2: "It has ## hashes ####", 3: "Escaped: \\\\ twice"},
            "explanation": "::Not a title:: [markdown] **bold** _and_ `code`\n- a list",
            "criteria": ["AC1", "AC2"],
            "misconceptions": {0: "m1"},
            "difficulty": 3,
            "shuffle": False,
        },
        {
            "id": "t2",
            "kind": "multiple",
            "prompt": "[html] <b>not html</b>",
            "options": ["%25% a", "b = c", "{d}", "~%-50%e"],
            "answer": [0, 1, 2],
            "option_feedback": {3: "%-50% is not a weight here"},
            "explanation": "The first three.",
            "criteria": ["AC1"],
        },
        {
            "id": "t3",
            "kind": "true_false",
            "prompt": "TRUE",
            "answer": True,
            "wrong_feedback": "#FALSE#",
            "explanation": "####",
            "criteria": ["AC2"],
        },
        {
            "id": "t4",
            "kind": "short_answer",
            "prompt": "What is 50% of 10?",
            "answers": ["%5", "five", "5 (five)"],
            "wrong_feedback": "~Half~ of it.",
            "explanation": "Half of 10 is 5.",
            "criteria": ["AC1"],
        },
    ]
}

ROUND_TRIP_FIELDS = (
    "id",
    "kind",
    "prompt",
    "options",
    "answer",
    "answers",
    "option_feedback",
    "wrong_feedback",
    "explanation",
    "criteria",
)


def assert_round_trip(pack: Pack) -> None:
    written = write_gift(pack)
    text, skipped = written.text, written.left_out
    converted = to_pack(read_gift(text), pack.pack)
    assert converted.skipped == []
    assert converted.data["criteria"] == [{"id": c.id, "text": c.text} for c in pack.criteria]
    exported = [q for q in pack.questions if q.kind != "order"]
    questions_left_out = [s.what for s in skipped if s.what.endswith(tuple(q.id for q in pack.questions))]
    assert questions_left_out == [f"order question {q.id}" for q in pack.questions if q.kind == "order"]
    assert written.questions == len(exported)
    assert [q["id"] for q in converted.data.get("questions", [])] == [q.id for q in exported]
    for original, back in zip(exported, converted.data.get("questions", [])):
        expected = original.model_dump(include=set(ROUND_TRIP_FIELDS))
        assert {k: back.get(k) for k in expected} == expected, original.id


@pytest.mark.parametrize("path", PACKS, ids=[p.stem for p in PACKS])
def test_every_shipped_pack_comes_back_from_gift_with_the_same_questions(path):
    result = read_pack_file(path)
    assert result.pack is not None, result.errors
    assert_round_trip(result.pack)


def test_special_characters_markers_and_line_breaks_come_back_unchanged():
    assert_round_trip(Pack.model_validate(TRICKY))


def test_no_written_question_holds_a_blank_line():
    text = write_gift(Pack.model_validate(TRICKY)).text
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 2 + 4 and all(block.strip() for block in blocks)


def test_shipped_packs_exist():
    assert len(PACKS) >= 5


def test_a_short_answer_with_an_arrow_is_not_written_as_gift_would_read_it_as_matching():
    question = SMALL["questions"][4] | {"id": "arrow", "answers": ["File -> Save"]}
    written = write_gift(Pack.model_validate(SMALL | {"questions": [question]}))
    text, skipped = written.text, written.left_out
    assert "::arrow::" not in text
    assert [(s.line, s.what, s.why) for s in skipped] == [
        (
            None,
            "short answer question arrow",
            "GIFT reads '->' among a short answer's answers or feedback as a matching question, and has no escape "
            "for it",
        )
    ]


def test_an_option_too_long_for_a_select_menu_is_read_and_left_to_to_pack_to_report():
    long_option = "A " + "very " * 20 + "long option"
    bank = read_gift(f"::Long::Which? {{=Short ~{long_option}}}")
    assert bank.items[0].fields["options"] == ["Short", long_option] and bank.skipped == []
    converted = to_pack(bank, "p")
    assert converted.questions == 0
    assert [(s.line, s.what) for s in converted.skipped] == [(1, "single question 'Long'")]
    assert converted.skipped[0].why.startswith("options.1: ")
