"""Leaderboard on PostgreSQL at scale: ``benchmarks/leaderboard.py``'s boards (100,000
learners, 10,000,000 ledger rows by default) with the store opened on a ``postgresql://``
URL (``--database-url``, default ``BENCH_DATABASE_URL``; see ``benchmarks/pg.py``).

The data are the very rows leaderboard.py measures: ``benchmarks/dataset.py`` generates
them into a SQLite file, and ``python -m bot migrate-db`` (``bot.store.migrate_db.migrate``:
binary COPY, indexes made after, ANALYZE) moves them into a new database on the server,
which is dropped at the end. The calls are leaderboard.py's (``time_boards``: the same
callers, the last-placed learner among them, through ``ProgressService.leaderboard``),
the query plans are checked to use the rank index and the score buckets, and a sample of
boards is compared with SQLite's from the same file (``boards_match_sqlite``).

leaderboard.py has no ceiling. Here, for the store's own share: every statement one whole-
server board ran (recorded at the reading connection) is replayed with plain ``asyncpg``
on the benchmark's loop (same texts, same arguments, same read transactions), without the
worker thread and its loop in between (``plain``).
"""

from __future__ import annotations

import argparse
import io
import random
import time
from pathlib import Path
from typing import Any

from benchmarks.common import CONTENT_DIR, child_main, ms, percentile, say, scratch_dir
from benchmarks.dataset import FIRST_USER, GUILD, generate
from benchmarks.leaderboard import NOW, TZ, time_boards
from benchmarks.pg import add_url_option, connect, fresh_database, server_url, server_version, where
from bot.runner import run_loop

PROG = "python -m benchmarks.leaderboard_postgres"
COMPARED = 20  # callers per period whose boards are compared with SQLite's


class Recorder:
    """Records every statement the reading connection runs: ``calls[i]`` is the list of
    (text, arguments, returns rows) one board ran."""

    def __init__(self) -> None:
        from bot.store import postgres

        self.calls: list[list[tuple[str, list[Any], bool]]] = []
        self._pg = postgres.PgConnection
        self._orig = orig = self._pg.execute
        rec = self

        def execute(pg, sql, params=None):
            text = postgres.to_postgres(sql)
            if rec.calls:
                rows = bool(postgres._QUERY.match(text) or postgres._RETURNING.search(text))
                rec.calls[-1].append((text, postgres._args(params), rows))
            return orig(pg, sql, params)

        self._pg.execute = execute  # type: ignore[method-assign]

    def next_call(self) -> None:
        self.calls.append([])

    def close(self) -> None:
        self._pg.execute = self._orig  # type: ignore[method-assign]


async def _replay(url: str, calls: list[list[tuple[str, list[Any], bool]]]) -> list[float]:
    """Seconds each recorded board takes with plain asyncpg (each call run twice; the second timed)."""
    conn = await connect(url)
    try:
        out = []
        for statements in calls:
            for timed in (False, True):
                t = time.perf_counter()
                for text, args, rows in statements:
                    if rows:
                        await conn.fetch(text, *args)
                    else:
                        await conn.execute(text, *args)
                if timed:
                    out.append(time.perf_counter() - t)
        return out
    finally:
        await conn.close()


def _stats(lat: list[float]) -> dict[str, float]:
    return {
        "calls": len(lat),
        "p50_ms": ms(percentile(lat, 50)),
        "p99_ms": ms(percentile(lat, 99)),
        "max_ms": ms(max(lat)),
    }


async def _boards(svc, library, callers: list[int]) -> list:
    pack = library.all_packs(GUILD)[0].id
    out = []
    for kind in ("week", "all"):
        for caller in callers:
            v = await svc.progress.leaderboard(GUILD, caller, kind, None, NOW)
            out.append((kind, caller, v))
    for kind in ("week", "all"):
        v = await svc.progress.leaderboard(GUILD, callers[0], kind, pack, NOW)
        out.append((f"pack_{kind}", callers[0], v))
    return out


async def _sqlite_boards(path: Path, callers: list[int]) -> list:
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.store.database import Database

    db = await Database.open(path)
    try:
        library = ContentLibrary.from_folder(CONTENT_DIR)
        return await _boards(await Services.build(Store.on(db), library), library, callers)
    finally:
        await db.close()


PLANNED = (  # what ProgressRepo.ranked asks (leaderboard.py shows SQLite's plans for the first two)
    (
        "SELECT COALESCE(SUM(learners), 0) FROM score_counts WHERE guild_id = ? AND period = ? AND points > ?",
        (GUILD, "all", 5),
    ),
    (
        "SELECT COUNT(*) FROM score_totals WHERE guild_id = ? AND period = ? AND points = ? "
        "AND (reached_at, user_id) < (?, ?)",
        (GUILD, "all", 5, "", 7),
    ),
    (
        "SELECT user_id, points, reached_at FROM score_totals WHERE guild_id = ? AND period = ? AND points > 0 "
        "AND user_id NOT IN (SELECT user_id FROM leaderboard_hidden WHERE guild_id = ?) "
        "ORDER BY points DESC, reached_at, user_id LIMIT ?",
        (GUILD, "all", GUILD, 10),
    ),
)


async def _plans(url: str) -> list[str]:
    """PostgreSQL's plans for ``PLANNED``, one line each."""
    from bot.store.postgres import to_postgres

    conn = await connect(url)
    try:
        return [
            " | ".join(r[0].strip() for r in await conn.fetch("EXPLAIN " + to_postgres(sql), *args))
            for sql, args in PLANNED
        ]
    finally:
        await conn.close()


async def _measure(server: str, path: Path, learners: int, calls: int, pack_calls: int) -> dict:
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.store.database import Database
    from bot.store.migrate_db import migrate

    out: dict[str, Any] = {}
    async with fresh_database(server) as url:
        t = time.perf_counter()
        log = io.StringIO()
        status = await migrate(path, url, out=log)
        say("migrate-db: " + " / ".join(log.getvalue().splitlines()[-3:]))
        if status:
            raise SystemExit(f"{PROG}: migrate-db into {url} failed (exit {status})")
        out["copy_s"] = round(time.perf_counter() - t, 1)
        db = await Database.open(url)
        try:
            library = ContentLibrary.from_folder(CONTENT_DIR)
            svc = await Services.build(Store.on(db), library)
            plans = await _plans(url)
            say("query plans:\n  " + "\n  ".join(plans))
            # the size and the learners above from the buckets (a few thousand rows: a scan
            # of them may be the planner's choice), the ties and the top from the rank index
            out["plans_use_indexes"] = (
                "score_counts" in plans[0] and "score_totals_rank" in plans[1] and "score_totals_rank" in plans[2]
            )
            out.update(await time_boards(db, svc, library, learners, calls, pack_calls, random.Random(8)))
            # The store's own share: the statements of some whole-server boards, replayed.
            rng = random.Random(9)
            sample = [FIRST_USER + rng.randrange(learners) for _ in range(min(calls, 100))]
            rec = Recorder()
            try:
                for kind in ("week", "all"):
                    for caller in sample:
                        rec.next_call()
                        await svc.progress.leaderboard(GUILD, caller, kind, None, NOW)
            finally:
                rec.close()
            out["statements_per_board"] = round(sum(map(len, rec.calls)) / len(rec.calls), 1)
            lat = []
            for kind in ("week", "all"):
                for caller in sample:
                    t = time.perf_counter()
                    await svc.progress.leaderboard(GUILD, caller, kind, None, NOW)
                    lat.append(time.perf_counter() - t)
            out["sample"] = _stats(lat)  # the same boards through the store, as replayed below
            out["plain"] = _stats(await _replay(url, rec.calls))
            compared = sample[:COMPARED]
            pg_boards = await _boards(svc, library, compared)
            out["db_mb"] = round(
                await db.read(lambda c: c.execute("SELECT pg_database_size(current_database())").fetchone()[0]) / 2**20,
                1,
            )
        finally:
            await db.close()
    lite = await _sqlite_boards(path, compared)
    out["boards_compared"] = len(lite)
    out["boards_match_sqlite"] = lite == pg_boards
    if lite != pg_boards:
        diff = next(i for i, (a, b) in enumerate(zip(lite, pg_boards)) if a != b)
        say(f"leaderboard_postgres: board {diff} differs:\n  SQLite     {lite[diff]}\n  PostgreSQL {pg_boards[diff]}")
    return out


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    add_url_option(ap)
    ap.add_argument("--learners", type=int, default=100_000)
    ap.add_argument("--ledger-rows", type=int, default=10_000_000)
    ap.add_argument("--calls", type=int, default=300, help="leaderboards asked for, per period")
    ap.add_argument("--pack-calls", type=int, default=20, help="one pack's leaderboards asked for, per period")
    args = ap.parse_args(argv)
    server = server_url(args.database_url, PROG)
    version = run_loop(server_version(server))  # before generating anything
    from bot.packs.library import ContentLibrary

    packs = [p.id for p in ContentLibrary.from_folder(CONTENT_DIR).all_packs(GUILD)]
    with scratch_dir("leaderboard-pg") as tmp:
        path = Path(tmp) / "leaderboard.sqlite3"
        t = time.perf_counter()
        gen: dict[str, Any] = generate(path, args.learners, args.ledger_rows, NOW, TZ, packs=packs)
        gen["total_s"] = round(time.perf_counter() - t, 1)
        say(f"leaderboard_postgres: generated {gen}")
        m = run_loop(_measure(server, path, args.learners, args.calls, args.pack_calls))
    gen["sqlite_db_mb"], gen["db_mb"] = gen["db_mb"], m.pop("db_mb")
    gen["copy_s"] = m.pop("copy_s")
    result = {
        "learners": args.learners,
        "ledger_rows": gen["rows"]["points"],
        "database": "postgresql",
        "connection": where(server),
        "server_version": version,
        "generate": gen,
    }
    result.update(m)
    result["p99_ms"] = max(m["week"]["p99_ms"], m["all"]["p99_ms"])
    result["plain_ratio"] = round(m["plain"]["p50_ms"] / m["sample"]["p50_ms"], 3)
    say(f"leaderboard_postgres: {m}")
    if not m["plans_use_indexes"]:
        say("leaderboard_postgres: the plans do not use the rank index and the score buckets")
    if not m["boards_match_sqlite"]:
        raise SystemExit(f"{PROG}: the boards on PostgreSQL differ from SQLite's")
    return result


if __name__ == "__main__":
    child_main(run)
