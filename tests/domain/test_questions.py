"""Grading, display order, answer text, the cohort tally and choosing the next question."""

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.questions import (
    TYPED_MAX,
    EmptyAnswer,
    Grade,
    InvalidChoice,
    PoolItem,
    answer_text,
    choice_text,
    display_order,
    grade,
    normalise_answer,
    option_text,
    pick_question,
    tally,
)
from bot.packs import load_paths, read_pack_file
from bot.packs.schema import OrderQuestion

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = read_pack_file(ROOT / "tests" / "data" / "example_pack.yaml").pack
Q = {q.id: q for q in EXAMPLE.questions}
SINGLE, MULTIPLE, TRUE_FALSE, ORDER = Q["ex-q1"], Q["ex-q2"], Q["ex-q3"], Q["ex-q4"]


def test_the_example_pack_has_one_question_of_each_kind():
    assert [q.kind for q in (SINGLE, MULTIPLE, TRUE_FALSE, ORDER)] == ["single", "multiple", "true_false", "order"]


# --- grade: single ---------------------------------------------------------------------------


def test_single_right():
    assert grade(SINGLE, 1) == Grade(True, (), ())


def test_single_wrong_gives_the_feedback_for_the_chosen_option():
    g = grade(SINGLE, 0)
    assert not g.correct
    assert g.feedback == ("Quoting policy before listening makes the customer feel unheard.",)
    assert g.misconceptions == ()


def test_single_wrong_returns_the_linked_misconception():
    g = grade(SINGLE, 2)
    assert not g.correct
    assert g.feedback == ("Jumping to a solution before listening may solve the wrong problem.",)
    assert g.misconceptions == ("ex-fix-fast",)


@pytest.mark.parametrize("choice", [3, 9, -1, True, False, "1", 1.0, (1,), None])
def test_single_rejects_what_is_not_an_option(choice):
    with pytest.raises(InvalidChoice):
        grade(SINGLE, choice)


# --- grade: multiple -------------------------------------------------------------------------


@pytest.mark.parametrize("choice", [(0, 1), (1, 0)])
def test_multiple_right_in_any_order(choice):
    assert grade(MULTIPLE, choice) == Grade(True, (), ())


def test_multiple_with_a_wrong_option_gives_its_feedback():
    g = grade(MULTIPLE, (0, 1, 2))
    assert not g.correct
    assert g.feedback == ("Being told to calm down usually makes people angrier.",)


def test_multiple_missing_a_right_option_says_which():
    g = grade(MULTIPLE, (0,))
    assert not g.correct
    assert (g.feedback, g.missed) == ((), (1,))  # the letter depends on the order shown: the UI names it
    assert g.misconceptions == ()


def test_multiple_wrong_and_missing_gives_both():
    g = grade(MULTIPLE, (2,))
    assert not g.correct
    assert g.feedback == ("Being told to calm down usually makes people angrier.",)
    assert g.missed == (0, 1)


def test_a_post_or_serve_shows_one_order_and_letters_follow_it():
    from bot.domain.questions import answer_text, choice_text, letter, option_order, tally

    order = option_order(MULTIPLE, "1234")
    assert order == option_order(MULTIPLE, "1234") and sorted(order) == [0, 1, 2, 3]
    assert option_order(MULTIPLE, None) == (0, 1, 2, 3)  # posts from before shuffling
    assert option_order(MULTIPLE.model_copy(update={"shuffle": False}), "1234") == (0, 1, 2, 3)
    assert len({option_order(MULTIPLE, str(seed)) for seed in range(50)}) > 5
    shown = [letter(order, k) for k in (0, 1)]
    assert all(f"**{x}**" in answer_text(MULTIPLE, order) for x in shown)
    assert choice_text(MULTIPLE, (0,), order).startswith(f"{shown[0]}. ")
    t = tally(MULTIPLE, [(0, 1), (0,)], order)
    assert t.counts[order.index(0)] == 2 and t.counts[order.index(1)] == 1
    assert t.labels[0].startswith("A. ") and t.labels[0].endswith(MULTIPLE.options[order[0]])


@pytest.mark.parametrize("choice", [(), (0, 0), (0, 1, 1), (0, 9), (-1,), (True,), [0, 1], 0, (0.0, 1.0), None])
def test_multiple_rejects_what_is_not_a_set_of_options(choice):
    with pytest.raises(InvalidChoice):
        grade(MULTIPLE, choice)


# --- grade: true/false -------------------------------------------------------------------------


def test_true_false_right():
    assert grade(TRUE_FALSE, False) == Grade(True, (), ())


def test_true_false_wrong_gives_feedback_and_misconception():
    g = grade(TRUE_FALSE, True)
    assert not g.correct
    assert g.feedback == ("A promise you cannot keep turns one complaint into two.",)
    assert g.misconceptions == ("ex-fix-fast",)


@pytest.mark.parametrize("choice", [0, 1, "true", "false", None, (True,)])
def test_true_false_rejects_what_is_not_a_bool(choice):
    with pytest.raises(InvalidChoice):
        grade(TRUE_FALSE, choice)


# --- grade: order ------------------------------------------------------------------------------


def test_order_right():
    assert grade(ORDER, (0, 1, 2, 3)) == Grade(True, (), ())


@pytest.mark.parametrize("choice", [(1, 0, 2, 3), (3, 2, 1, 0), (0, 1, 3, 2)])
def test_order_wrong_gives_feedback(choice):
    g = grade(ORDER, choice)
    assert not g.correct
    assert g.feedback == ("Acting before hearing and empathising skips what calms the customer.",)
    assert g.misconceptions == ()  # ex-q4 links no misconception


@pytest.mark.parametrize(
    "choice", [(0, 1, 2), (0, 1, 2, 3, 4), (0, 0, 1, 2), (1, 2, 3, 4), (-1, 0, 1, 2), [0, 1, 2, 3], 0, None, ()]
)
def test_order_rejects_what_is_not_a_permutation(choice):
    with pytest.raises(InvalidChoice):
        grade(ORDER, choice)


# --- display_order -----------------------------------------------------------------------------


def _order_question(qid: str, n: int) -> OrderQuestion:
    return OrderQuestion(
        id=qid,
        kind="order",
        prompt="Put these in order.",
        explanation="Because.",
        criteria=["AC1"],
        steps=[f"Step {k}" for k in range(n)],
        wrong_feedback="No.",
    )


def test_display_order_is_fixed_across_restarts():
    # Seeded by the question id, not by the process: a hard-coded value catches a change.
    assert display_order(ORDER) == [0, 1, 3, 2]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", fullmatch=True), st.integers(3, 5))
def test_display_order_is_a_deterministic_permutation_never_the_identity(qid, n):
    q = _order_question(qid, n)
    order = display_order(q)
    assert sorted(order) == list(range(n))
    assert order != list(range(n))
    assert display_order(q) == order
    assert display_order(_order_question(qid, n)) == order


def test_display_order_of_every_shipped_order_question():
    questions = [q for r in load_paths([ROOT / "content" / "packs"]) for q in r.pack.questions if q.kind == "order"]
    assert questions
    for q in questions:
        order = display_order(q)
        assert sorted(order) == list(range(len(q.steps))) and order != sorted(order), q.id


def test_display_order_is_not_the_same_for_every_question():
    orders = {tuple(display_order(_order_question(f"q{i}", 4))) for i in range(40)}
    assert len(orders) > 5


# --- answer_text and choice_text --------------------------------------------------------------


def test_answer_text():
    assert answer_text(SINGLE) == "**B**. Listen without interrupting"
    assert answer_text(MULTIPLE) == "**A**. A calm, steady tone\n**B**. Open posture"
    assert answer_text(TRUE_FALSE) == "**False**"
    assert answer_text(ORDER) == "**Hear** → **Empathise** → **Apologise** → **Take action**"


def test_choice_text():
    assert choice_text(SINGLE, 2) == "C. Offer a refund straight away"
    assert choice_text(MULTIPLE, (2, 0)) == "A. A calm, steady tone\nC. Telling the customer to calm down"
    assert choice_text(TRUE_FALSE, True) == "True"
    assert choice_text(TRUE_FALSE, False) == "False"
    assert choice_text(ORDER, (1, 0, 2, 3)) == "Empathise → Hear → Apologise → Take action"


# --- tally ---------------------------------------------------------------------------------


def test_tally_single():
    t = tally(SINGLE, [1, 1, 0, 2])
    assert t.labels == [
        "A. Explain the delivery policy",
        "B. Listen without interrupting",
        "C. Offer a refund straight away",
    ]
    assert t.counts == [1, 2, 1]
    assert t.total == 4
    assert [t.percent(i) for i in range(3)] == [25, 50, 25]


def test_tally_multiple_counts_each_option_picked():
    t = tally(MULTIPLE, [(0, 1), (0,), (2,)])
    assert t.counts == [2, 1, 1, 0]
    assert t.total == 3
    assert t.percent(0) == 67


def test_tally_true_false():
    t = tally(TRUE_FALSE, [True, False, False])
    assert (t.labels, t.counts) == (["True", "False"], [1, 2])


def test_tally_order_right_or_another_order():
    t = tally(ORDER, [(0, 1, 2, 3), (1, 0, 2, 3), (3, 2, 1, 0)])
    assert (t.labels, t.counts) == (["Right order", "Another order"], [1, 2])


def test_tally_skips_answers_that_no_longer_fit_the_question():
    t = tally(SINGLE, [1, 9, (0, 1)])
    assert t.counts == [0, 1, 0]


def test_tally_with_no_answers():
    t = tally(SINGLE, [])
    assert t.counts == [0, 0, 0]
    assert t.total == 0
    assert t.percent(0) == 0


# --- pick_question -------------------------------------------------------------------------------

KINDS = ["single", "multiple", "true_false", "order"]
POOL = [PoolItem(f"q{i}", "pack-a" if i < 4 else "pack-b", KINDS[i % 4]) for i in range(7)]


def _run(pool, picks, seed=0, used=()):
    used = list(used)
    for i in range(picks):
        item = pick_question(pool, used, random.Random(f"{seed}:{i}"))
        used.append(item.question_id)
    return used


def test_pick_question_none_for_an_empty_pool():
    assert pick_question([], ["q1"], random.Random(0)) is None


def test_pick_question_from_a_pool_of_one_repeats_it():
    pool = POOL[:1]
    assert _run(pool, 3) == ["q0", "q0", "q0"]


@pytest.mark.parametrize("seed", range(10))
def test_pick_question_no_repeat_until_the_pool_is_used_up(seed):
    used = _run(POOL, 3 * len(POOL), seed)
    ids = sorted(p.question_id for p in POOL)
    for cycle in range(3):
        assert sorted(used[cycle * 7 : (cycle + 1) * 7]) == ids


def test_pick_question_ignores_history_from_outside_the_pool():
    used = _run(POOL, 7, used=["gone-1", "gone-2"])
    assert sorted(used[2:]) == sorted(p.question_id for p in POOL)


def test_pick_question_a_new_cycle_is_not_forced_to_replay_the_last():
    cycle = _run(POOL, 7)
    firsts = {pick_question(POOL, cycle, random.Random(s)).question_id for s in range(50)}
    assert len(firsts) > 1


@pytest.mark.parametrize("seed", range(20))
def test_pick_question_changes_pack_and_kind_when_it_can(seed):
    pool = [
        PoolItem("a-single", "a", "single"),
        PoolItem("a-order", "a", "order"),
        PoolItem("b-single", "b", "single"),
        PoolItem("b-order", "b", "order"),
        PoolItem("a-single-2", "a", "single"),
    ]
    assert pick_question(pool, ["a-single"], random.Random(seed)).question_id == "b-order"


@pytest.mark.parametrize("seed", range(20))
def test_pick_question_changes_kind_within_one_pack(seed):
    pool = [PoolItem("s1", "a", "single"), PoolItem("s2", "a", "single"), PoolItem("t1", "a", "true_false")]
    assert pick_question(pool, ["s1"], random.Random(seed)).question_id == "t1"


@pytest.mark.parametrize("seed", range(20))
def test_pick_question_changes_pack_within_one_kind(seed):
    pool = [PoolItem("a1", "a", "single"), PoolItem("a2", "a", "single"), PoolItem("b1", "b", "single")]
    assert pick_question(pool, ["a1"], random.Random(seed)).question_id == "b1"


def test_pick_question_alternates_over_a_whole_cycle_when_it_can():
    pool = [PoolItem(f"{p}-{k}-{i}", p, k) for p in "ab" for k in ("single", "order") for i in range(2)]
    for seed in range(10):
        used = _run(pool, len(pool), seed)
        items = {p.question_id: p for p in pool}
        assert sorted(used) == sorted(items)
        for before, after in zip(used, used[1:]):
            assert items[before].pack_id != items[after].pack_id or items[before].kind != items[after].kind, used


def test_pick_question_is_deterministic_for_the_same_seed():
    assert _run(POOL, 14, seed=3) == _run(POOL, 14, seed=3)


def test_pick_question_depends_on_the_seed():
    firsts = {pick_question(POOL, [], random.Random(s)).question_id for s in range(50)}
    assert len(firsts) > 1


# --- short answers -------------------------------------------------------------------------------

SHORT = {q.id: q for q in read_pack_file(ROOT / "tests" / "data" / "short_answer_pack.yaml").pack.questions}
ACT, HEAT, DPA = SHORT["sa-q01"], SHORT["sa-q02"], SHORT["sa-q05"]


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("Data Protection Act 2018.", "data protection act 2018"),
        ("  data   PROTECTION\tact 2018 ", "data protection act 2018"),
        ("DATA PROTECTION ACT, 2018!", "data protection act 2018"),
        ("customer’s rights", "customers rights"),  # apostrophes join: ' ’ ‘ ʼ
        ("customer's rights", "customers rights"),
        ("U.K. GDPR", "uk gdpr"),  # full stops join too
        ("face-to-face", "face to face"),  # a hyphen separates, as a space does
        ("Take action/responsibility", "take action responsibility"),
        ("２０１８ ＡＣＴ", "2018 act"),  # NFKC: full-width forms
        ("Straße", "strasse"),  # case-folded, not only lower-cased
        ("café", "café"),  # accents are kept
        ("first\u200bcontact", "firstcontact"),  # a zero-width space is nothing
        ("**Result** 🙂", "result"),  # markdown and emoji are not words
        ("<@123> @everyone", "123 everyone"),
        ("...", ""),
        ("🙂❤️🙂", ""),  # a variation selector is not a letter either
        ("", ""),
    ],
)
def test_normalise_answer(typed, normal):
    assert normalise_answer(typed) == normal


@pytest.mark.parametrize(
    "typed",
    ["Data Protection Act 2018", "data protection act 2018.", "  DATA-PROTECTION  ACT 2018 ", "dpa 2018", "DPA, 2018"],
)
def test_short_answer_right_in_any_case_spacing_or_punctuation(typed):
    assert grade(DPA, typed) == Grade(True, (), ())


def test_short_answer_any_accepted_answer_is_right():
    for typed in ("take action", "Take responsibility!", "TAKE OWNERSHIP"):
        assert grade(HEAT, typed).correct


@pytest.mark.parametrize("typed", ["Freedom of Information Act", "Data Protection Act 1998", "2018", "data protect"])
def test_short_answer_wrong_gives_the_wrong_feedback(typed):
    g = grade(DPA, typed)
    assert not g.correct
    assert g.feedback == (DPA.wrong_feedback,)
    assert g.misconceptions == ()  # sa-q05 links no misconception


def test_short_answer_wrong_returns_the_linked_misconception():
    g = grade(ACT, "Sale of Goods Act 1979")
    assert (g.correct, g.misconceptions) == (False, ("sale-of-goods-act",))


@pytest.mark.parametrize("typed", ["...", "   ", "🙂🙂🙂", "🙂" * 100, "—", ""])
def test_short_answer_with_no_letter_or_digit_is_refused(typed):
    with pytest.raises(EmptyAnswer):
        grade(DPA, typed)


@pytest.mark.parametrize("choice", [0, 1, True, False, (0,), None, 1.0, "x" * (TYPED_MAX + 1)])
def test_short_answer_rejects_what_is_not_a_typed_answer(choice):
    with pytest.raises(InvalidChoice):
        grade(DPA, choice)


def test_a_typed_answer_does_not_fit_the_other_kinds():
    for q in (SINGLE, MULTIPLE, TRUE_FALSE, ORDER):
        with pytest.raises(InvalidChoice):
            grade(q, "Listen without interrupting")


def test_short_answer_texts():
    assert (
        answer_text(DPA)
        == "**Data Protection Act 2018**\nAlso accepted: Data Protection Act, The Data Protection Act 2018, DPA 2018, "
        "The Data Protection Act, DPA, The DPA 2018"
    )
    assert answer_text(SHORT["sa-q03"].model_copy(update={"answers": ["Result"]})) == "**Result**"
    assert choice_text(DPA, "data protection act 2018.") == "data protection act 2018."
    assert option_text(DPA, "Freedom of Information Act") == "“Freedom of Information Act”"


def test_a_long_list_of_accepted_answers_is_cut_short():
    many = DPA.model_copy(update={"answers": [f"Answer number {k} " + "x" * 80 for k in range(20)]})
    text = answer_text(many)
    assert text.startswith("**Answer number 0") and text.endswith("more") and len(text) < 1024


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("<@123> hi", "\\<\\@123\\> hi"),  # a mention shows as text
        ("@everyone", "\\@everyone"),
        ("**bold** _it_ ~~s~~ ||sp|| `c`", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\| \\`c\\`"),
        ("# head", "\\# head"),
        ("[x](https://e.example)", "\\[x\\]\\(https\\://e.example\\)"),
        ("a\\b", "a\\\\b"),
        ("two\nlines", "two lines"),
    ],
)
def test_what_a_learner_typed_is_shown_escaped(typed, shown):
    assert choice_text(DPA, typed) == shown
    assert option_text(DPA, typed) == f"“{shown}”"


def test_tally_short_answer_accepted_or_another_answer():
    t = tally(DPA, ["Data Protection Act 2018", "dpa 2018.", "GDPR", "...", 3, "Freedom of Information Act"])
    assert (t.labels, t.counts, t.total) == (["Accepted answer", "Another answer"], [2, 2], 4)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=TYPED_MAX))
def test_any_typed_text_is_graded_refused_or_shown_without_error(typed):
    normal = normalise_answer(typed)
    assert normal == normalise_answer(normal)  # normalising twice changes nothing
    assert normal == " ".join(normal.split())
    try:
        g = grade(DPA, typed)
    except EmptyAnswer:
        assert normal == ""
        return
    assert normal != "" and g.correct == (normal in {normalise_answer(a) for a in DPA.answers})
    assert "\n" not in choice_text(DPA, typed)
    assert tally(DPA, [typed]).total == 1
