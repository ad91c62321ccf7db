"""Migrations that reshape tables keep every row and every rule that went with them."""

import shutil
from datetime import UTC, datetime, timedelta

from bot.domain import streaks as st
from bot.store.answers import AnswerRepo
from bot.store.database import MIGRATIONS_DIR, Database
from bot.store.progress import delete_user

G, CH = 7, 70
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def open_at(tmp_path, version: int) -> Database:
    """A database built by the first ``version`` migrations only."""
    old = tmp_path / "migrations"
    old.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:version]:
        shutil.copy(path, old / path.name)
    return await Database.open(tmp_path / "bot.sqlite3", migrations_dir=old)


def table_shape(c, table: str) -> tuple[bool, list[str]]:
    """(kept in its primary key, its indexes)."""
    without_rowid = c.execute("SELECT wr FROM pragma_table_list WHERE name = ?", (table,)).fetchone()[0]
    indexes = sorted(r[1] for r in c.execute(f"PRAGMA index_list({table})") if r[3] == "c")
    return bool(without_rowid), indexes


def fill_totals(c):
    """Learners 1-3 with 10, 20 and 30 points in two periods, counted one to a score."""
    c.executemany(
        "INSERT INTO score_totals (guild_id, period, user_id, points, reached_at) VALUES (?, ?, ?, ?, ?)",
        [(G, period, user, 10 * user, f"2026-03-0{user}") for period in ("all", "w:2026-03-02") for user in (1, 2, 3)],
    )
    c.executemany(
        "INSERT INTO score_counts (guild_id, period, points, learners) VALUES (?, ?, ?, 1)",
        [(G, period, 10 * user) for period in ("all", "w:2026-03-02") for user in (1, 2, 3)],
    )


def counts(c) -> list[tuple]:
    return [tuple(r) for r in c.execute("SELECT period, points, learners FROM score_counts ORDER BY period, points")]


LEARNER_2_DELETED = [
    ("all", 10, 1),
    ("all", 20, 0),
    ("all", 30, 1),
    ("w:2026-03-02", 10, 1),
    ("w:2026-03-02", 20, 0),
    ("w:2026-03-02", 30, 1),
]


def triggers(c) -> list[str]:
    return [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]


async def test_totals_move_into_their_key_with_every_row(tmp_path):
    db = await open_at(tmp_path, 8)

    def fill(c):
        fill_totals(c)
        c.executemany(
            "INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, ?, ?)",
            [(G, user, q, f'{{"card_id": {user}}}', f"2026-04-0{user}") for user in (1, 2) for q in "ab"],
        )

    def everything(c):
        return {
            t: sorted(tuple(r) for r in c.execute(f"SELECT * FROM {t}"))
            for t in ("score_totals", "score_counts", "cards")
        }

    await db.write(fill)
    before = await db.read(everything)
    await db.close()

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        assert await db.read(everything) == before
        assert await db.read(lambda c: table_shape(c, "score_totals")) == (True, ["score_totals_rank"])
        # A learner's data deleted (privacy): their totals still leave the counts.
        await db.write(lambda c: delete_user(c, 2))
        assert await db.read(counts) == LEARNER_2_DELETED
    finally:
        await db.close()


async def test_the_delete_trigger_goes_and_a_deleted_learner_leaves_the_counts_once(tmp_path):
    db = await open_at(tmp_path, 11)  # the trigger counted deletions out until 0012
    try:
        await db.write(fill_totals)
        assert await db.read(triggers) == ["score_counts_on_delete"]
    finally:
        await db.close()

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        assert await db.read(triggers) == []
        # The code alone counts a deleted learner out: once, not again by a trigger.
        await db.write(lambda c: delete_user(c, 2))
        assert await db.read(counts) == LEARNER_2_DELETED
    finally:
        await db.close()


async def test_awards_so_far_get_the_pack_of_what_earned_them(tmp_path):
    db = await open_at(tmp_path, 9)

    def fill(c):
        def post(kind, item):
            return c.execute(
                "INSERT INTO posts (guild_id, kind, slot, item_id, channel_id, created_at, status) "
                "VALUES (?, ?, ?, ?, 1, 'x', 'closed')",
                (G, kind, f"{kind}-{item}", item),
            ).lastrowid

        daily, myth, challenge = post("daily", "q1"), post("myth", "m1"), post("challenge", "s1")
        c.execute(
            "INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, correct, "
            "answered_at) VALUES (?, 1, 'q1', 'pack-daily', 'daily', ?, '0', 1, 'x')",
            (G, daily),
        )
        c.execute(
            "INSERT INTO myth_answers (guild_id, user_id, myth_id, pack_id, post_id, verdict, correct, "
            "answered_at) VALUES (?, 1, 'm1', 'pack-myth', ?, 'myth', 1, 'x')",
            (G, myth),
        )
        for scenario, pack, challenge_id in (("s1", "pack-challenge", challenge), ("s2", "pack-play", None)):
            c.execute(
                "INSERT INTO roleplay_sessions (guild_id, user_id, scenario_id, pack_id, challenge_id, state, "
                "status, started_at, updated_at) VALUES (?, 1, ?, ?, ?, '{}', 'finished', 'x', 'x')",
                (G, scenario, pack, challenge_id),
            )
        c.executemany(
            "INSERT INTO points (guild_id, user_id, source, ref, points, reason, created_at) "
            "VALUES (?, 1, ?, ?, 5, 'r', '2026-03-02T09:00:00+00:00')",
            [
                (G, "daily", f"post:{daily}"),
                (G, "myth_post", f"post:{myth}"),
                (G, "challenge", f"post:{challenge}"),
                (G, "reflection", f"post:{challenge}"),
                (G, "roleplay", "scenario:s2"),
                (G, "roleplay", "scenario:gone"),
            ],
        )

    await db.write(fill)
    await db.close()
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        packs = await db.read(
            lambda c: [
                tuple(r) for r in c.execute("SELECT source, ref LIKE 'scenario:gone', pack_id FROM points ORDER BY id")
            ]
        )
        indexes = await db.read(lambda c: [r[1] for r in c.execute("PRAGMA index_list(points)") if r[3] == "c"])
    finally:
        await db.close()
    assert packs == [
        ("daily", 0, "pack-daily"),
        ("myth_post", 0, "pack-myth"),
        ("challenge", 0, "pack-challenge"),
        ("reflection", 0, "pack-challenge"),
        ("roleplay", 0, "pack-play"),
        ("roleplay", 1, None),
    ]
    assert indexes == ["points_by_pack"]


async def test_the_migration_fills_streaks_from_the_answers_already_given(tmp_path):
    db = await open_at(tmp_path, 5)  # the schema before streaks were kept
    days = [(T0 + timedelta(days=n)).date().isoformat() for n in range(8)]
    answered = {1: {0, 1, 2, 4, 5}, 2: {7}, 3: {0, 1, 2, 3, 4, 5, 6, 7}, 4: {1, 3, 5}}

    def history(c):
        for n, day in enumerate(days):
            post_id = c.execute(
                "INSERT INTO posts (guild_id, kind, slot, item_id, channel_id, created_at, status) "
                "VALUES (?, 'daily', ?, 'q', ?, 'x', ?)",
                (G, day, CH, "open" if n == 7 else "closed"),
            ).lastrowid
            for user, ns in answered.items():
                if n in ns:
                    c.execute(
                        "INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, "
                        "choice, correct, answered_at) VALUES (?, ?, 'q', 'p', 'daily', ?, '1', 1, 'x')",
                        (G, user, post_id),
                    )

    await db.write(history)
    await db.close()
    db = await Database.open(tmp_path / "bot.sqlite3")
    answers = AnswerRepo(db)
    posts = [(day, n == 7) for n, day in enumerate(days)]
    for user, ns in answered.items():
        expected = st.streak(posts, {days[n] for n in ns})
        run, daily_posts = await answers.streak_run(G, user)
        assert st.shown(run, daily_posts) == expected, user
    rows = await db.read(
        lambda c: c.execute("SELECT user_id, last_slot, length, best FROM streaks ORDER BY user_id").fetchall()
    )
    await db.close()
    assert [tuple(r) for r in rows] == [(1, days[5], 2, 3), (2, days[7], 1, 1), (3, days[7], 8, 8), (4, days[5], 1, 1)]


async def test_a_learners_finished_role_plays_are_read_from_an_index(tmp_path):
    from bot.store.database import Database

    db = await Database.open(tmp_path / "plans.sqlite3")
    try:
        plans = await db.read(
            lambda c: [
                " ".join(str(r[3]) for r in c.execute("EXPLAIN QUERY PLAN " + q, (1, 2)))
                for q in (
                    "SELECT scenario_id, MAX(score), MAX(best_score) FROM roleplay_sessions "
                    "WHERE guild_id = ? AND user_id = ? AND status = 'finished' GROUP BY scenario_id",
                    "SELECT COUNT(DISTINCT scenario_id) FROM roleplay_sessions WHERE guild_id = ? AND user_id = ? "
                    "AND status = 'finished'",
                )
            ]
        )
    finally:
        await db.close()
    assert all("roleplay_by_learner" in plan and "SCAN roleplay_sessions" not in plan for plan in plans), plans
