"""Tutor challenges: post with a deadline, one attempt each, reflections marked, summary."""

import json
import re

import simcord

from bot.domain import roleplay as engine
from bot.ui.errors import NotTutor
from tests.e2e.helpers import choice_button, embed_text, reply
from tests.e2e.test_roleplay import (
    SCENARIO,
    assert_whole_or_cut_at_a_word,
    field,
    play_best_path,
    scenario,
)

DAY = 24 * 3600


def average_rows(text: str) -> list[tuple[str, float, int]]:
    """(criterion, cohort average, the best path's) for each row of the summary."""
    rows = re.findall(r"\*\*(\w+)\*\* (\d+\.\d) (?:of (\d+)|\(more than the best path's (\d+)\))", text)
    return [(cid, float(average), int(of or more)) for cid, average, of, more in rows]


async def ledger(cohort, member) -> list[tuple[str, int]]:
    rows = await cohort.inside.db.read(
        lambda c: c.execute("SELECT source, points FROM points WHERE user_id = ? ORDER BY id", (member.id,)).fetchall()
    )
    return [tuple(r) for r in rows]


async def play_first_choices(learner, message, sc):
    """Always pick the pack's first choice (writing "ok" at a reply node) until the role-play ends."""
    state = engine.start(sc)
    while not state.finished:
        node = sc.nodes[state.node]
        if node.reply is not None:
            shown = await learner.click(message, label="Write your reply")
            result = await learner.submit_modal(shown, {"reply": "ok"})
            state, _ = engine.write_reply(sc, state, "ok")
        else:
            result = await learner.click(message, custom_id=choice_button(message, 0))
            state = engine.choose(sc, state, 0)
        message = reply(result).message
    return message


async def test_a_challenge_from_post_to_summary(cohort, settings):
    env, (amira, ben, chloe, _) = cohort.env, cohort.learners
    channel = cohort.guild.create_text_channel("challenges")
    sc = scenario(cohort)
    posted = await cohort.tutor.slash(
        cohort.channel, "challenge post", scenario=SCENARIO, channel=channel, deadline="2d", points=20
    )
    assert "Challenge posted" in reply(posted).content
    post = channel.last_message
    assert sc.title in post.embeds[0].title
    post_id = (await cohort.inside.posts.ids_of_kind(cohort.guild.id, "challenge"))[-1]

    start = reply(await amira.click(post, label="Attempt"))
    assert start.ephemeral and sc.customer.name in embed_text(start)
    last, _ = await play_best_path(cohort, amira, start.message, sc)
    best = engine.best_path(sc)
    assert f"Score {best.score} of {best.score}" in embed_text(last)
    again = reply(await amira.click(post, label="Attempt"))
    assert "already attempted" in again.content

    shown = await amira.click(last, label="Add a STAR reflection")
    sent = reply(
        await amira.submit_modal(
            shown,
            {
                "situation": "A third call about a fee",
                "task": "Keep her",
                "action": "Apologised, owned it",
                "result": "Escalated, logged",
            },
        )
    )
    assert "Reflection sent" in sent.content

    ben_start = reply(await ben.click(post, label="Attempt"))
    await play_first_choices(ben, ben_start.message, sc)

    results = await cohort.tutor.slash(cohort.channel, "challenge results")
    text = embed_text(results.response)
    assert results.ephemeral and "2 attempts." in text
    assert "A third call about a fee" in text and f"{best.score}/{best.score}" in text

    marked = await cohort.tutor.slash(
        cohort.channel, "challenge mark", learner=amira, decision="accept", feedback="Clear STAR account", bonus=10
    )
    assert "accepted" in marked.response.content and "could not" not in marked.response.content
    ledger = await cohort.inside.db.read(
        lambda c: c.execute("SELECT source, points FROM points WHERE user_id = ? ORDER BY id", (amira.id,)).fetchall()
    )
    assert [tuple(r) for r in ledger] == [("challenge", 20), ("reflection", 10)]

    await cohort.restart(settings)  # the deadline is kept in the database
    await env.advance_time(2 * DAY + 1)
    closed = next(m for m in channel.history() if m.id == post.id)
    summary = embed_text(closed)
    assert "Challenge closed" in closed.embeds[0].title and "2 attempts, 2 finished" in summary
    assert "Cohort average per criterion" in summary and "The best path" in summary
    # each criterion against what the best path earns, as each attempt's report scores it:
    # those add up to the best path's score (the most of each over every path do not)
    rows = average_rows(field(closed, "Cohort average per criterion"))
    assert sum(most for _, _, most in rows) == best.score, rows
    assert {cid: most for cid, _, most in rows if most} == engine.best_credit(sc)
    states = await cohort.inside.db.read(
        lambda c: [
            json.loads(r[0])
            for r in c.execute("SELECT state FROM roleplay_sessions WHERE challenge_id = ?", (post_id,))
        ]
    )
    credits = [engine.state_from_dict(state).credit for state in states]
    for cid, average, _ in rows:
        assert f"{average:.1f}" == f"{sum(c.get(cid, 0) for c in credits) / len(credits):.1f}", (cid, rows)
    shown_best = field(closed, "The best path")  # the best path's choices, whole or cut at a word
    long_ones = [sc.nodes[n].choices[k].text for n, k in best.moves if k is not None]
    assert any(len(text) > 150 for text in long_ones)  # so a cut is seen
    for text in long_ones:
        assert_whole_or_cut_at_a_word(text, shown_best)
    late = reply(await chloe.click(closed, label="Attempt"))
    assert "deadline has passed" in late.content and f"Try **{sc.title}** as practice" in late.content


async def test_a_plain_member_cannot_post_a_challenge(cohort):
    result = await cohort.learners[0].slash(
        cohort.channel, "challenge post", scenario=SCENARIO, channel=cohort.channel, deadline="2d"
    )
    simcord.assert_error(cohort.env, NotTutor)
    assert "tutor command" in result.response.content
    assert cohort.channel.last_message is None


async def test_a_bad_deadline_is_explained(cohort):
    result = await cohort.tutor.slash(
        cohort.channel, "challenge post", scenario=SCENARIO, channel=cohort.channel, deadline="soon"
    )
    simcord.assert_error(cohort.env)
    assert "not a duration" in reply(result).content


async def test_a_free_play_after_a_challenge_attempt_earns_and_says_the_first_completion_points(cohort):
    """A scenario finished first as a challenge, then in free play: the free play is its
    first completion (the challenge earned its own points), and the report says the 10
    points the ledger gets; a replay after that says no points, and gets none."""
    amira, sc = cohort.learners[0], scenario(cohort)
    channel = cohort.guild.create_text_channel("challenges")
    await cohort.tutor.slash(cohort.channel, "challenge post", scenario=SCENARIO, channel=channel, deadline="2d")
    attempt = reply(await amira.click(channel.last_message, label="Attempt"))
    await play_first_choices(amira, attempt.message, sc)
    challenge_points = await ledger(cohort, amira)
    assert [source for source, _ in challenge_points] == ["challenge"]

    start = await amira.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    last, _ = await play_best_path(cohort, amira, start.response.message, sc)
    points = field(last, "Points")
    assert "+10 points" in points and "first completion" in points, points
    assert await ledger(cohort, amira) == challenge_points + [("roleplay", 10)]

    again = await amira.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    last, _ = await play_best_path(cohort, amira, again.response.message, sc)
    assert "No points this time" in field(last, "Points")
    assert await ledger(cohort, amira) == challenge_points + [("roleplay", 10)]
