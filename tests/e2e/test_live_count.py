"""The count of answers on an open daily post: shown soon after answers come in, in one
edit however many arrive together, and not lost when the bot restarts meanwhile."""

import re

from bot.cogs.daily import LIVE_COUNT_EVERY
from tests.e2e.helpers import answer, question_of
from tests.e2e.test_daily import bot_posts, setup_daily

HOUR = 3600


def edits_of(env, message) -> int:
    """How many times the bot has edited ``message``."""
    path = f"/channels/{message.channel.id}/messages/{message.id}"
    return sum(1 for r in env.http_requests if r.method == "PATCH" and r.path == path)


def shown_count(cohort, message) -> str:
    post = next(m for m in cohort.channel.history() if m.id == message.id)
    found = re.search(r"👥 ([^\n]*)", post.embeds[0].description)
    assert found, post.embeds[0].description
    return found[1]


async def open_post(cohort):
    await setup_daily(cohort)
    await cohort.env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    return post, await question_of(cohort, post)


async def test_a_burst_of_answers_is_counted_in_one_edit(cohort):
    env = cohort.env
    learners = cohort.learners + [cohort.guild.add_member(env.create_user(f"learner{i}")) for i in range(56)]
    post, q = await open_post(cohort)
    assert shown_count(cohort, post) == "No answers yet: be the first."
    for i, learner in enumerate(learners):
        await answer(learner, post, q, right=i % 3 != 0)
    await answer(learners[0], post, q, right=True)  # a second click is not a new answer
    assert edits_of(env, post) == 0  # not one edit per click
    await env.advance_time(LIVE_COUNT_EVERY + 1)
    assert edits_of(env, post) == 1
    assert shown_count(cohort, post) == "60 answers so far."

    late = cohort.guild.add_member(env.create_user("late"))
    await answer(late, post, q, right=True)
    await env.advance_time(LIVE_COUNT_EVERY / 2)
    assert edits_of(env, post) == 1  # at most one edit in any LIVE_COUNT_EVERY seconds
    await env.advance_time(LIVE_COUNT_EVERY)
    assert edits_of(env, post) == 2
    assert shown_count(cohort, post) == "61 answers so far."

    await env.advance_time(10 * LIVE_COUNT_EVERY)
    assert edits_of(env, post) == 2  # nothing new, nothing edited


async def test_one_answer_reads_as_one_answer(cohort):
    post, q = await open_post(cohort)
    await answer(cohort.learners[0], post, q, right=True)
    await cohort.env.advance_time(LIVE_COUNT_EVERY + 1)
    assert shown_count(cohort, post) == "1 answer so far."


async def test_a_count_waiting_when_the_bot_restarts_is_shown_after_the_restart(cohort, settings):
    env = cohort.env
    post, q = await open_post(cohort)
    for learner in cohort.learners[:3]:
        await answer(learner, post, q, right=True)
    await cohort.restart(settings)  # before the edit was due
    await env.advance_time(LIVE_COUNT_EVERY + 1)
    assert shown_count(cohort, post) == "3 answers so far."


async def test_the_count_never_covers_the_reveal(cohort):
    env = cohort.env
    await setup_daily(cohort, answer_hours=1)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    await env.advance_time(HOUR - LIVE_COUNT_EVERY / 2)  # the edit would fall due after the close
    await answer(cohort.learners[0], post, q, right=True)
    await env.advance_time(LIVE_COUNT_EVERY * 2)
    closed = next(m for m in cohort.channel.history() if m.id == post.id)
    assert "(closed)" in closed.embeds[0].title
    assert "How the cohort answered (1 answer)" in "\n".join(f.name for f in closed.embeds[0].fields)
    assert "👥" not in closed.embeds[0].description


async def test_the_count_is_read_without_reading_the_answers(cohort, monkeypatch):
    """The live count asks the database how many answers there are; it does not read
    every answer to count them (the reveal at close is what reads them)."""
    env = cohort.env
    post, q = await open_post(cohort)
    for learner in cohort.learners:
        await answer(learner, post, q, right=True)

    async def every_answer(post_id):
        raise AssertionError("the live count read every answer to the post")

    monkeypatch.setattr(cohort.inside.answers, "post_choices", every_answer)
    await env.advance_time(LIVE_COUNT_EVERY + 1)
    assert edits_of(env, post) == 1
    assert shown_count(cohort, post) == "4 answers so far."
