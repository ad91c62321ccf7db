"""The pack linter: each rule has a pack that trips it and one that does not."""

from pathlib import Path

import yaml

from bot.packs import parse_pack
from bot.packs.lint import DUPLICATE_AT, content_words, duplicates_across, lint_pack, similarity
from bot.packs.schema import Pack

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = yaml.safe_load((ROOT / "tests" / "data" / "example_pack.yaml").read_text())


def pack(change=None) -> Pack:
    data = yaml.safe_load(yaml.safe_dump(EXAMPLE))
    if change:
        change(data)
    return Pack.model_validate(data)


def messages(p: Pack) -> str:
    return "\n".join(m for _, m in lint_pack(p))


def single(qid: str, options: list[str], answer: int, prompt: str) -> dict:
    return {
        "id": qid,
        "kind": "single",
        "prompt": prompt,
        "options": options,
        "answer": answer,
        "explanation": "Because.",
        "criteria": ["AC1"],
        "option_feedback": {k: "Not this one." for k in range(len(options)) if k != answer},
    }


def test_the_example_pack_is_clean():
    assert lint_pack(pack()) == []


# --- longest answer ---------------------------------------------------------------------------


def with_singles(longest_right: int, total: int):
    def change(data):
        for n in range(total):
            right = "a much longer and more detailed right answer" if n < longest_right else "short right"
            data["questions"].append(
                single(
                    f"ex-long{n}",
                    [right, f"wrong option number {n}", "another wrong one"],
                    0,
                    f"Unrelated prompt {n} about topic {n * 7}?",
                )
            )

    return change


def test_the_right_option_longest_in_most_singles_is_flagged_with_the_worst():
    text = messages(pack(with_singles(6, 8)))
    assert "the right option is the longest in" in text and "ex-long0" in text


def test_the_right_option_longest_sometimes_is_fine():
    assert "longest" not in messages(pack(with_singles(2, 8)))


# --- most options right ------------------------------------------------------------------------


def test_a_multiple_question_with_most_options_right_is_flagged():
    def change(data):
        data["questions"][1]["answer"] = [0, 1, 3]
        data["questions"][1]["option_feedback"] = {2: "No."}

    assert "3 of 4 options are right" in messages(pack(change))
    assert "options are right" not in messages(pack())


# --- near-duplicates ---------------------------------------------------------------------------


def test_a_true_false_restating_a_myth_is_flagged():
    def change(data):
        data["questions"][2]["prompt"] = "The fastest fix is always the best service."

    assert "alike with" in messages(pack(change))


def test_different_items_are_not_flagged():
    assert "alike" not in messages(pack())


def test_duplicates_across_packs():
    other = pack(lambda d: d.update(pack="other-pack"))
    found = duplicates_across(pack(), [other])
    assert found and all("in other-pack" in m for _, m in found)
    assert duplicates_across(pack(), []) == []


def test_similarity_is_the_dice_coefficient_of_content_words():
    a, b = content_words("Listen to the customer first"), content_words("Listen to the customer before acting")
    assert similarity(a, b) == 2 * len(a & b) / (len(a) + len(b))
    assert similarity(a, a) == 1.0 >= DUPLICATE_AT


# --- role-plays --------------------------------------------------------------------------------


def test_a_weaker_choice_that_calms_more_is_flagged():
    def change(data):
        data["scenarios"][0]["nodes"]["n3"]["choices"][0]["mood"] = -3  # 2 credit, calmer than the 3-credit one

    assert "calms the customer more" in messages(pack(change))
    assert "calms the customer more" not in messages(pack())


def test_a_good_ending_reached_by_a_weak_path_is_flagged():
    def change(data):
        data["scenarios"][0]["nodes"]["n1"]["choices"][1]["next"] = "resolved"  # the dismissive reply ends well

    assert "ending 'resolved' is labelled resolved but a path scoring 0" in messages(pack(change))


def test_a_weak_reply_leading_to_a_good_ending_is_flagged():
    def change(data):
        data["scenarios"][0]["nodes"]["n2"]["reply"]["next_if_weak"] = "escalated"

    assert "ending 'escalated'" in messages(pack(change))


def test_a_reply_step_without_examples_is_flagged():
    def change(data):
        data["scenarios"][0]["nodes"]["n2"]["reply"]["examples"] = [
            {"label": "strong", "text": "I'm sorry, I'll call you back by tomorrow."}
        ]

    text = messages(pack(change))
    assert "no calibration example labelled partial, weak" in text
    assert "no weak example uses the rubric's own words" in text


# --- difficulty ----------------------------------------------------------------------------------


def test_a_pack_with_nothing_at_difficulty_3_is_flagged_with_the_counts():
    def change(data):
        for q in data["questions"]:
            q["difficulty"] = 2

    assert "no question is at difficulty 3 (1: 0, 2: 4, 3: 0)" in messages(pack(change))


# --- how warnings reach people ----------------------------------------------------------------


def test_warnings_come_with_lines_and_do_not_stop_the_pack():
    text = (ROOT / "tests" / "data" / "example_pack.yaml").read_text().replace("    difficulty: 3\n", "")
    result = parse_pack(text, "x.yaml", lint=True)
    assert result.pack is not None and result.errors == []
    assert [w.field for w in result.warnings] == ["questions"] and result.warnings[0].line > 1


def test_a_rubric_that_disagrees_with_its_example_is_an_error():
    text = (
        (ROOT / "tests" / "data" / "example_pack.yaml")
        .read_text()
        .replace(
            '{label: partial, text: "Sorry about that, these things happen."}',
            '{label: strong, text: "Sorry about that, these things happen."}',
        )
    )
    result = parse_pack(text, "x.yaml")
    assert result.pack is None
    assert any(
        "labelled strong but scores partial" in e.message and "examples[1].label" in e.field for e in result.errors
    )


def test_an_avoid_entry_on_a_criterion_the_rubric_never_credits_is_flagged():
    def change(data):
        data["scenarios"][0]["nodes"]["n2"]["reply"]["avoid"][0]["criterion"] = "AC1"
        data["scenarios"][0]["nodes"]["n2"]["reply"]["rubric"][0]["criterion"] = "AC2"

    assert "costs AC1, which this rubric never credits" in messages(pack(change))
    assert "never credits" not in messages(pack())


def test_a_partial_reply_example_reaching_a_good_ending_on_a_weak_path_is_flagged():
    def change(data):
        nodes = data["scenarios"][0]["nodes"]
        nodes["n1"]["choices"][0]["criteria"] = {}
        for choice in nodes["n3"]["choices"]:
            choice["criteria"] = {}
        nodes["n2"]["reply"]["next_if_weak"] = "lost"  # weak replies end badly; partial ones carry on

    text = messages(pack(change))
    assert "n2:partial reply" in text and "a weak path should not end well" in text
    assert "weak path" not in messages(pack())


def test_the_best_role_play_choice_longest_in_most_nodes_is_flagged():
    def change(data):
        nodes = data["scenarios"][0]["nodes"]
        nodes["n1"]["choices"][0]["text"] = (
            "I'm so sorry you've had to call again, Sam. Let me look into it for you "
            "right now, and I'll stay on the line while I check."
        )
        nodes["n3"]["choices"][1]["text"] += " I'll also text you the tracking link so you can follow it."

    assert "the best-scoring choice is the longest in 2 of 2 role-play nodes" in messages(pack(change))
    assert "best-scoring choice" not in messages(pack())
