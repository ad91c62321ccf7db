"""The answer rules (bot/services/recording.py) on a real SQLite store: clicks decided and
written in batches, one answer per learner per post, a closed post recording nothing,
streaks kept in step, and one bad click failing alone."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import streaks as st
from bot.services.recording import Click, Verdict, click_recorder
from bot.store.answers import AnswerRepo
from bot.store.database import Database
from bot.store.posts import PostRepo

G, CH = 7, 70
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


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
    yield db, PostRepo(db), answers, click_recorder(answers, judge)
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
    counts = await db.read(
        lambda c: [
            c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("answers", "points", "cards", "streaks")
        ]
    )
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
    run, daily_posts = await answers.streak_run(G, 1)
    assert st.shown(run, st.scheduled(daily_posts)) == st.Streak(5, 5)  # as /stats shows it


async def _burst_of_two_posts(path, learners: int) -> dict[str, list[tuple]]:
    """Every learner answers two posts at once (one batch); returns every table's rows."""
    db = await Database.open(path)
    try:
        posts, record = PostRepo(db), click_recorder(AnswerRepo(db), judge)
        both = [await open_post(posts, "2026-03-02", T0), await open_post(posts, "2026-03-03", T0 + timedelta(days=1))]
        at = T0 + timedelta(days=1, hours=1)
        clicks = [
            Click(G, u, p.id, "1" if u % 2 else "0", at + timedelta(microseconds=u))
            for p in both
            for u in range(1, learners + 1)
        ]
        assert all(r.first for r in await asyncio.gather(*(record(k) for k in clicks)))

        def everything(c):
            tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {t: sorted((tuple(r) for r in c.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}

        return await db.read(everything)
    finally:
        await db.close()


async def test_a_burst_written_a_hundred_rows_to_a_statement_leaves_what_one_row_statements_leave(
    tmp_path, monkeypatch
):
    """150 learners answer two posts in one batch: every table the answer path writes gets
    100 rows or more in one call (so the hundred-row statements are used for each), and a
    learner's totals and misconception repeat within one statement."""
    import bot.store.answers as answers_module
    import bot.store.points as points_module
    from bot.store.database import ROWS_PER_STATEMENT, insert_rows

    widest: dict[str, int] = {}

    def recording(c, statement, rows):
        table = statement.split()[2]
        widest[table] = max(widest.get(table, 0), len(rows))
        insert_rows(c, statement, rows)

    for module in (answers_module, points_module):
        monkeypatch.setattr(module, "insert_rows", recording)
    batched = await _burst_of_two_posts(tmp_path / "batched.sqlite3", 150)
    hot = ("answers", "points", "score_totals", "cards", "streaks", "misconceptions")  # score_counts: a few buckets
    assert all(widest[table] >= ROWS_PER_STATEMENT for table in hot), widest

    for module in (answers_module, points_module):
        monkeypatch.setattr(module, "insert_rows", lambda c, statement, rows: c.executemany(statement, rows))
    assert batched == await _burst_of_two_posts(tmp_path / "one-by-one.sqlite3", 150)
    assert len(batched["answers"]) == 300 and len(batched["misconceptions"]) == 75


async def test_a_click_stamped_in_local_time_is_stored_in_utc(store):
    db, posts, answers, record = store
    post = await open_post(posts, "2026-07-01", T0.replace(month=7, day=1))
    local = datetime(2026, 7, 1, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # 09:30 UTC
    await record(Click(G, 1, post.id, "0", local))
    answered_at, created_at, due, card = await db.read(
        lambda c: c.execute(
            "SELECT a.answered_at, p.created_at, k.due, k.card FROM answers a JOIN points p ON p.user_id = a.user_id "
            "JOIN cards k ON k.user_id = a.user_id"
        ).fetchone()
    )
    assert answered_at == created_at == "2026-07-01T09:30:00+00:00"
    assert due == "2026-07-01T09:40:00+00:00"  # wrong: due again after the 10-minute learning step
    assert json.loads(card)["last_review"] == answered_at and json.loads(card)["due"] == due
