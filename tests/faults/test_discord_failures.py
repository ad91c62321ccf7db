"""Discord failures: 500 and 429 on posting the daily question and on answering a click.

SimCord fails an injected request before it has any effect and does no retries or
rate-limit handling of its own, so the bot sees a plain HTTPException each time. A
separate test covers the ambiguous failure: Discord created the message but the bot
got a 500 back.
"""

from __future__ import annotations

import discord
import pytest

from bot.ui.errors import SAVED_NOT_SHOWN
from tests.e2e.helpers import answer, embed_text, post_id_of, question_of, reply
from tests.e2e.test_daily import bot_posts, setup_daily

HOUR = 3600


async def counts(inside, post_id: int, user_id: int) -> tuple[int, int]:
    return await inside.db.read(
        lambda c: (
            c.execute("SELECT COUNT(*) FROM answers WHERE post_id = ? AND user_id = ?", (post_id, user_id)).fetchone()[
                0
            ],
            c.execute(
                "SELECT COUNT(*) FROM points WHERE user_id = ? AND ref = ?", (user_id, f"post:{post_id}")
            ).fetchone()[0],
        )
    )


@pytest.mark.parametrize("status, times", [(500, 1), (429, 3)])
async def test_posting_failures_are_retried_and_post_once(cohort, status, times):
    env = cohort.env
    await setup_daily(cohort)
    env.inject_error(
        "POST",
        f"/channels/{cohort.channel.id}/messages",
        status=status,
        times=times,
        message="You are being rate limited." if status == 429 else "Internal Server Error",
    )
    await env.advance_time(9 * HOUR + 1)
    assert bot_posts(cohort.channel) == []
    await env.advance_time(HOUR)  # retries: 30 s, 1 min, 2 min, ...
    posts = bot_posts(cohort.channel)
    assert len(posts) == 1
    post = await cohort.inside.posts.get(post_id_of(posts[0]))
    assert post.status == "open" and post.message_id == posts[0].id and post.attempts == times + 1
    await env.advance_time(3 * HOUR)
    assert len(bot_posts(cohort.channel)) == 1


async def test_a_post_discord_created_despite_a_500_is_not_posted_again(cohort, monkeypatch):
    """The ambiguous failure: the message exists, but the bot was told 500. The retry
    finds the message it already sent instead of posting a second one."""
    env = cohort.env
    await setup_daily(cohort)
    real_send = discord.abc.Messageable.send
    calls = []

    async def send_then_fail(self, *args, **kwargs):
        message = await real_send(self, *args, **kwargs)
        calls.append(message.id)
        if len(calls) == 1:
            response = type("R", (), {"status": 500, "reason": "Internal Server Error"})()
            raise discord.HTTPException(response, "the message was created, then the connection broke")
        return message

    monkeypatch.setattr(discord.abc.Messageable, "send", send_then_fail)
    await env.advance_time(9 * HOUR + 1)
    await env.advance_time(HOUR)
    posts = bot_posts(cohort.channel)
    assert len(calls) == 1 and len(posts) == 1  # never sent twice
    post = await cohort.inside.posts.get(post_id_of(posts[0]))
    assert post.status == "open" and post.message_id == posts[0].id


@pytest.mark.parametrize("status", [500, 429])
async def test_a_failed_acknowledgement_saves_nothing_and_the_retry_counts_once(cohort, status):
    """The click's first response (the deferral) fails: nothing is saved, since nothing
    could be shown; the learner clicks again and the answer counts once."""
    env, inside, amira = cohort.env, cohort.inside, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q, pid = await question_of(cohort, post), post_id_of(post)

    env.inject_error("POST", "/interactions/*/callback", status=status, times=1)
    failed = reply(await answer(amira, post, q, right=True))
    assert failed.ephemeral and "try again" in failed.content  # the reply after the failure got through
    assert await counts(inside, pid, amira.id) == (0, 0)
    retry = reply(await answer(amira, post, q, right=True))
    assert retry.ephemeral and "Right" in retry.embeds[0].title and "+10 points" in embed_text(retry)
    assert await counts(inside, pid, amira.id) == (1, 1)


@pytest.mark.parametrize("status", [500, 429])
async def test_a_failed_feedback_message_loses_no_answer_and_never_counts_twice(cohort, status):
    """The answer is saved, then sending the private feedback fails. The answer is kept;
    the learner's next click shows the answer they gave, without counting it again."""
    env, inside, ben = cohort.env, cohort.inside, cohort.learners[1]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q, pid = await question_of(cohort, post), post_id_of(post)

    env.inject_error("POST", "/webhooks/*", status=status, times=1)  # the follow-up with the feedback
    first = await answer(ben, post, q, right=False)
    assert first.acknowledged and reply(first).ephemeral  # never a silent failure
    assert reply(first).content == SAVED_NOT_SHOWN  # told it was saved, not to try again
    assert await counts(inside, pid, ben.id) == (1, 1)
    totals = await inside.db.read(
        lambda c: c.execute(
            "SELECT points FROM score_totals WHERE user_id = ? AND period = 'all'", (ben.id,)
        ).fetchone()[0]
    )
    assert totals == 2

    again = reply(await answer(ben, post, q, right=True))  # even a different button
    assert again.ephemeral and "already answered" in again.embeds[0].title
    assert await counts(inside, pid, ben.id) == (1, 1)
    assert (
        await inside.db.read(
            lambda c: c.execute(
                "SELECT points FROM score_totals WHERE user_id = ? AND period = 'all'", (ben.id,)
            ).fetchone()[0]
        )
        == 2
    )
