"""Streaks over a week with a weekend and a paused day; spaced revision with /revise."""

from datetime import UTC, datetime, timedelta

from tests.e2e.helpers import answer, embed_text, question_of, reply
from tests.e2e.test_daily import advance_to, bot_posts, setup_daily


async def answer_today(cohort, learners):
    post = cohort.channel.last_message
    q = await question_of(cohort, post)
    return [reply(await answer(learner, post, q, right=True)) for learner in learners]


async def test_weekends_and_paused_days_do_not_break_a_streak_but_a_missed_post_does(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort, days="mon-fri")
    at = lambda d, h: datetime(2026, 1, d, h, 0, 1, tzinfo=UTC)  # noqa: E731
    await advance_to(env, at(1, 9))  # Thursday
    await answer_today(cohort, [amira, ben])
    await advance_to(env, at(2, 9))  # Friday: Ben misses it
    await answer_today(cohort, [amira])
    await advance_to(env, at(5, 9))  # Monday, after the weekend
    await answer_today(cohort, [amira, ben])
    await cohort.tutor.slash(cohort.channel, "daily pause")
    await advance_to(env, at(6, 13))  # Tuesday: paused, no post
    await cohort.tutor.slash(cohort.channel, "daily resume")
    assert len(bot_posts(cohort.channel)) == 3
    await advance_to(env, at(7, 9))  # Wednesday
    amira_fb, ben_fb = await answer_today(cohort, [amira, ben])
    assert len(bot_posts(cohort.channel)) == 4
    assert "streak 4 (best 4)" in embed_text(amira_fb)
    assert "streak 2 (best 2)" in embed_text(ben_fb)


async def test_revise_serves_a_wrong_answer_again_and_schedules_it_later(cohort):
    env, learner = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * 3600 + 1)
    post = cohort.channel.history()[0]
    q = await question_of(cohort, post)
    wrong = reply(await answer(learner, post, q, right=False))
    assert "Not quite" in wrong.embeds[0].title

    nothing = await learner.slash(cohort.channel, "revise")
    assert nothing.ephemeral and "Nothing is due" in nothing.response.content

    await env.advance_time(11 * 60)
    card = await learner.slash(cohort.channel, "revise")
    assert card.ephemeral and "Revision card" in card.response.embeds[0].title
    assert q.prompt in card.response.embeds[0].description
    fb = reply(await answer(learner, card.response.message, q, right=True))
    assert "Right" in fb.embeds[0].title and "no leaderboard points" in embed_text(fb)

    due = await cohort.inside.answers.next_due(cohort.guild.id, learner.id)
    assert due - env.now() >= timedelta(days=1)
    after = await learner.slash(cohort.channel, "revise")
    assert "Nothing is due" in after.response.content
