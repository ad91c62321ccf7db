"""Role-plays as a learner plays them: choices, a written reply, the report, and resuming."""

from bot.domain import roleplay as engine
from tests.e2e.helpers import button_labels, choice_button, embed_text, reply
from tests.replies import full_reply as whole_rubric

SCENARIO = "fa2cp-sc-bank"  # has a written-reply node on its best path


def scenario(cohort, scenario_id=SCENARIO):
    return cohort.inside.library.scenario(cohort.guild.id, scenario_id)[0]


def full_reply(node) -> str:
    return whole_rubric(node.reply)


async def play_best_path(cohort, learner, message, sc, *, from_move=0, stop_after=None):
    """Follow the best path from move ``from_move``; returns the last message shown and
    the number of moves made."""
    best = engine.best_path(sc)
    for i, (node_id, choice) in enumerate(best.moves):
        if i < from_move:
            continue
        if stop_after is not None and i == stop_after:
            return message, i
        if choice is None:
            shown = await learner.click(message, label="Write your reply")
            result = await learner.submit_modal(shown, {"reply": full_reply(sc.nodes[node_id])})
        else:
            result = await learner.click(message, custom_id=choice_button(message, choice))
        message = reply(result).message if reply(result) else message
    return message, len(best.moves)


async def test_a_learner_plays_to_the_end_and_gets_the_report(cohort):
    learner, sc = cohort.learners[0], scenario(cohort)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    assert start.ephemeral
    assert sc.customer.name in embed_text(start.response) and "/10" in embed_text(start.response)
    last, _ = await play_best_path(cohort, learner, start.response.message, sc)
    text = embed_text(last)
    best = engine.best_path(sc)
    assert f"Score {best.score} of {best.score}" in text
    assert "Your path" in text and "The best path" in text
    assert sc.endings[best.ending].text in text
    session = await cohort.inside.roleplay_repo.get(1)
    assert session.status == "finished" and session.score == best.score


async def test_a_written_reply_is_scored_shown_and_kept(cohort):
    learner, sc = cohort.learners[0], scenario(cohort)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    message, i = await play_best_path(
        cohort,
        learner,
        start.response.message,
        sc,
        stop_after=next(k for k, (_, c) in enumerate(engine.best_path(sc).moves) if c is None),
    )
    node_id = engine.best_path(sc).moves[i][0]
    shown = await learner.click(message, label="Write your reply")
    assert shown.modal is not None
    after = reply(await learner.submit_modal(shown, {"reply": "Sorry about that, @everyone **bold**"}))
    text = embed_text(after)
    assert "Your reply" in text and "missing:" in text
    session = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    kept = engine.state_from_dict(session.state).steps[-1]
    assert kept.node == node_id and kept.reply == "Sorry about that, @everyone **bold**"


async def test_a_restart_mid_role_play_and_resume_continue_at_the_same_node(cohort, settings):
    learner, sc = cohort.learners[1], scenario(cohort)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    message, _ = await play_best_path(cohort, learner, start.response.message, sc, stop_after=2)
    before = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    await cohort.restart(settings)
    resumed = await learner.slash(cohort.channel, "roleplay resume")
    node = sc.nodes[before.state["node"]]
    assert node.customer[:100] in embed_text(resumed.response)
    assert "Step 3" in embed_text(resumed.response)
    # after finishing, a click on the pre-restart message is refused kindly
    last, _ = await play_best_path(cohort, learner, resumed.response.message, sc, from_move=2)
    assert "Score" in embed_text(last)
    stale = reply(await learner.click(message, label="A"))
    assert "already been played" in stale.content or "ended" in stale.content


async def test_starting_twice_and_quitting(cohort):
    import simcord

    learner = cohort.learners[2]
    await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    again = await learner.slash(cohort.channel, "roleplay start")
    simcord.assert_error(cohort.env)
    assert "already have a role-play" in again.response.content
    quit_ = await learner.slash(cohort.channel, "roleplay quit")
    assert "dropped" in quit_.response.content
    listed = await learner.slash(cohort.channel, "roleplay list")
    assert SCENARIO in embed_text(listed.response)
    assert button_labels(listed.response) == []


async def test_choices_are_shown_in_a_shuffled_order_kept_for_the_session(cohort, settings):
    learner, sc = cohort.learners[3], scenario(cohort)
    best_first = engine.best_path(sc).moves[0][1]
    letters = []
    for _ in range(8):
        start = (await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)).response
        button = choice_button(start, best_first)
        letters.append(next(c.label for row in start.message.components for c in row.children if c.custom_id == button))
        if len(letters) == 1:  # the same letters after a restart
            await cohort.restart(settings)
            resumed = (await learner.slash(cohort.channel, "roleplay resume")).response
            assert (
                next(c.label for row in resumed.message.components for c in row.children if c.custom_id == button)
                == letters[0]
            )
            text = sc.nodes[sc.start].choices[best_first].text[:60]
            assert f"**{letters[0]}.** {text}" in embed_text(resumed)
        await learner.slash(cohort.channel, "roleplay quit")
    assert len(set(letters)) >= 2, letters  # the best move is not always at one letter
