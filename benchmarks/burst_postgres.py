"""Answer burst on PostgreSQL: ``benchmarks/burst.py``'s burst (the same setup through the
services, the same warm-up, the same 1,000 concurrent ``AnswerService.answer_post``
clicks on one daily post, each with its own moment), with the store opened on a
``postgresql://`` URL (``--database-url``, default ``BENCH_DATABASE_URL``; see
``benchmarks/pg.py``). Every run gets a new database on that server, created and dropped
here; the median of ``--runs`` (5) is reported, after one burst that is not counted.
``--history N`` runs it on a cohort N posts in (burst.py's history, written through the
store's PostgreSQL connection), as ``burst_history`` does on SQLite.

In the same run, the ceiling: exactly the rows the burst wrote or rewrote (answers, the
points ledger, score_totals for its three periods, score_counts, cards, misconceptions,
streaks; read back afterwards), written with plain ``asyncpg`` on the benchmark's own
loop, in one transaction, into a new database holding every row the burst's database held
just before the burst (same schema, the bot's migrations), three ways:

- ``copy``, the fastest: binary ``COPY`` (``copy_records_to_table``) straight into each
  table whose rows are all new, and for a table where some already existed (the buckets
  of score_counts, a cohort's rewritten totals and streaks) ``COPY`` into a temporary
  table and one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``;
- ``executemany``: one upsert statement per table, each row bound in turn (asyncpg sends
  them all in one pipeline);
- ``hundred``: the statements the bot itself sends (``insert_rows``: a hundred rows to a
  statement, the rest one by one), rewritten by ``bot.store.postgres.to_postgres``.

Each ceiling connection first runs its statements once with no rows (asyncpg prepares and
caches them, as the bot's connection has since its warm-up burst).

``--profile`` adds a second, instrumented burst: hand-offs to the writer's thread, the
group-commit batches, and every statement the writer's ``PgConnection`` ran, by kind,
with the time spent waiting in ``run_until_complete`` (the server's work and the round
trip) and around it (the dialect rewrite, the arguments).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import asyncpg

from benchmarks.burst import (
    FIRST_USER,
    GUILD,
    Instrument,
    _burst,
    _claim,
    _history,
    _setup,
)
from benchmarks.common import child_main, ms, percentile, say
from benchmarks.pg import add_url_option, connect, fresh_database, server_url, server_version, where
from bot.runner import run_loop

PROG = "python -m benchmarks.burst_postgres"
VARIANTS = ("copy", "executemany", "hundred")
Rows = dict[str, tuple[list[str], list[tuple]]]  # table -> (columns, rows)


# -- reading a database's rows -----------------------------------------------------------------
async def _columns(conn: asyncpg.Connection, table: str) -> list[str]:
    return [
        r[0]
        for r in await conn.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum",
            table,
        )
    ]


async def _primary_key(conn: asyncpg.Connection, table: str) -> list[str]:
    return [
        r[0]
        for r in await conn.fetch(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            table,
        )
    ]


async def _tables_in_order(conn: asyncpg.Connection) -> list[str]:
    """The bot's tables, each after the tables its rows refer to (so they load in this order)."""
    names = [
        r[0]
        for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version' "
            "ORDER BY tablename"
        )
    ]
    parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in await conn.fetch(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
    ):
        if child != parent:
            parents[child].add(parent)
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [t for t in names if t not in ordered and parents[t] <= set(ordered)]
        if not ready:
            raise SystemExit(f"{PROG}: circular references between tables")
        ordered += ready
    return ordered


async def _snapshot(url: str) -> Rows:
    """Every row of every table (the state a ceiling starts from)."""
    conn = await connect(url)
    try:
        out: Rows = {}
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            for table in await _tables_in_order(conn):
                rows = [tuple(r) for r in await conn.fetch(f"SELECT * FROM {table}")]
                if rows:
                    out[table] = (await _columns(conn, table), rows)
        return out
    finally:
        await conn.close()


async def _rows_written(url: str, post_id: int, question_id: str, users: range) -> Rows:
    """Exactly the rows the burst wrote or rewrote, table by table (as burst.py reads them)."""
    lo, hi = users.start, users.stop - 1
    mine = "user_id BETWEEN $1 AND $2"
    where: dict[str, tuple[str, tuple[Any, ...]]] = {
        "answers": ("post_id = $1", (post_id,)),
        "points": ("ref = $1", (f"post:{post_id}",)),
        "score_totals": (mine, (lo, hi)),
        "cards": ("user_id BETWEEN $1 AND $2 AND question_id = $3", (lo, hi, question_id)),
        "misconceptions": (mine, (lo, hi)),
        "streaks": (mine, (lo, hi)),
        "score_counts": ("guild_id = $1", (GUILD,)),
    }
    conn = await connect(url)
    try:
        out: Rows = {}
        for table, (w, args) in where.items():
            rows = [tuple(r) for r in await conn.fetch(f"SELECT * FROM {table} WHERE {w}", *args)]
            out[table] = (await _columns(conn, table), rows)
        return out
    finally:
        await conn.close()


# -- the ceiling -----------------------------------------------------------------------------
def _upsert(table: str, columns: list[str], key: list[str]) -> str:
    """One row's ``INSERT ... ON CONFLICT (key) DO UPDATE``, in the bot's dialect (``?``)."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    rest = [c for c in columns if c not in key]
    if key and rest:
        sql += f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest)
    elif key:
        sql += f" ON CONFLICT ({', '.join(key)}) DO NOTHING"
    return sql


class Ceiling:
    """The plain asyncpg writes of ``rows`` on one connection: set up (untimed), then ``write()``."""

    def __init__(self, conn: asyncpg.Connection, variant: str, rows: Rows, before: Rows) -> None:
        self.conn, self.variant, self.rows, self.before = conn, variant, rows, before
        self.steps: list[Callable[[], Awaitable[Any]]] = []

    async def prepare(self) -> None:
        from bot.store.database import ROWS_PER_STATEMENT, _many_rows
        from bot.store.postgres import to_postgres

        conn = self.conn
        for table, (columns, rows) in self.rows.items():
            if not rows:
                continue
            key = await _primary_key(conn, table)
            one = to_postgres(_upsert(table, columns, key))
            if self.variant == "copy":
                at = [columns.index(k) for k in key]
                held = {tuple(r[i] for i in at) for r in self.before.get(table, ([], []))[1]}
                if not any(tuple(r[i] for i in at) in held for r in rows):
                    await conn.copy_records_to_table(table, records=[], columns=columns)  # caches its statement
                    self.steps.append(partial(conn.copy_records_to_table, table, records=rows, columns=columns))
                    continue
                stage = f"stage_{table}"
                await conn.execute(f"CREATE TEMP TABLE {stage} (LIKE {table}) ON COMMIT DELETE ROWS")
                rest = [c for c in columns if c not in key]
                merge = (
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {stage} "
                    f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest)
                )
                await conn.copy_records_to_table(stage, records=[], columns=columns)
                await conn.executemany(merge, [])  # prepares it (a merge of nothing)
                self.steps.append(partial(conn.copy_records_to_table, stage, records=rows, columns=columns))
                self.steps.append(partial(conn.execute, merge))
            elif self.variant == "executemany":
                await conn.executemany(one, [])
                self.steps.append(partial(conn.executemany, one, rows))
            else:  # "hundred": as insert_rows sends them
                per = ROWS_PER_STATEMENT
                many = to_postgres(_many_rows(_upsert(table, columns, key), per)[0])
                whole = len(rows) - len(rows) % per
                await conn.executemany(many, [])
                await conn.executemany(one, [])
                for i in range(0, whole, per):
                    flat = [v for r in rows[i : i + per] for v in r]
                    self.steps.append(partial(conn.execute, many, *flat))
                if whole < len(rows):
                    self.steps.append(partial(conn.executemany, one, rows[whole:]))

    async def write(self) -> float:
        conn = self.conn
        t0 = time.perf_counter()
        await conn.execute("BEGIN")
        for step in self.steps:
            await step()
        await conn.execute("COMMIT")
        return time.perf_counter() - t0


async def _load(url: str, rows: Rows) -> None:
    conn = await connect(url)
    try:
        async with conn.transaction():
            for table, (columns, records) in rows.items():
                await conn.copy_records_to_table(table, records=records, columns=columns)
    finally:
        await conn.close()


async def _ceiling(server: str, variant: str, rows: Rows, before: Rows) -> float:
    """Seconds to write ``rows`` in one transaction, ``variant``'s way, into a new database
    holding the rows ``before`` (the burst's database just before the burst)."""
    from bot.store.database import Database

    async with fresh_database(server, "ceiling_") as url:
        db = await Database.open(url)  # the bot's schema, from its migrations
        await db.close()
        await _load(url, before)
        conn = await connect(url)
        try:
            c = Ceiling(conn, variant, rows, before)
            await c.prepare()
            return await c.write()
        finally:
            await conn.close()


# -- where the time goes -----------------------------------------------------------------------
def _kind(text: str) -> str:
    head = text.lstrip()[:40].upper()
    word = head.split(None, 1)[0] if head else "?"
    if word == "INSERT":
        table = text.split(None, 3)[2]
        rows = text.count("), (") + 1 if "VALUES" in text.upper() else 1
        return f"INSERT {table} x{rows}"
    if word in ("SELECT", "WITH"):
        low = text.lower()
        frm = low.split(" from ", 1)[1].split(None, 1)[0] if " from " in low else "?"
        return f"SELECT {frm}"
    return word


class Statements:
    """Every statement the writer's PgConnection runs, by kind: calls, the time inside
    ``run_until_complete`` (``wait``: the server and the round trip, asyncpg's encoding and
    decoding) and the whole call (``call``: with the dialect rewrite and the arguments)."""

    def __init__(self) -> None:
        from bot.store import postgres

        self.by_kind: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])  # calls, call s, wait s, rows
        self._pg = postgres.PgConnection
        self._orig = (self._pg.execute, self._pg.executemany, self._pg._run)
        orig_execute, orig_executemany, orig_run = self._orig
        current: list[str] = []
        stats = self

        def run(pg, coro):
            t = time.perf_counter()
            try:
                return orig_run(pg, coro)
            finally:
                if current:
                    stats.by_kind[current[-1]][2] += time.perf_counter() - t

        def timed(orig, many):
            def call(pg, sql, params=None):
                if not pg._conn or pg is not stats.writer:
                    return orig(pg, sql, params) if params is not None else orig(pg, sql)
                kind = _kind(postgres.to_postgres(sql)) + (" (executemany)" if many else "")
                current.append(kind)
                t = time.perf_counter()
                try:
                    return orig(pg, sql, params) if params is not None else orig(pg, sql)
                finally:
                    current.pop()
                    e = stats.by_kind[kind]
                    e[0] += 1
                    e[1] += time.perf_counter() - t
                    e[3] += len(params) if many and params is not None else 1

            return call

        self.writer: Any = None
        self._pg.execute = timed(orig_execute, False)  # type: ignore[method-assign]
        self._pg.executemany = timed(orig_executemany, True)  # type: ignore[method-assign]
        self._pg._run = run  # type: ignore[method-assign]

    def close(self) -> None:
        self._pg.execute, self._pg.executemany, self._pg._run = self._orig  # type: ignore[method-assign]

    def report(self) -> dict[str, dict[str, float]]:
        return {
            k: {"calls": int(c), "call_ms": round(cs * 1000, 1), "wait_ms": round(ws * 1000, 1), "rows": int(r)}
            for k, (c, cs, ws, r) in sorted(self.by_kind.items(), key=lambda kv: -kv[1][1])
        }


async def _hop_cost(db, n: int = 2000) -> dict[str, float]:
    """One hand-off to the writer's thread, and one trivial statement through PgConnection."""
    t = time.perf_counter()
    for _ in range(n):
        await db._run(lambda c: None)
    hop = (time.perf_counter() - t) / n

    def statements(c) -> float:
        t = time.perf_counter()
        for _ in range(n):
            c.execute("SELECT 1").fetchone()
        return (time.perf_counter() - t) / n

    one = await db._run(statements)
    return {"hop_us": round(hop * 1e6, 1), "select_1_us": round(one * 1e6, 1)}


# -- one burst -------------------------------------------------------------------------------
async def _measure(server: str, n: int, warmup: int, history: int, profile: bool) -> dict:
    loop = asyncio.get_running_loop()
    async with fresh_database(server) as url:
        db, store, svc, q = await _setup(url)
        inst: Instrument | None = None
        stmts: Statements | None = None
        try:
            users = range(FIRST_USER, FIRST_USER + n)
            await db.write(lambda c: _history(c, users, history))
            warm_post = await _claim(store, q, "2026-01-02")
            await _burst(svc, warm_post, q, range(1, 1 + warmup))  # other learners, another post
            post = await _claim(store, q, "2026-01-05")
            await db.settle()
            before = await _snapshot(url)  # every row, as the ceiling starts from
            if profile:
                inst, stmts = Instrument(db), Statements()
                stmts.writer = db._conn._conn
            try:
                elapsed, latencies, feedback = await _burst(svc, post, q, users)
            finally:
                if inst and stmts:
                    inst.close()
                    stmts.close()
            firsts = sum(1 for fb in feedback if not fb.already_answered and not fb.closed)
            hops = await _hop_cost(db) if profile else {}
        finally:
            await db.close()
            gc.unfreeze()  # this run's objects can go; the next run freezes its own start-up state
        written = await _rows_written(url, post.id, q.id, users)
    counts = {t: len(r) for t, (_, r) in written.items()}
    if firsts != n or counts["answers"] != n or counts["points"] != n:
        raise SystemExit(f"burst lost answers: {firsts} acknowledged, rows {counts}")
    out: dict[str, Any] = {
        "elapsed_s": elapsed,
        "latencies": latencies,
        "rows_written": written,
        "before": before,
        "event_loop": type(loop).__module__.partition(".")[0],
    }
    if inst and stmts:
        out["instrument"], out["statements"], out["hops"] = inst, stmts.report(), hops
    return out


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    add_url_option(ap)
    ap.add_argument("--learners", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--history", type=int, default=0, help="earlier daily posts each learner has answered")
    ap.add_argument("--runs", type=int, default=5, help="bursts on new databases; the median one is reported")
    ap.add_argument("--profile", action="store_true", help="also show where the time goes")
    ap.add_argument("--event-loop", choices=("uvloop", "asyncio"), default="uvloop", help="as burst.py's")
    args = ap.parse_args(argv)
    server = server_url(args.database_url, PROG)
    version = run_loop(server_version(server))
    n = args.learners
    # One burst first, not counted (as burst.py: a fresh process's first burst also pays
    # for growing into its memory, and for asyncpg's first statements on a new server).
    run_loop(_measure(server, n, args.warmup, args.history, profile=False), args.event_loop)
    runs = [
        run_loop(_measure(server, n, args.warmup, args.history, profile=False), args.event_loop)
        for _ in range(args.runs)
    ]
    runs.sort(key=lambda r: r["elapsed_s"])
    m = runs[len(runs) // 2]
    rows, before = m["rows_written"], m["before"]
    ceilings: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for _ in range(args.runs):
        for v in VARIANTS:
            ceilings[v].append(run_loop(_ceiling(server, v, rows, before), args.event_loop))
    rate = n / m["elapsed_s"]
    lat = m["latencies"]
    result: dict[str, Any] = {
        "learners": n,
        "history": args.history,
        "event_loop": m["event_loop"],
        "database": "postgresql",
        "server_version": version,
        "connection": where(server),
        "runs_answers_per_s": [round(n / r["elapsed_s"]) for r in runs],
        "answers_per_s": round(rate),
        "p50_ms": ms(percentile(lat, 50)),
        "p99_ms": ms(percentile(lat, 99)),
        "elapsed_ms": ms(m["elapsed_s"]),
        "rows": {t: len(r) for t, (_, r) in rows.items()},
    }
    for v in VARIANTS:
        s = _median(ceilings[v])
        result[f"ceiling_{v}_ms"] = ms(s)
        result[f"ceiling_{v}_runs_ms"] = [ms(x) for x in ceilings[v]]
        result[f"ceiling_{v}_answers_per_s"] = round(n / s)
        result[f"ceiling_{v}_ratio"] = round(rate / (n / s), 4)
    best = min(VARIANTS, key=lambda v: result[f"ceiling_{v}_ms"])
    result.update(
        ceiling_path=best,
        ceiling_ms=result[f"ceiling_{best}_ms"],
        ceiling_answers_per_s=result[f"ceiling_{best}_answers_per_s"],
        ceiling_ratio=result[f"ceiling_{best}_ratio"],
    )
    say(
        f"burst_postgres ({m['event_loop']}): {n} answers in {m['elapsed_s'] * 1000:.0f} ms = {rate:,.0f}/s, "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms (runs {result['runs_answers_per_s']}); "
        + "; ".join(
            f"ceiling {v} {result[f'ceiling_{v}_ms']:.1f} ms = {result[f'ceiling_{v}_answers_per_s']:,}/s "
            f"(ratio {result[f'ceiling_{v}_ratio']:.3f})"
            for v in VARIANTS
        )
    )
    if args.profile:
        p = run_loop(_measure(server, n, args.warmup, args.history, profile=True), args.event_loop)
        inst: Instrument = p["instrument"]
        handoffs = {
            name: {"calls": c, "calls_per_answer": round(c / n, 2), "thread_ms": round(s * 1000, 1)}
            for name, (c, s) in sorted(inst.calls.items(), key=lambda kv: -kv[1][1])
        }
        statements: dict[str, dict[str, float]] = p["statements"]
        result["profile"] = {
            "elapsed_ms": ms(p["elapsed_s"]),
            "worker_thread_busy_ms": round(
                sum(s for name, (_, s) in inst.calls.items() if not name.startswith("_hop_cost")) * 1000, 1
            ),
            "handoffs": {k: v for k, v in handoffs.items() if not k.startswith("_hop_cost")},
            "write_batches": len(inst.batches),
            "batch_sizes": inst.batches,
            "statements": statements,
            "statements_total": int(sum(s["calls"] for s in statements.values())),
            "statement_call_ms": round(sum(s["call_ms"] for s in statements.values()), 1),
            "statement_wait_ms": round(sum(s["wait_ms"] for s in statements.values()), 1),
            "fsrs_reviews": inst.reviews,
            "fsrs_ms": round(inst.review_s * 1000, 1),
            **p["hops"],
        }
        pr: dict[str, Any] = result["profile"]
        say(
            f"profile: elapsed {pr['elapsed_ms']:.0f} ms, writer thread busy {pr['worker_thread_busy_ms']:.0f} ms, "
            f"{pr['write_batches']} batches {pr['batch_sizes']}, {pr['statements_total']} statements "
            f"({pr['statement_call_ms']:.0f} ms in them, {pr['statement_wait_ms']:.0f} ms waiting on the server); "
            f"hand-off {pr['hop_us']} us, SELECT 1 {pr['select_1_us']} us"
        )
        for kind, st in statements.items():
            say(
                f"  {kind:<52} {st['calls']:>5} calls {st['rows']:>6} rows {st['call_ms']:>7.1f} ms "
                f"({st['wait_ms']:.1f})"
            )
    return result


if __name__ == "__main__":
    child_main(run)
