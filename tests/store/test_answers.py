"""Answers to cohort posts written in batches: one answer per learner per post, streaks kept
in step, and one bad click failing alone."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.domain import streaks as st
from bot.store.answers import AnswerRepo, Click, Verdict
from bot.store.database import Database
from bot.store.posts import PostRepo

G, CH = 7, 70
T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def judge(post, guild_id, choice):
    if post is None or post.guild_id != guild_id:
        raise LookupError("no such post")
    if choice == '"bad"':
        raise ValueError("that choice does not fit")
    right = choice == "1"
    return Verdict(post.item_id, "pack", right, () if right else ("myth-a",), 10 if right else 2, "daily")


async def open_post(posts: PostRepo, slot: str, at: datetime, closes_at=None):
    post = await posts.claim(G, "daily", slot, f"q-{slot}", CH, at, closes_at)
    await posts.mark_sent(post.id, 1, at)
    return post


@pytest.fixture
async def store(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    answers = AnswerRepo(db)
    yield db, PostRepo(db), answers, answers.click_recorder(judge)
    await db.close()


async def test_clicks_arriving_together_are_written_once_each_with_points_cards_and_streaks(store):
    db, posts, answers, record = store
    post = await open_post(posts, "2026-03-02", T0)
    clicks = [Click(G, u, post.id, "1" if u % 2 else "0", T0 + timedelta(seconds=u)) for u in range(1, 41)]
    clicks += [Click(G, 5, post.id, "0", T0 + timedelta(seconds=99))]  # a second click by learner 5
    results = await asyncio.gather(*(record(k) for k in clicks))
    assert [r.first for r in results] == [True] * 40 + [False]
    assert results[-1].choice == "1" and results[-1].verdict.correct  # told what they answered first
    assert {r.points for r in results[:40]} == {10, 2}
    assert all(r.streak == st.Streak(1, 1) for r in results[:40])
    counts = await db.read(lambda c: [c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                                      for t in ("answers", "points", "cards", "streaks")])
    assert counts == [40, 40, 40, 40]
    wrong = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM misconceptions").fetchone()[0])
    assert wrong == 20


async def test_one_bad_click_fails_alone(store):
    db, posts, answers, record = store
    post = await open_post(posts, "2026-03-02", T0)
    clicks = [Click(G, u, post.id, '"bad"' if u in (3, 4) else "1", T0) for u in range(1, 6)]
    clicks.append(Click(G, 9, 10**12, "1", T0))  # a post that does not exist
    results = await asyncio.gather(*(record(k) for k in clicks), return_exceptions=True)
    assert isinstance(results[2], ValueError) and isinstance(results[3], ValueError)
    assert results[2] is not results[3]  # each click raises its own exception
    assert isinstance(results[5], LookupError)
    assert [r.first for i, r in enumerate(results) if i not in (2, 3, 5)] == [True] * 3
    assert await db.read(lambda c: c.execute("SELECT COUNT(*) FROM answers").fetchone()[0]) == 3


async def test_a_closed_post_records_nothing(store):
    db, posts, answers, record = store
    post = await open_post(posts, "2026-03-02", T0, closes_at=T0 + timedelta(hours=1))
    late = await record(Click(G, 1, post.id, "1", T0 + timedelta(hours=2)))
    assert late.closed and not late.first
    assert await db.read(lambda c: c.execute("SELECT COUNT(*) FROM answers").fetchone()[0]) == 0


async def test_streaks_follow_the_scheduled_posts_even_answered_out_of_order(store):
    db, posts, answers, record = store
    days = [f"2026-03-0{d}" for d in range(2, 7)]
    ids = {}
    for n, day in enumerate(days):
        ids[day] = (await open_post(posts, day, T0 + timedelta(days=n), closes_at=T0 + timedelta(days=10))).id
    manual = await posts.claim(G, "daily", "manual:1", "q-manual", CH, T0)
    await posts.mark_sent(manual.id, 2, T0)
    at = T0 + timedelta(days=5)

    async def answer(day):
        return await record(Click(G, 1, ids[day] if day in ids else manual.id, "1", at))

    assert (await answer(days[0])).streak == st.Streak(0, 1)  # later posts are open: only the newest may be
    assert (await answer(days[2])).streak == st.Streak(0, 1)
    assert (await answer(days[4])).streak == st.Streak(1, 1)
    assert (await answer(days[1])).streak == st.Streak(1, 3)  # rebuilt from the history: 2, 3, 4 in a row
    assert (await answer(days[3])).streak == st.Streak(5, 5)
    assert (await answer("manual")).streak == st.Streak(5, 5)  # a manual post is not part of a streak
    assert await answers.streak(G, 1) == st.Streak(5, 5)
