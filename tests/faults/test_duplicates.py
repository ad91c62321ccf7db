"""Duplicates under load: one learner's 100 concurrent clicks on the same post count once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.packs.library import ContentLibrary
from bot.packs.schema import SingleQuestion
from bot.runner import run_loop
from bot.store.database import Database
from tests.e2e.helpers import answer, post_id_of, question_of, reply
from tests.e2e.test_daily import bot_posts, setup_daily
from tests.inside import open_services

GUILD, LEARNER = 5, 6
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def open_daily(path, content_dir):
    db = await Database.open(path)
    svc, inside = await open_services(db, ContentLibrary.from_folder(content_dir))
    q = next(
        q
        for lp in inside.library.packs(GUILD)
        for q in lp.pack.questions
        if isinstance(q, SingleQuestion) and len(q.options) >= 3
    )
    post = await inside.posts.claim(GUILD, "daily", "2026-01-05", q.id, 1, NOW)
    await inside.posts.mark_sent(post.id, 2, NOW)
    return svc, inside, post, q


@pytest.fixture
async def daily(tmp_path, settings):
    found = await open_daily(tmp_path / "dupes.sqlite3", settings.content_dir)
    yield found
    await found[1].db.close()


async def rows(inside, post_id: int, user_id: int) -> dict[str, int]:
    return await inside.db.read(
        lambda c: {
            "answers": c.execute(
                "SELECT COUNT(*) FROM answers WHERE post_id = ? AND user_id = ?", (post_id, user_id)
            ).fetchone()[0],
            "ledger": c.execute("SELECT COUNT(*) FROM points WHERE user_id = ?", (user_id,)).fetchone()[0],
            "cards": c.execute("SELECT COUNT(*) FROM cards WHERE user_id = ?", (user_id,)).fetchone()[0],
            "all_time": c.execute(
                "SELECT points FROM score_totals WHERE user_id = ? AND period = 'all'", (user_id,)
            ).fetchone()[0],
            "periods": c.execute("SELECT COUNT(*) FROM score_totals WHERE user_id = ?", (user_id,)).fetchone()[0],
        }
    )


async def test_100_concurrent_clicks_by_one_learner_record_one_answer(daily):
    svc, inside, post, q = daily
    wrong = next(k for k in range(len(q.options)) if k != q.answer)
    choices = [q.answer if i % 3 else wrong for i in range(100)]  # different buttons, all at once
    feedback = await asyncio.gather(*(svc.answering.answer_post(GUILD, LEARNER, post.id, c, NOW) for c in choices))

    firsts = [fb for fb in feedback if not fb.already_answered]
    assert len(firsts) == 1
    first = firsts[0]
    assert all(fb.choice == first.choice for fb in feedback)  # every reply shows the one answer kept
    assert sum(fb.points for fb in feedback) == first.points == (10 if first.grade.correct else 2)
    assert await rows(inside, post.id, LEARNER) == {
        "answers": 1,
        "ledger": 1,
        "cards": 1,
        "all_time": first.points,
        "periods": 3,
    }


async def test_concurrent_clicks_by_many_learners_each_count_once(daily):
    svc, inside, post, q = daily
    learners = range(100, 150)
    calls = [svc.answering.answer_post(GUILD, u, post.id, q.answer, NOW) for u in learners for _ in range(4)]
    feedback = await asyncio.gather(*calls)
    assert sum(not fb.already_answered for fb in feedback) == len(learners)
    counts = await inside.db.read(
        lambda c: (
            c.execute("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM answers WHERE post_id = ?", (post.id,)).fetchone(),
            c.execute("SELECT COUNT(*) FROM points").fetchone()[0],
            c.execute("SELECT SUM(points) FROM score_totals WHERE period = 'all'").fetchone()[0],
        )
    )
    assert tuple(counts[0]) == (len(learners), len(learners))
    assert counts[1:] == (len(learners), 10 * len(learners))


def test_the_same_on_the_event_loop_the_bot_runs_on(tmp_path, settings):
    """The bot runs on uvloop (bot/runner.py) while SimCord needs asyncio's own loop, so the
    write queue's concurrency is checked on the bot's loop here, without SimCord."""
    pytest.importorskip("uvloop")

    async def both() -> str:
        for n, scenario in enumerate(
            (
                test_100_concurrent_clicks_by_one_learner_record_one_answer,
                test_concurrent_clicks_by_many_learners_each_count_once,
            )
        ):
            daily = await open_daily(tmp_path / f"dupes{n}.sqlite3", settings.content_dir)
            try:
                await scenario(daily)
            finally:
                await daily[1].db.close()
        return type(asyncio.get_running_loop()).__module__

    assert run_loop(both(), "uvloop").startswith("uvloop")


async def test_repeated_clicks_through_the_real_button_count_once(cohort):
    """The same through SimCord (its clicks run one after another): the first counts, the
    rest show the answer already given."""
    env, amira = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * 3600 + 1)
    post = bot_posts(cohort.channel)[0]
    q, pid = await question_of(cohort, post), post_id_of(post)
    results = [reply(await answer(amira, post, q, right=i % 2 == 0)) for i in range(10)]
    assert "Right" in results[0].embeds[0].title
    assert all("already answered" in r.embeds[0].title for r in results[1:])
    assert (await rows(cohort.inside, pid, amira.id))["answers"] == 1
    assert (await rows(cohort.inside, pid, amira.id))["ledger"] == 1
