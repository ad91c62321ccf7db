"""Written replies scored on what they say: word forms, negation, avoid phrases, key-word
lists; every shipped reply step against negated, hostile and keyword-stuffed replies; and
a property: putting a negation in front of a phrase never raises a reply's score."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.replies import LEVELS, score_reply, stem
from bot.packs import load_paths, read_pack_file
from bot.packs.schema import Reply

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_REPLIES = {
    f"{s.id}/{node_id}": node.reply
    for r in load_paths([ROOT / "content" / "packs"])
    if r.pack
    for s in r.pack.scenarios
    for node_id, node in s.nodes.items()
    if node.reply
}
EXAMPLE = read_pack_file(ROOT / "tests" / "data" / "example_pack.yaml").pack.scenarios[0].nodes["n2"].reply


def rubric(*ideas, avoid=()) -> Reply:
    return Reply.model_validate(
        {
            "prompt": "Reply",
            "next": "end",
            "rubric": [{"idea": name, "criterion": "AC1", "phrases": list(phrases)} for name, phrases in ideas],
            "avoid": [{"idea": name, "criterion": "AC1", "phrases": list(phrases)} for name, phrases in avoid],
        }
    )


APOLOGY = rubric(
    ("apology", ["apologise", "sorry"]),
    ("listening", ["listen"]),
    ("refund", ["refund"]),
    avoid=[("dismissive", ["calm down", "not my problem"])],
)


@pytest.mark.parametrize(
    "word", ["apologise", "apologises", "apologised", "apologising", "apologies", "apology", "apologize", "apologized"]
)
def test_word_forms_match(word):
    assert stem(word) == stem("apologise")
    assert score_reply(APOLOGY, f"Please accept my {word} for the wait today.").found == ("apology",)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not going to apologise.",
        "I am not sorry.",
        "I won't apologise for that.",
        "I refuse to apologise.",
        "I dont apologise for our policies.",
        "There is nothing to apologise for.",
        "I never apologise.",
        "Honestly, no apology from me.",
    ],
)
def test_a_negated_phrase_earns_nothing(text):
    score = score_reply(APOLOGY, text)
    assert "apology" not in score.found
    assert score.discounted and score.discounted[0][0] == "apology"


@pytest.mark.parametrize(
    "text",
    [
        "No, I'm sorry, that was our mistake.",  # the "no" is its own clause
        "I can't apologise enough for this.",  # an apology, not a refusal
        "That shouldn't have happened, but I'm sorry and I'll sort it.",  # a new clause after "but"
    ],
)
def test_a_negation_elsewhere_does_not_discount_the_phrase(text):
    assert "apology" in score_reply(APOLOGY, text).found


def test_no_refund_is_not_a_refund():
    assert score_reply(APOLOGY, "You will get no refund from us.").found == ()


def test_an_avoid_phrase_costs_credit_and_a_strong_reply():
    plain = score_reply(APOLOGY, "I'm sorry, I will listen and I can arrange a refund for you.")
    rude = score_reply(APOLOGY, "I'm sorry, I will listen and I can arrange a refund for you. Now calm down.")
    assert plain.level == "strong" and rude.level != "strong"
    assert rude.earned == plain.earned - 1
    assert [r.idea for r in rude.avoided] == ["dismissive"]


def test_an_avoid_phrase_counts_negated_or_not():
    assert score_reply(APOLOGY, "It's not my problem.").avoided


def test_a_list_of_key_words_earns_nothing():
    score = score_reply(APOLOGY, "sorry apologise listen refund")
    assert (score.level, score.credit, score.keyword_list) == ("weak", {}, True)


@pytest.mark.parametrize(
    "text", ["Sorry, I'll listen and sort a refund.", "I'm sorry. I want to listen. A refund is possible."]
)
def test_a_short_reply_in_sentences_is_not_a_list(text):
    score = score_reply(APOLOGY, text)
    assert not score.keyword_list and score.level == "strong"


def test_a_reply_with_the_same_words_in_sentences_earns_them():
    score = score_reply(
        APOLOGY, "I'm so sorry about this. I want to listen properly, and if it's faulty we can look at a refund today."
    )
    assert score.found == ("apology", "listening", "refund") and score.level == "strong"


# --- every shipped reply step -------------------------------------------------------------------


def negated(reply: Reply) -> str:
    return " ".join(f"Honestly, not {idea.phrases[0]}." for idea in reply.rubric)


def hostile(reply: Reply) -> str:
    return (
        " ".join(f"Look, there's no way {idea.phrases[0]}." for idea in reply.rubric)
        + " Calm down, that's your problem, not mine."
    )


def stuffed(reply: Reply) -> str:
    return " ".join(p for idea in reply.rubric for p in idea.phrases)


def test_there_are_shipped_reply_steps():
    assert len(SHIPPED_REPLIES) >= 15


@pytest.mark.parametrize("make", [negated, hostile, stuffed])
@pytest.mark.parametrize("step", sorted(SHIPPED_REPLIES))
def test_gamed_replies_score_weak_on_every_shipped_step(step, make):
    reply = SHIPPED_REPLIES[step]
    score = score_reply(reply, make(reply))
    assert score.level == "weak", (make(reply), score)


@pytest.mark.parametrize("step", sorted(SHIPPED_REPLIES))
def test_every_shipped_example_scores_as_labelled(step):
    reply = SHIPPED_REPLIES[step]
    assert {e.label for e in reply.examples} == {"strong", "partial", "weak"}
    for example in reply.examples:
        assert score_reply(reply, example.text).level == example.label, example.text


# --- the property -------------------------------------------------------------------------------

RUBRICS = [EXAMPLE, APOLOGY, *SHIPPED_REPLIES.values()]
FILLER = [
    "I",
    "you",
    "the",
    "order",
    "today",
    "really",
    "we",
    "can",
    "check",
    "this",
    "for",
    "and",
    "now",
    "then",
    "properly",
    "Mrs",
    "Patel",
    "it",
    "will",
    "help",
    ".",
]
NEGATIONS = ["not", "don't", "won't", "never", "no"]


@st.composite
def reply_with_a_phrase(draw):
    reply = draw(st.sampled_from(RUBRICS))
    phrases = [p for idea in (*reply.rubric, *reply.avoid) for p in idea.phrases]
    rubric_phrases = [p for idea in reply.rubric for p in idea.phrases]
    parts = draw(st.lists(st.one_of(st.sampled_from(phrases), st.sampled_from(FILLER)), max_size=14))
    target = draw(st.sampled_from(rubric_phrases))
    at = draw(st.integers(0, len(parts)))
    parts.insert(at, target)
    return reply, parts, at, draw(st.sampled_from(NEGATIONS))


@settings(max_examples=400, deadline=None)
@given(reply_with_a_phrase())
def test_a_negation_in_front_of_a_phrase_never_raises_the_score(case):
    reply, parts, at, negation = case
    before = score_reply(reply, " ".join(parts))
    after = score_reply(reply, " ".join(parts[:at] + [negation] + parts[at:]))
    assert LEVELS.index(after.level) <= LEVELS.index(before.level)
    assert after.earned <= before.earned
