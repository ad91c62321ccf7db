"""`python -m bot migrate-db` (bot/store/migrate_db.py): a real SQLite database, with a server's
activity recorded through the services and the benchmark's generated learners, copied
into a fresh PostgreSQL database (TEST_DATABASE_URL): every table's rows identical, the
leaderboards identical, new rows given new ids, a full target refused with nothing
written, and every refusal one line."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from benchmarks import dataset
from bot.domain import roleplay as engine
from bot.packs.library import ContentLibrary
from bot.packs.schema import SingleQuestion
from bot.services.flashcards import Front
from bot.store import migrate_db
from bot.store.database import Database
from tests.inside import open_services
from tests.postgres import database_url_fixture, requires_postgres
from tests.replies import full_reply

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
EXAMPLE = (ROOT / "tests" / "data" / "example_pack.yaml").read_bytes()
G, CH, TUTOR = 51, 52, 50
LEARNERS = list(range(1001, 1013))
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
NOW = T0 + timedelta(days=2, hours=3)  # the leaderboards are asked for then
HOTEL = "pcc-sc-hotel"
BENCH_LEARNERS, BENCH_LEDGER = 2_000, 20_000

postgres_url = database_url_fixture()


# -- the SQLite database: generated learners and a server's activity ----------------------------
async def record_activity(path: Path) -> None:
    """A server's life through the services: settings, an uploaded and a disabled pack, a
    schedule, three daily posts answered by every learner (right and wrong), practice,
    myth cards and a myth post, a role-play, a challenge with a marked reflection, a
    flashcard and a learner who left the leaderboards: a row in every table."""
    db = await Database.open(path)
    try:
        services, inside = await open_services(db, ContentLibrary.from_folder(CONTENT))
        await services.settings.set_tutor_role(G, 77)
        await services.settings.remember_synced_tree("commands", "digest-1")
        assert (await services.content.upload(G, TUTOR, "example.yaml", EXAMPLE, T0)).pack is not None
        packs = [p.id for p in services.content.packs(G)]
        await services.content.set_enabled(G, packs[-1], False)
        await services.daily.configure(G, CH, "09:00", "Europe/London", None, None, 12, T0)

        singles = [
            (q, lp.id) for lp in services.content.packs(G) for q in lp.pack.questions if isinstance(q, SingleQuestion)
        ]
        for day in range(3):
            now = T0 + timedelta(days=day)
            q, _ = singles[day]
            post = await inside.posts.claim(G, "daily", now.date().isoformat(), q.id, CH, now)
            assert post is not None
            await inside.posts.mark_sent(post.id, 9000 + day, now, now + timedelta(hours=12))
            wrong = next(i for i in range(len(q.options)) if i != q.answer)
            await asyncio.gather(
                *(
                    services.answering.answer_post(
                        G, u, post.id, q.answer if (u + day) % 3 else wrong, now + timedelta(minutes=u % 11)
                    )
                    for u in LEARNERS
                )
            )
        q, _ = singles[5]
        await services.answering.answer_practice(G, LEARNERS[0], q.id, "quiz", q.answer, T0)

        myth, _ = await services.myths.draw(G, LEARNERS[1], None)
        await services.myths.answer_card(G, LEARNERS[1], myth.id, myth.verdict, T0)
        myth_post = await services.myths.claim_post(G, CH, None, 24, T0)
        assert myth_post is not None
        for u in LEARNERS[:4]:
            await services.myths.answer_post(G, u, myth_post.id, "myth" if u % 2 else "fact", T0 + timedelta(hours=1))

        await play(services, await services.roleplay.start(G, LEARNERS[2], HOTEL, T0), LEARNERS[2])
        challenge = await services.challenges.create(G, HOTEL, CH, "2d", 20, T0)
        attempt = await services.challenges.attempt(G, LEARNERS[3], challenge.id, T0)
        done = await play(services, attempt, LEARNERS[3])
        star = ("A guest was upset", "Calm them", "I listened and apologised", "They thanked me")
        await services.challenges.reflect(done.session.id, LEARNERS[3], star, T0 + timedelta(hours=1))
        await services.challenges.mark(G, TUTOR, challenge.id, LEARNERS[3], True, "Well done", 5, T0)

        flash_pack = "highfield-l3-unmet-expectations"
        shown = await services.flashcards.next_card(G, LEARNERS[4], flash_pack, T0)
        assert isinstance(shown, Front)
        await services.flashcards.rate(G, LEARNERS[4], shown.card.pack_id, shown.card.digest, shown.reviews, 3, T0)

        await services.progress.set_hidden(G, LEARNERS[5], True)
        assert await services.delivery.first(1_456_074_443_980_800_001)  # a slash command handled
    finally:
        await db.close()


async def play(services, start, learner: int):
    """Play the session ``start`` began along its scenario's best path."""
    current, sc = start, start.scenario
    for i, choice in enumerate(c for _, c in engine.best_path(sc).moves):
        at, sid, step = T0 + timedelta(minutes=i + 1), current.session.id, current.session.steps
        if choice is None:
            text = full_reply(sc.nodes[current.state.node].reply)
            current = await services.roleplay.reply(sid, learner, step, text, at)
        else:
            current = await services.roleplay.choose(sid, learner, step, choice, at)
    assert current.state.finished
    return current


def bench_packs() -> list[str]:
    return [p.id for p in ContentLibrary.from_folder(CONTENT).all_packs(dataset.GUILD)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The SQLite database, made once: the benchmark's generator first (it writes post 1
    itself), then the services' activity on top."""
    path = tmp_path_factory.mktemp("migrate") / "source.sqlite3"
    dataset.generate(path, BENCH_LEARNERS, BENCH_LEDGER, NOW, "Europe/London", packs=bench_packs())
    asyncio.run(record_activity(path))
    return path


@pytest.fixture
def source(built, tmp_path) -> Path:
    """Each test's own copy (migrate-db opens, and so may migrate, its source)."""
    path = tmp_path / "bot.sqlite3"
    shutil.copy(built, path)
    return path


# -- reading both sides ---------------------------------------------------------------------------
def sqlite_layout(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """table -> (columns, primary key columns), as SQLite has them."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        layout = {}
        for name in names:
            info = conn.execute(f"PRAGMA table_info({name})").fetchall()
            layout[name] = ([r[1] for r in info], [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])])
        return layout
    finally:
        conn.close()


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            name: conn.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY {', '.join(key)}").fetchall()
            for name, (cols, key) in sqlite_layout(path).items()
        }
    finally:
        conn.close()


async def pg_rows(url: str, layout: dict[str, tuple[list[str], list[str]]]) -> dict[str, list[tuple]]:
    conn = await asyncpg.connect(url)
    try:
        return {
            name: [
                tuple(r) for r in await conn.fetch(f"SELECT {', '.join(cols)} FROM {name} ORDER BY {', '.join(key)}")
            ]
            for name, (cols, key) in layout.items()
        }
    finally:
        await conn.close()


async def pg_tables(url: str) -> dict[str, int]:
    """Every table in the target and its rows (the schema version included)."""
    conn = await asyncpg.connect(url)
    try:
        names = [r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {n: await conn.fetchval(f"SELECT COUNT(*) FROM {n}") for n in names}
    finally:
        await conn.close()


async def boards(target: Path | str) -> list:
    """The leaderboards, from ProgressService on a database: the server's (week, month,
    all time, one pack) for six callers, a hidden one included, and the generated
    server's for three of its learners."""
    db = await Database.open(target)
    try:
        services, _ = await open_services(db, ContentLibrary.from_folder(CONTENT))
        pack = services.content.packs(G)[0].id
        views = []
        for guild, callers, pack_id in (
            (G, LEARNERS[:6], pack),
            (
                dataset.GUILD,
                [dataset.FIRST_USER, dataset.FIRST_USER + 777, dataset.FIRST_USER + BENCH_LEARNERS - 1],
                bench_packs()[0],
            ),
        ):
            for caller in callers:
                for kind in ("week", "month", "all"):
                    views.append(await services.progress.leaderboard(guild, caller, kind, None, NOW))
                views.append(await services.progress.leaderboard(guild, caller, "all", pack_id, NOW))
        return views
    finally:
        await db.close()


async def migrate(source: Path, target: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await migrate_db.migrate(source, target, out, err)
    return status, out.getvalue(), err.getvalue()


# -- the copy ---------------------------------------------------------------------------------------
@requires_postgres
async def test_every_table_is_copied_exactly_and_the_leaderboards_are_unchanged(source, postgres_url):
    before = sqlite_rows(source)
    assert all(before.values()), (
        f"the source should have rows in every table: {[t for t, r in before.items() if not r]}"
    )
    boards_before = await boards(source)

    status, out, err = await migrate(source, postgres_url)
    assert (status, err) == (0, ""), err
    lines = out.splitlines()
    for table, rows in before.items():  # one line per table, SQLite -> PostgreSQL
        assert any(line.split()[:4] == [table, f"{len(rows):,}", "->", f"{len(rows):,}"] for line in lines), table
    total = sum(map(len, before.values()))
    assert any(line.split()[:4] == ["total", f"{total:,}", "->", f"{total:,}"] for line in lines)
    assert "Traceback" not in out

    assert sqlite_rows(source) == before  # the source is read, not changed
    after = await pg_rows(postgres_url, sqlite_layout(source))
    for table in before:
        assert after[table] == before[table], table
    assert await boards(postgres_url) == boards_before


@requires_postgres
async def test_a_second_run_refuses_the_full_target_and_writes_nothing(source, postgres_url):
    assert (await migrate(source, postgres_url))[0] == 0
    layout = sqlite_layout(source)
    copied = await pg_rows(postgres_url, layout)

    status, out, err = await migrate(source, postgres_url)
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in out + err
    assert "already holds data" in err and "posts" in err
    assert await pg_rows(postgres_url, layout) == copied


@requires_postgres
async def test_new_rows_after_the_migration_get_ids_above_the_copied_ones(source, postgres_url):
    assert (await migrate(source, postgres_url))[0] == 0
    with_ids = ("posts", "answers", "points", "myth_answers", "roleplay_sessions")
    conn = sqlite3.connect(source)
    highest = {t: conn.execute(f"SELECT MAX(id) FROM {t}").fetchone()[0] for t in with_ids}
    conn.close()

    db = await Database.open(postgres_url)
    try:
        services, inside = await open_services(db, ContentLibrary.from_folder(CONTENT))
        later = T0 + timedelta(days=7)
        q = next(q for lp in services.content.packs(G) for q in lp.pack.questions if isinstance(q, SingleQuestion))
        post = await inside.posts.claim(G, "daily", later.date().isoformat(), q.id, CH, later)
        assert post is not None
        await inside.posts.mark_sent(post.id, 9999, later)
        await services.answering.answer_post(G, 4242, post.id, q.answer, later)
        myth_post = await services.myths.claim_post(G, CH, None, 24, later)
        assert myth_post is not None
        await services.myths.answer_post(G, 4242, myth_post.id, "myth", later)
        await services.roleplay.start(G, 4242, HOTEL, later)
        new = await db.read(
            lambda c: {
                t: c.execute(f"SELECT MAX(id) FROM {t} WHERE user_id = 4242").fetchone()[0] for t in with_ids[1:]
            }
        )
    finally:
        await db.close()
    assert post.id > highest["posts"] and myth_post.id > post.id
    for table in with_ids[1:]:
        assert new[table] > highest[table], table


# -- refusals -------------------------------------------------------------------------------------------
async def test_a_missing_file_a_folder_and_other_files_are_refused_with_exit_2(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    url = "postgresql://nobody@127.0.0.1:1/never"  # never reached: the file is looked at first
    for path, says in (
        (tmp_path / "missing.sqlite3", "No such file"),
        (tmp_path, "Not a file"),
        (text, "not a SQLite database"),
        (other, "not a revision bot database"),
        (empty, "not a revision bot database"),
    ):
        status, out, err = await migrate(path, url)
        assert status == 2, (path, err)
        assert says in err and str(path) in err and len(err.strip().splitlines()) == 1 and out == ""
    assert not (tmp_path / "missing.sqlite3").exists()
    assert empty.stat().st_size == 0  # nothing was made of them
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["things"]
    conn.close()


def test_a_refused_connection_or_a_bad_url_is_one_line_and_exit_2(built, tmp_path):
    path = tmp_path / "bot.sqlite3"
    shutil.copy(built, path)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DISCORD_TOKEN")}
    for url, says in (
        ("postgresql://someone:secret@127.0.0.1:1/bot", "cannot connect to PostgreSQL postgresql://someone:***@"),
        (str(tmp_path / "other.sqlite3"), "--to must be a postgresql:// URL"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "migrate-db", "--from", str(path), "--to", url],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env | {"PYTHONPATH": str(ROOT)},
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert says in result.stderr and "secret" not in result.stderr + result.stdout
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@requires_postgres
async def test_a_database_holding_another_programs_tables_is_left_alone(source, postgres_url):
    conn = await asyncpg.connect(postgres_url)
    await conn.execute("CREATE TABLE invoices (id BIGINT PRIMARY KEY)")
    await conn.close()
    status, _, err = await migrate(source, postgres_url)
    assert status == 1 and "not a bot database" in err and "invoices" in err
    assert await pg_tables(postgres_url) == {"invoices": 0}  # no schema made beside it


@requires_postgres
@pytest.mark.parametrize(
    "damage, says",
    [
        ("UPDATE points SET points = 2.5 WHERE id = 7", "points: the row with id 7 has 2.5 in points"),
        ("UPDATE cards SET due = 'a' || char(0) || 'b' WHERE rowid = 3", "cards: the row with guild_id"),
        ("UPDATE answers SET post_id = 999999 WHERE id = 1", 'Key (post_id)=(999999) is not present in table "posts"'),
    ],
    ids=["a fraction in an integer column", "a NUL in text", "an answer to a post that is not there"],
)
async def test_a_row_postgresql_cannot_take_is_named_and_nothing_is_written(source, postgres_url, damage, says):
    conn = sqlite3.connect(source)
    conn.execute(damage)
    conn.commit()
    conn.close()
    status, _, err = await migrate(source, postgres_url)
    assert status == 1 and says in err and "nothing was written" in err, err
    assert len(err.strip().splitlines()) == 1
    tables = await pg_tables(postgres_url)
    assert tables.pop("schema_version") == 1 and set(tables.values()) == {0}


@requires_postgres
async def test_a_count_that_differs_rolls_everything_back(source, postgres_url, monkeypatch):
    copy_table = migrate_db._copy_table

    async def all_but_cards(lite, pg, table, rows, say):
        if table.name != "cards":
            await copy_table(lite, pg, table, rows, say)

    monkeypatch.setattr(migrate_db, "_copy_table", all_but_cards)
    status, out, err = await migrate(source, postgres_url)
    assert status == 1 and "counts differ in cards" in err and "nothing was written" in err
    assert any(line.split()[0] == "cards" and line.split()[-1] == "DIFFERENT" for line in out.splitlines() if line)
    tables = await pg_tables(postgres_url)
    assert tables.pop("schema_version") == 1 and set(tables.values()) == {0}


# -- the order ---------------------------------------------------------------------------------------------
def test_tables_come_after_the_tables_they_refer_to():
    parents = {
        "answers": {"posts"},
        "reflections": {"roleplay_sessions"},
        "roleplay_sessions": {"posts"},
        "posts": set(),
    }
    assert migrate_db.in_reference_order(parents) == ["posts", "answers", "roleplay_sessions", "reflections"]
    with pytest.raises(migrate_db.Refused, match="circle"):
        migrate_db.in_reference_order({"a": {"b"}, "b": {"a"}})


@requires_postgres
async def test_the_plan_follows_the_schemas_references(source, postgres_url):
    db = await Database.open(postgres_url)
    await db.close()
    conn = await asyncpg.connect(postgres_url)
    lite = sqlite3.connect(source)
    try:
        order = [t.name for t in await migrate_db._plan(conn, migrate_db._source_tables(lite))]
    finally:
        lite.close()
        await conn.close()
    assert sorted(order) == sorted(sqlite_layout(source))
    for child, parent in (
        ("answers", "posts"),
        ("myth_answers", "posts"),
        ("roleplay_sessions", "posts"),
        ("challenges", "posts"),
        ("reflections", "roleplay_sessions"),
    ):
        assert order.index(parent) < order.index(child)
