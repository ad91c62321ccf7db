"""The role-play engine: every shipped scenario played exhaustively, and the engine's rules."""

from pathlib import Path

import pytest

from bot.domain import roleplay as rp
from bot.domain.roleplay import RoleplayError
from bot.packs import load_paths, read_pack_file
from bot.packs.schema import Scenario
from tests.replies import full_reply

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {s.id: s for r in load_paths([ROOT / "content" / "packs"]) for s in r.pack.scenarios}
EXAMPLE_PACK = read_pack_file(ROOT / "tests" / "data" / "example_pack.yaml").pack
PARCEL = EXAMPLE_PACK.scenarios[0]
CRITERIA_TEXT = {c.id: c.text for c in EXAMPLE_PACK.criteria}


def full(reply) -> list[str]:
    return [full_reply(reply)]


def replay(scenario: Scenario, moves, text: str | None = None) -> rp.State:
    """Play ``moves``; a reply node gets ``text``, or a reply earning its whole rubric."""
    state = rp.start(scenario)
    for node_id, index in moves:
        assert state.node == node_id
        if index is None:
            state, _ = rp.write_reply(scenario, state, text or full_reply(scenario.nodes[node_id].reply))
        else:
            state = rp.choose(scenario, state, index)
    return state


def test_there_are_shipped_scenarios():
    assert len(SHIPPED) >= 15


# --- every shipped scenario, every path -------------------------------------------------------


def full_and_examples(reply) -> list[str]:
    """A reply earning the whole rubric, the same with each avoid phrase added (the most a
    reply going the weak way keeps), and the examples."""
    full_text = full_reply(reply)
    with_avoid = [f"{full_text} Thinking it through carefully, {a.phrases[0]}, honestly." for a in reply.avoid]
    return [full_text, *with_avoid, *(e.text for e in reply.examples)]


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_a_reply_earning_the_whole_rubric_fits_every_reply_box(scenario_id):
    s = SHIPPED[scenario_id]
    for node in s.nodes.values():
        if node.reply:
            text = full_reply(node.reply)
            assert len(text) <= node.reply.max_length
            assert rp.score_reply(node.reply, text).strong


@pytest.mark.parametrize("reply", ["full", "ok", "examples"])
@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_every_path_ends_at_an_ending_within_the_bounds(scenario_id, reply):
    s = SHIPPED[scenario_id]
    text = {"full": full, "ok": "ok", "examples": None}[reply]
    bounds = rp.max_credit(s)
    best = rp.best_path(s)
    paths = rp.all_paths(s, text)
    assert paths
    for state in paths:
        assert state.finished
        assert state.node in s.endings
        assert state.scenario_id == s.id
        assert rp.MOOD_MIN <= state.mood <= rp.MOOD_MAX
        for criterion, credit in state.credit.items():
            assert criterion in bounds
            assert 0 <= credit <= bounds[criterion], (criterion, state.steps)
        assert sum(state.credit.values()) <= best.score
        assert [step.node for step in state.steps][0] == s.start


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_exhaustive_play_reaches_every_ending(scenario_id):
    s = SHIPPED[scenario_id]
    assert {state.node for state in rp.all_paths(s, full_and_examples)} == set(s.endings)


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_max_credit_is_reached_for_each_criterion_on_some_path(scenario_id):
    s = SHIPPED[scenario_id]
    paths = rp.all_paths(s, full_and_examples)  # the weak examples reach what follows a weak reply
    for criterion, most in rp.max_credit(s).items():
        assert max(state.credit.get(criterion, 0) for state in paths) == most


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_the_best_path_score_is_achieved_by_replaying_its_moves(scenario_id):
    s = SHIPPED[scenario_id]
    best = rp.best_path(s)
    state = replay(s, best.moves)
    assert state.finished
    assert state.node == best.ending
    assert sum(state.credit.values()) == best.score
    assert best.score == max(sum(p.credit.values()) for p in rp.all_paths(s, full))


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_the_best_path_ends_well(scenario_id):
    s = SHIPPED[scenario_id]
    assert s.endings[rp.best_path(s).ending].outcome in {"resolved", "escalated"}


# --- the engine's rules, on the example scenario ----------------------------------------------


def test_start():
    state = rp.start(PARCEL)
    assert (state.scenario_id, state.node, state.mood, state.credit, state.steps, state.finished) == (
        "ex-late-parcel",
        "n1",
        7,
        {},
        (),
        False,
    )


def test_choose_moves_on_and_records_the_step():
    state = rp.choose(PARCEL, rp.start(PARCEL), 0)
    assert (state.node, state.mood, state.credit, state.finished) == ("n2", 5, {"AC1": 2}, False)
    assert state.steps == (rp.Step("n1", 0, "Acknowledging the repeat contact calms Sam."),)


def test_choose_to_an_ending_finishes():
    state = rp.choose(PARCEL, rp.start(PARCEL), 1)
    assert (state.node, state.finished, state.mood) == ("lost", True, 10)


def test_choose_does_not_change_the_old_state():
    first = rp.start(PARCEL)
    rp.choose(PARCEL, first, 0)
    assert first == rp.start(PARCEL)


def test_choose_on_a_finished_state_raises():
    done = rp.choose(PARCEL, rp.start(PARCEL), 1)
    with pytest.raises(RoleplayError, match="ended"):
        rp.choose(PARCEL, done, 0)


def test_write_reply_on_a_finished_state_raises():
    done = rp.choose(PARCEL, rp.start(PARCEL), 1)
    with pytest.raises(RoleplayError):
        rp.write_reply(PARCEL, done, "I will call you back")


@pytest.mark.parametrize("index", [2, 5, -1])
def test_choose_out_of_range_raises(index):
    with pytest.raises(RoleplayError, match="not on offer"):
        rp.choose(PARCEL, rp.start(PARCEL), index)


def test_write_reply_on_a_choice_node_raises():
    with pytest.raises(RoleplayError, match="choice"):
        rp.write_reply(PARCEL, rp.start(PARCEL), "I will call you back")


def test_choose_on_a_reply_node_raises():
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    with pytest.raises(RoleplayError, match="written reply"):
        rp.choose(PARCEL, at_reply, 0)


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_reply_raises(text):
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    with pytest.raises(RoleplayError, match="Write a reply"):
        rp.write_reply(PARCEL, at_reply, text)


def test_a_state_for_a_node_that_no_longer_exists_raises():
    stale = rp.State(PARCEL.id, "n9", 5)
    with pytest.raises(RoleplayError, match="changed"):
        rp.choose(PARCEL, stale, 0)


def test_a_strong_reply_calms_the_customer_and_earns_credit():
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    state, score = rp.write_reply(PARCEL, at_reply, "I'll call you back by tomorrow.")
    assert score.strong
    assert (state.node, state.mood, state.credit) == ("n3", 3, {"AC1": 2, "AC2": 2})
    assert state.steps[-1] == rp.Step(
        "n2",
        None,
        rp.REPLY_FEEDBACK["strong"],
        reply="I'll call you back by tomorrow.",
        found=("ownership", "next steps"),
        missing=("apology",),
        level="strong",
    )


def test_a_partial_reply_leaves_the_mood_as_it_was():
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    state, score = rp.write_reply(PARCEL, at_reply, "Sorry about that.")
    assert score.level == "partial"
    assert (state.node, state.mood, state.credit) == ("n3", 5, {"AC1": 3})
    assert state.steps[-1].missing == ("ownership", "next steps")


def test_a_weak_reply_upsets_the_customer():
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    state, score = rp.write_reply(PARCEL, at_reply, "Please hold.")
    assert score.level == "weak"
    assert (state.node, state.mood, state.credit) == ("n3", 6, {"AC1": 2})
    assert state.steps[-1].feedback == rp.REPLY_FEEDBACK["weak"]


def test_a_negated_reply_is_discounted_and_the_step_says_so():
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    state, score = rp.write_reply(PARCEL, at_reply, "I'm not sorry, and I won't call you back.")
    assert score.level == "weak"
    assert state.steps[-1].discounted == ("apology: 'sorry' negated", "next steps: 'call you back' negated")


def test_a_weak_reply_can_lead_elsewhere():
    s = PARCEL.model_copy(
        update={
            "nodes": {
                **PARCEL.nodes,
                "n2": PARCEL.nodes["n2"].model_copy(
                    update={"reply": PARCEL.nodes["n2"].reply.model_copy(update={"next_if_weak": "lost"})}
                ),
            }
        }
    )
    at_reply = rp.choose(s, rp.start(s), 0)
    assert rp.write_reply(s, at_reply, "Please hold.")[0].node == "lost"
    assert rp.write_reply(s, at_reply, "Sorry about that.")[0].node == "n3"  # partial goes on
    over_promise = rp.write_reply(s, at_reply, "Sorry, I'll sort it: I guarantee it arrives today.")
    assert over_promise[1].level == "partial" and over_promise[0].node == "lost"  # what to avoid has consequences


def test_a_reply_is_cut_to_the_box_length():
    at_reply = rp.choose(PARCEL, rp.start(PARCEL), 0)
    text = "x" * 600 + " I will call you back"
    state, score = rp.write_reply(PARCEL, at_reply, text)
    assert len(state.steps[-1].reply) == 500
    assert score.found == ()


# --- score_reply ---------------------------------------------------------------------------

REPLY = PARCEL.nodes["n2"].reply


@pytest.mark.parametrize("text", ["I WILL CALL YOU BACK", "i will call you back", "I Will... Call-You-Back!"])
def test_score_reply_ignores_case_and_punctuation(text):
    score = rp.score_reply(REPLY, text)
    assert score.found == ("ownership", "next steps")
    assert score.missing == ("apology",)
    assert score.credit == {"AC2": 2}


def test_score_reply_accepts_a_curly_apostrophe():
    assert rp.score_reply(REPLY, "I\u2019ll sort it").found == ("ownership",)


def test_score_reply_reports_missing_ideas():
    score = rp.score_reply(REPLY, "I will look into it")
    assert score.found == ("ownership",)
    assert score.missing == ("apology", "next steps")
    assert score.credit == {"AC2": 1}
    assert score.level == "partial"  # a third of the rubric


def test_score_reply_with_nothing_found():
    score = rp.score_reply(REPLY, "Please hold")
    assert (score.found, score.credit, score.level) == ((), {}, "weak")


def test_score_reply_matches_whole_words_at_the_start_of_a_phrase():
    assert rp.score_reply(REPLY, "Bill will call soon").found == ()  # "ill" is not "I'll"
    assert rp.score_reply(REPLY, "hi will do").found == ()  # "hi will" is not "I will"


# --- best path, bounds and the report ----------------------------------------------------------


def test_best_path_of_the_example():
    best = rp.best_path(PARCEL)
    assert best.moves == (("n1", 0), ("n2", None), ("n3", 1))
    assert (best.ending, best.score) == ("resolved", 8)


def test_max_credit_of_the_example():
    assert rp.max_credit(PARCEL) == {"AC1": 3, "AC2": 5}


def test_report_of_the_best_play():
    state = replay(PARCEL, rp.best_path(PARCEL).moves, "I'm sorry, Sam. I'll update you by tomorrow")
    report = rp.report(PARCEL, state, CRITERIA_TEXT)
    assert report.outcome == "resolved"
    assert report.ending_text == "Sam thanks you and the parcel arrives the next day."
    assert (report.score, report.best_score) == (8, 8)
    assert report.per_criterion == [("AC1", CRITERIA_TEXT["AC1"], 3, 3), ("AC2", CRITERIA_TEXT["AC2"], 5, 5)]
    assert report.path == state.steps
    assert report.best_moves == rp.best_path(PARCEL).moves


def test_report_of_a_lost_customer():
    state = rp.choose(PARCEL, rp.start(PARCEL), 1)
    report = rp.report(PARCEL, state, {})
    assert report.outcome == "lost"
    assert report.score == 0
    assert report.per_criterion == [("AC1", "AC1", 0, 3), ("AC2", "AC2", 0, 5)]  # ids stand in for missing text


def test_report_before_the_end_raises():
    with pytest.raises(RoleplayError):
        rp.report(PARCEL, rp.start(PARCEL), CRITERIA_TEXT)


def test_mood_is_clamped_to_the_scale():
    scenario = Scenario.model_validate(
        {
            "id": "clamp",
            "title": "Clamp",
            "setting": "retail",
            "customer": {"name": "Alex", "situation": "Angry.", "opening_mood": 9},
            "start": "a",
            "nodes": {
                "a": {
                    "customer": "Grr",
                    "choices": [
                        {"text": "Up", "next": "b", "mood": 5, "feedback": "Worse."},
                        {"text": "Down", "next": "b", "mood": -5, "feedback": "Better."},
                    ],
                },
                "b": {
                    "customer": "Hm",
                    "choices": [
                        {"text": "Down", "next": "end", "mood": -5, "feedback": "Better."},
                        {"text": "Down more", "next": "end", "mood": -5, "feedback": "Better."},
                    ],
                },
            },
            "endings": {"end": {"outcome": "resolved", "text": "Done."}},
        }
    )
    up = rp.choose(scenario, rp.start(scenario), 0)
    assert up.mood == 10
    assert rp.choose(scenario, rp.choose(scenario, rp.start(scenario), 1), 0).mood == 0


# --- the report scores each criterion against the best path ---------------------------------


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_the_best_paths_credit_adds_up_to_its_score(scenario_id):
    s = SHIPPED[scenario_id]
    credit = rp.best_credit(s)
    assert sum(credit.values()) == rp.best_path(s).score
    assert credit == {c: p for c, p in replay(s, rp.best_path(s).moves).credit.items() if p > 0}
    bounds = rp.max_credit(s)
    assert all(credit[c] <= bounds[c] for c in credit)


@pytest.mark.parametrize("scenario_id", sorted(SHIPPED))
def test_every_report_adds_up_to_its_score_and_the_best_paths(scenario_id):
    s = SHIPPED[scenario_id]
    best = rp.best_path(s)
    for state in rp.all_paths(s, full_and_examples):
        r = rp.report(s, state, {})
        assert sum(earned for _, _, earned, _ in r.per_criterion) == r.score
        assert sum(most for _, _, _, most in r.per_criterion) == r.best_score == best.score
        assert [cid for cid, *_ in r.per_criterion] == sorted(cid for cid, *_ in r.per_criterion)
        assert all(earned or most for _, _, earned, most in r.per_criterion)  # no row of nothing against nothing
        assert r.took_best == (
            tuple((st.node, st.choice) for st in state.steps) == best.moves and r.score == best.score
        )


def test_the_best_play_took_the_best_path_and_a_weaker_reply_on_it_did_not():
    best = rp.best_path(PARCEL).moves
    assert rp.report(PARCEL, replay(PARCEL, best), {}).took_best
    partial = rp.report(PARCEL, replay(PARCEL, best, "Sorry about that."), {})
    assert not partial.took_best and partial.score < partial.best_score


def test_credit_off_the_best_path_is_reported_against_what_the_best_path_earns():
    hotel = SHIPPED["pcc-sc-hotel"]
    moves = [("h1", 3), ("promise", 0), ("h2", 0), ("h3", None), ("h4", 1)]
    state = replay(hotel, moves, "Sorry again. I've logged it.")
    rows = {cid: (earned, most) for cid, _, earned, most in rp.report(hotel, state, {}).per_criterion}
    assert rows["AC4"] == (1, 0)  # the best path earns no AC4, however much another path does
    assert rp.max_credit(hotel)["AC4"] == 1


# --- finding a scenario by what is typed --------------------------------------------------------

ITEMS = [(s, s.id) for s in SHIPPED.values()]


@pytest.mark.parametrize("typed", ["quiet room", "Quiet Room", "QUIET roo", "room quiet", "wasn't quiet", "wasnt"])
def test_words_of_a_title_name_it_in_any_case_and_order(typed):
    named = [s.id for s, _ in rp.search(typed, ITEMS) if rp.match_rank(typed, s) == 0]
    assert "pcc-sc-hotel" in named


def test_title_matches_come_first_then_setting_and_id_matches():
    found = [s.id for s, _ in rp.search("hotel", ITEMS)]
    assert found and all("hotel" in SHIPPED[i].setting or "hotel" in i for i in found)
    room = rp.search("room", ITEMS)
    ranks = [rp.match_rank("room", s) for s, _ in room]
    assert ranks == sorted(ranks)


def test_nothing_typed_names_every_scenario_and_nonsense_names_none():
    assert len(rp.search("", ITEMS)) == len(ITEMS)
    assert rp.search("zzqx", ITEMS) == []
    assert [s.id for s, _ in rp.close_matches("hotle quiet", ITEMS)][0] == "pcc-sc-hotel"


def test_a_packs_level_comes_from_its_qualification():
    def level(qualification: str):
        return rp.pack_level(EXAMPLE_PACK.model_copy(update={"qualification": qualification}))

    assert level("Highfield Level 2 NVQ Certificate in Customer Service (RQF)") == "Level 2"
    assert level("Pearson BTEC Level 2 Diploma; Pearson BTEC Level 3 Diploma") == "Levels 2 and 3"
    assert level("Customer service (revision)") is None
