"""The list of tables holding a learner's data stays complete, a deleted learner leaves the
maintained counts, leaderboard ranks from those counts agree with ranking every learner,
and the reads of the cohort CSV and of a learner's stats return what each server holds."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from bot.domain import leaderboard as lb
from bot.domain.progress import MythRow, PlayedRow, ReflectionRow
from bot.domain.timestamps import iso
from bot.store.database import Database
from bot.store.myths import MythRepo
from bot.store.points import Award, add_new_points, add_points
from bot.store.posts import PostRepo
from bot.store.progress import USER_DATA, ProgressRepo, delete_user
from bot.store.roleplay import ChallengeRepo, RoleplayRepo


def user_columns(c) -> set[tuple[str, str]]:
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {(t, col[1]) for t in tables for col in c.execute(f"PRAGMA table_info({t})") if col[1] == "user_id"}


async def test_every_table_with_a_user_id_column_is_in_user_data(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    found = await db.read(user_columns)
    await db.close()
    missing = found - set(USER_DATA)
    assert not missing, f"add these to USER_DATA in bot/store/progress.py (export and delete use it): {missing}"
    assert set(USER_DATA) <= found, "USER_DATA names a table or column the schema does not have"


async def test_a_referencing_table_is_deleted_before_the_table_it_references(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    order = [t for t, _ in USER_DATA]
    refs = await db.read(lambda c: [(t, r[2]) for t in order for r in c.execute(f"PRAGMA foreign_key_list({t})")])
    await db.close()
    for table, parent in refs:
        if parent in order:
            assert order.index(table) < order.index(parent), f"{table} references {parent}: delete it first"


G = 9
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def counts_and_recount(c) -> tuple[list[tuple], list[tuple]]:
    """score_counts as kept (every bucket not at 0: one counted out twice shows as -1), and
    counted again from score_totals."""
    return (
        sorted(
            tuple(r)
            for r in c.execute("SELECT guild_id, period, points, learners FROM score_counts WHERE learners != 0")
        ),
        sorted(
            tuple(r)
            for r in c.execute(
                "SELECT guild_id, period, points, COUNT(*) FROM score_totals "
                "WHERE points > 0 GROUP BY guild_id, period, points"
            )
        ),
    )


# -- a deleted learner leaves the counts --------------------------------------------------------
async def test_a_deleted_learners_totals_leave_the_counts_in_the_same_transaction(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    repo = ProgressRepo(db)
    periods = ("all", "w:2026-03-02")
    # Learner 2 ties with 1 on 10 in server G and is alone on 7 in server G + 1; learner 3
    # has 5; learner 4 has nothing (counted nowhere), and a 0 award for 2 changes nothing.
    awards = [(G, 1, 10), (G, 2, 10), (G, 3, 5), (G, 4, 0), (G + 1, 2, 7), (G + 1, 3, 7), (G, 2, 0)]
    try:
        await db.write(
            lambda c: add_new_points(
                c,
                [
                    (Award(g, user, "daily", f"post:{n}", pts, "test", periods, "pack"), iso(T0 + timedelta(minutes=n)))
                    for n, (g, user, pts) in enumerate(awards)
                ],
            )
        )
        kept, recount = await db.read(counts_and_recount)
        assert (
            kept
            == recount
            == sorted(
                [(G, p, 10, 2) for p in periods] + [(G, p, 5, 1) for p in periods] + [(G + 1, p, 7, 2) for p in periods]
            )
        )

        def delete_then_fail(c):
            delete_user(c, 2)
            raise RuntimeError("after the delete")

        with pytest.raises(RuntimeError):  # the counts roll back with the totals
            await db.write(delete_then_fail)
        assert await db.read(counts_and_recount) == (kept, kept)

        deleted = await repo.delete_user(2)
        assert deleted["score_totals"] == 4
        kept, recount = await db.read(counts_and_recount)
        assert (
            kept
            == recount
            == sorted(
                [(G, p, 10, 1) for p in periods] + [(G, p, 5, 1) for p in periods] + [(G + 1, p, 7, 1) for p in periods]
            )
        )
        await repo.delete_user(4)  # totals of 0: in no bucket, so none changes
        await repo.delete_user(99)  # nothing about them at all
        assert await db.read(counts_and_recount) == (kept, kept)
    finally:
        await db.close()


# -- ranks from the maintained counts agree with ranking everyone ------------------------------
awards_strategy = hs.lists(
    hs.tuples(hs.integers(1, 12), hs.sampled_from([0, 1, 2, 5, 10]), hs.integers(0, 5)), min_size=1, max_size=40
)


@settings(max_examples=25, deadline=None)
@given(
    awards=awards_strategy,
    hidden=hs.sets(hs.integers(1, 12), max_size=3),
    deleted=hs.sets(hs.integers(1, 12), max_size=2),
    batched=hs.booleans(),
)
async def test_ranks_and_board_sizes_match_ranking_every_learner(tmp_path_factory, awards, hidden, deleted, batched):
    db = await Database.open(tmp_path_factory.mktemp("ranks") / "bot.sqlite3")
    repo = ProgressRepo(db)
    try:
        given_awards = [
            (
                Award(G, user, "daily", f"post:{n}", pts, "test", ("all", "w:2026-03-02"), "pack"),
                T0 + timedelta(minutes=minute + n),
            )
            for n, (user, pts, minute) in enumerate(awards)
        ]
        if batched:
            await db.write(lambda c: add_new_points(c, [(a, iso(at)) for a, at in given_awards]))
        else:
            for award, at in given_awards:
                await db.write(lambda c, a=award, at=at: add_points(c, a, at))
        for user in hidden:
            await repo.set_hidden(G, user, True)
        for user in deleted:
            await repo.delete_user(user)
        counts, grouped = await db.read(counts_and_recount)
        assert counts == grouped
        totals = await db.read(
            lambda c: [tuple(r) for r in c.execute("SELECT period, user_id, points, reached_at FROM score_totals")]
        )
        for period in ("all", "w:2026-03-02"):
            board = sorted(((-p, r, u) for per, u, p, r in totals if per == period and p > 0 and u not in hidden))
            expected_rank = {u: i for i, (_, _, u) in enumerate(board, start=1)}
            for caller in range(1, 13):
                top, me, size = await repo.ranked(G, period, caller, 5)
                assert size == len(board)
                assert [row[1] for row in top] == [u for _, _, u in board[:5]]
                assert (me[0] if me else None) == expected_rank.get(caller)
    finally:
        await db.close()


# -- a pack's board ranked by SQLite agrees with ranking the summed awards --------------------------
# Few learners and few scores, so equal totals (ranked by who reached them first) are common.
pack_awards = hs.lists(
    hs.tuples(
        hs.integers(1, 6),
        hs.sampled_from([0, 5, 10]),
        hs.integers(0, 600),
        hs.sampled_from(["p1", "p2", None]),
        hs.booleans(),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=50, deadline=None)
@given(
    awards=pack_awards,
    window=hs.tuples(hs.integers(0, 200), hs.integers(400, 601)),
    hidden=hs.sets(hs.integers(1, 6), max_size=2),
    top=hs.integers(1, 4),
)
async def test_a_packs_board_matches_ranking_the_sums_of_its_awards(tmp_path_factory, awards, window, hidden, top):
    db = await Database.open(tmp_path_factory.mktemp("packs") / "bot.sqlite3")
    repo = ProgressRepo(db)
    start, end = T0 + timedelta(minutes=window[0]), T0 + timedelta(minutes=window[1])
    # Some moments carry microseconds and some do not: the stored text must still sort as time.
    given_awards = [
        (
            Award(G, user, "daily", f"post:{n}", pts, "test", ("all",), pack),
            T0 + timedelta(minutes=minute, microseconds=7 if odd else 0),
        )
        for n, (user, pts, minute, pack, odd) in enumerate(awards)
    ]
    try:
        await db.write(lambda c: add_new_points(c, [(a, iso(at)) for a, at in given_awards]))
        for user in hidden:
            await repo.set_hidden(G, user, True)
        for pack in ("p1", "p2"):
            entries = lb.totals(
                (a.user_id, a.points, at) for a, at in given_awards if a.pack_id == pack and start <= at < end
            )
            for caller in range(1, 7):
                expected = lb.board(entries, hidden, caller, top)
                found, me, size, mine = await repo.pack_ranked(G, pack, start, end, caller, top)
                assert [lb.Ranked(*r) for r in found] == expected.top
                assert (lb.Ranked(*me) if me else None) == expected.me
                assert size == expected.size
                assert mine == sum(e.points for e in entries if e.user_id == caller)
    finally:
        await db.close()


# -- the evidence the cohort CSV reads beyond answers -------------------------------------------
async def test_the_evidence_reads_keep_to_one_server_and_to_finished_role_plays(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    repo, plays, challenges, myths = ProgressRepo(db), RoleplayRepo(db), ChallengeRepo(db), MythRepo(db)
    at = [T0 + timedelta(minutes=n) for n in range(10)]
    state = {"scenario_id": "sc", "node": "n1", "mood": 5, "credit": {}, "finished": False, "steps": []}
    done = state | {"node": "end", "credit": {"AC1": 2, "AC2": 0}, "finished": True}
    try:
        free = await plays.start(G, 1, "sc", "p1", state, at[0])
        assert await plays.save_step(free.id, 0, done, at[1], finished=("resolved", 2, 3))
        quit_ = await plays.start(G, 2, "sc", "p1", state, at[0])
        assert await plays.quit(G, 2, at[1]) and quit_.id
        await plays.start(G, 3, "sc", "p1", state, at[0])  # still under way
        elsewhere = await plays.start(G + 1, 1, "sc", "p1", state, at[0])
        assert await plays.save_step(elsewhere.id, 0, done, at[1], finished=("lost", 0, 3))
        post = await PostRepo(db).claim(G, "challenge", "manual:1", "sc", 5, at[2], at[9])
        assert post is not None
        await challenges.create(post.id, 20)
        attempt = await plays.start(G, 2, "sc", "p1", state, at[3], challenge_id=post.id)
        assert await plays.save_step(attempt.id, 0, done | {"credit": {"AC2": 1}}, at[4], ("escalated", 1, 3))
        assert await challenges.reflect(attempt.id, G, 2, ("S", "T", "A", "R"), at[5])
        assert await challenges.mark(attempt.id, "accepted", "Good", 5, 99, at[6], None)
        await myths.record(G, 1, "m1", "p1", None, "myth", True, at[7], None, bust=False)
        await myths.record(G, 2, "m1", "p1", post.id, "fact", False, at[8], None, bust=False)
        await myths.record(G + 1, 1, "m1", "p1", None, "myth", True, at[8], None, bust=False)

        assert await repo.finished_roleplays(G) == [
            PlayedRow(1, "sc", "p1", False, {"AC1": 2, "AC2": 0}, "resolved", at[1]),
            PlayedRow(2, "sc", "p1", True, {"AC2": 1}, "escalated", at[4]),
        ]
        assert await repo.user_finished_roleplays(G, 1) == [
            PlayedRow(1, "sc", "p1", False, {"AC1": 2, "AC2": 0}, "resolved", at[1])
        ]
        assert await repo.user_finished_roleplays(G, 2) == [
            PlayedRow(2, "sc", "p1", True, {"AC2": 1}, "escalated", at[4])
        ]
        assert await repo.user_finished_roleplays(G, 3) == []  # still under way
        assert await repo.user_finished_roleplays(G + 1, 1) == [
            PlayedRow(1, "sc", "p1", False, {"AC1": 2, "AC2": 0}, "lost", at[1])
        ]
        plan = await db.read(
            lambda c: " ".join(
                r[3]
                for r in c.execute(
                    "EXPLAIN QUERY PLAN SELECT state FROM roleplay_sessions "
                    "WHERE guild_id = 1 AND user_id = 2 AND status = 'finished' ORDER BY updated_at, id"
                )
            )
        )
        assert "USING INDEX roleplay_by_learner" in plan, plan  # a learner's stats read no one else's rows
        assert await repo.reflections(G) == [
            ReflectionRow(2, "sc", "p1", "escalated", 1, 3, "S", "T", "A", "R", "accepted", "Good", 5, at[5], at[6])
        ]
        assert await repo.reflections(G + 1) == []
        assert await repo.myth_answers(G) == [
            MythRow(1, "m1", "p1", False, True, at[7]),
            MythRow(2, "m1", "p1", True, False, at[8]),
        ]
    finally:
        await db.close()
