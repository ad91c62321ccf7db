"""Answer burst: 1,000 learners answer the same daily post at once, through the call the
daily-question button makes (``AnswerService.answer_post``), into a real SQLite file.
The learners are some weeks into the course (``--history`` earlier posts answered: their
answers, cards, totals and streaks are there), and each click carries its own moment.
It runs on the event loop the bot runs on (``bot.runner.run_loop``: uvloop's where it is
installed, ``--event-loop asyncio`` for asyncio's own); the result names it. Each run
writes into a new database file; the median of ``--runs`` (5) is reported, after one
burst that is not counted (a fresh process's first burst also pays for first touching
the memory it grows into, which the bot's process has long done by its next burst).

In the same run, the ceiling: a plain ``sqlite3`` ``executemany`` of exactly the rows the
answer path wrote (answers, points ledger, score_totals for its three periods, cards,
misconceptions, streaks), in one transaction, into a copy of the database as it was just
before the burst (same schema and pragmas). The bot writes those rows a hundred to a
statement (``insert_rows``), which is faster than one-row ``executemany``, so the same
rows written that way are timed too: the ceiling for SQLite's own share.

``--profile`` adds where the time goes: hand-offs to the database's writer thread and the
time spent in them, the write batches, and FSRS reviews.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import shutil
import sqlite3
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from benchmarks.common import CONTENT_DIR, child_main, ms, percentile, say, scratch_dir
from bot.runner import run_loop

GUILD, CHANNEL, MESSAGE = 1001, 2002, 3003
NOW = datetime(2026, 1, 5, 9, 0, 30, tzinfo=UTC)  # a Monday morning
FIRST_USER = 10_000


def _pick_question(library):
    """A single-choice question with a misconception on a wrong option, so the wrong
    answers write a misconceptions row as they would for a real cohort."""
    from bot.packs.schema import SingleQuestion

    for lp in library.packs(GUILD):
        for q in lp.pack.questions:
            if isinstance(q, SingleQuestion) and q.misconceptions:
                return q
    raise SystemExit("no single-choice question with a misconception in content/")


def _choices(q, n: int) -> list[int]:
    """Half right; the wrong half spread over the wrong options (misconception ones included)."""
    wrong = [k for k in range(len(q.options)) if k != q.answer]
    return [q.answer if i % 2 == 0 else wrong[(i // 2) % len(wrong)] for i in range(n)]


async def _setup(path: Path | str):  # a SQLite file, or a postgresql:// URL
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.runner import settle_heap
    from bot.store.database import Database

    db = await Database.open(path)
    library = ContentLibrary.from_folder(CONTENT_DIR)
    store = Store.on(db)
    svc = await Services.build(store, library)
    settle_heap()  # as the runner does once the bot has started
    await store.guilds.set_timezone(GUILD, "Europe/London")
    q = _pick_question(library)
    return db, store, svc, q


async def _claim(store, q, slot: str):
    post = await store.posts.claim(GUILD, "daily", slot, q.id, CHANNEL, NOW)
    await store.posts.mark_sent(post.id, MESSAGE, NOW)
    return post


async def _burst(svc, post, q, users: range) -> tuple[float, list[float], list]:
    choices = _choices(q, len(users))
    latencies: list[float] = []

    async def one(uid: int, choice: int):
        t = time.perf_counter()
        # Each click carries its own moment, as each interaction does (nothing keyed on
        # the time is shared between learners).
        fb = await svc.answering.answer_post(GUILD, uid, post.id, choice, NOW + timedelta(microseconds=uid))
        latencies.append(time.perf_counter() - t)
        return fb

    t0 = time.perf_counter()
    feedback = await asyncio.gather(*(one(uid, c) for uid, c in zip(users, choices)))
    return time.perf_counter() - t0, latencies, feedback


def _history(c: sqlite3.Connection, users: range, days: int) -> None:
    """The learners as a cohort some weeks in: ``days`` earlier daily posts, each answered
    by every one of them (so each has answers, revision cards, an all-time total and a
    streak), before the post they will answer in the burst."""
    if days == 0:
        return
    first = datetime(2025, 10, 1, 9, tzinfo=UTC)
    stamp = first.isoformat()
    for d in range(days):
        slot = (first + timedelta(days=d)).date().isoformat()
        post_id = c.execute(  # RETURNING, not lastrowid: burst_postgres writes the same history
            "INSERT INTO posts (guild_id, kind, slot, item_id, channel_id, created_at, status) "
            "VALUES (?, 'daily', ?, ?, ?, ?, 'closed') RETURNING id",
            (GUILD, slot, f"history-{d}", CHANNEL, stamp),
        ).fetchall()[0][0]
        c.executemany(
            "INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, "
            "correct, answered_at) VALUES (?, ?, ?, 'history', 'daily', ?, '0', 1, ?)",
            [(GUILD, u, f"history-{d}", post_id, stamp) for u in users],
        )
        c.executemany(
            "INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, '{}', ?)",
            [(GUILD, u, f"history-{d}", "2026-02-01T00:00:00+00:00") for u in users],
        )
    c.executemany(
        "INSERT INTO score_totals (guild_id, period, user_id, points, reached_at) VALUES (?, 'all', ?, ?, ?)",
        [(GUILD, u, 10 * days, stamp) for u in users],
    )
    c.execute(
        "INSERT INTO score_counts (guild_id, period, points, learners) VALUES (?, 'all', ?, ?)",
        (GUILD, 10 * days, len(users)),
    )
    last = (first + timedelta(days=days - 1)).date().isoformat()
    c.executemany(
        "INSERT INTO streaks (guild_id, user_id, last_slot, length, best) VALUES (?, ?, ?, ?, ?)",
        [(GUILD, u, last, days, days) for u in users],
    )


class Instrument:
    """Counts hand-offs to the database's writer thread and the time spent inside them."""

    def __init__(self, db) -> None:
        self.calls: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self.batches: list[int] = []
        self.review_s = 0.0
        self.reviews = 0
        orig_run = db._run

        async def run(fn):
            name = getattr(fn, "__qualname__", None) or getattr(getattr(fn, "func", None), "__qualname__", "?")
            name = name.replace(".<locals>.<lambda>", "").replace(".<locals>.", ".")

            def timed(c):
                t = time.perf_counter()
                try:
                    return fn(c)
                finally:
                    entry = self.calls[name]
                    entry[0] += 1
                    entry[1] += time.perf_counter() - t

            return await orig_run(timed)

        db._run = run
        import bot.domain.srs as srs
        import bot.store.database as database

        orig_commit, orig_review = database._commit_batch, srs.review

        def commit_batch(conn, jobs):
            self.batches.append(len(jobs))
            return orig_commit(conn, jobs)

        commit_batch.__qualname__ = "_commit_batch"

        def review(*args):
            t = time.perf_counter()
            try:
                return orig_review(*args)
            finally:
                self.reviews += 1
                self.review_s += time.perf_counter() - t

        database._commit_batch, srs.review = commit_batch, review
        self._restore = lambda: (setattr(database, "_commit_batch", orig_commit), setattr(srs, "review", orig_review))

    def close(self) -> None:
        self._restore()


def _rows_written(path: Path, post_id: int, question_id: str, users: range) -> dict[str, list[tuple]]:
    """Exactly the rows the burst wrote or rewrote, table by table."""
    lo, hi = users.start, users.stop - 1
    mine = "user_id BETWEEN ? AND ?"
    where = {
        "answers": ("post_id = ?", (post_id,)),
        "points": ("ref = ?", (f"post:{post_id}",)),
        "score_totals": (mine, (lo, hi)),  # the all-time row rewritten, the week's and month's new
        "cards": (f"question_id = ? AND {mine}", (question_id, lo, hi)),
        "misconceptions": (mine, (lo, hi)),
        "streaks": (mine, (lo, hi)),  # rewritten
        "score_counts": ("guild_id = ?", (GUILD,)),  # the buckets the learners moved between
    }
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} WHERE {w}", args).fetchall() for t, (w, args) in where.items()}


def _ceiling(before: Path, folder: Path, rows: dict[str, list[tuple]], hundred_to_a_statement: bool) -> float:
    """Seconds to write ``rows`` in one transaction, into a copy of the database as it was
    just before the burst: with plain sqlite3 executemany, or a hundred rows to a statement
    as the bot writes them (``insert_rows``)."""
    from bot.store.database import _configure, insert_rows

    write = insert_rows if hundred_to_a_statement else sqlite3.Connection.executemany
    path = folder / "ceiling.sqlite3"
    shutil.copyfile(before, path)
    conn = sqlite3.connect(path, isolation_level=None)
    _configure(conn)  # the bot's own pragmas, as its writer has them:
    conn.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints run after the writer drains
    statements = {t: f"INSERT OR REPLACE INTO {t} VALUES ({', '.join('?' * len(r[0]))})" for t, r in rows.items() if r}
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, sql in statements.items():
        write(conn, sql, rows[table])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


async def _hop_cost(db, n: int = 2000) -> dict[str, float]:
    """What one hand-off to the writer's thread costs: in sequence, and n at once."""
    t = time.perf_counter()
    for _ in range(n):
        await db._run(lambda c: None)
    sequential = (time.perf_counter() - t) / n
    t = time.perf_counter()
    await asyncio.gather(*(db._run(lambda c: None) for _ in range(n)))
    concurrent = (time.perf_counter() - t) / n
    return {"hop_sequential_us": round(sequential * 1e6, 1), "hop_concurrent_us": round(concurrent * 1e6, 1)}


async def _measure(folder: Path, n: int, warmup: int, history: int, instrument: bool, profile: bool) -> dict:
    path = folder / ("burst-profiled.sqlite3" if instrument else "burst.sqlite3")
    loop = asyncio.get_running_loop()  # the bot's: uvloop's where it is installed (bot/runner.py)
    db, store, svc, q = await _setup(path)
    try:
        users = range(FIRST_USER, FIRST_USER + n)
        await db.write(lambda c: _history(c, users, history))
        warm_post = await _claim(store, q, "2026-01-02")
        await _burst(svc, warm_post, q, range(1, 1 + warmup))  # other learners, another post
        post = await _claim(store, q, "2026-01-05")
        before = folder / "before-burst.sqlite3"
        await db._run(lambda c: c.execute("VACUUM INTO ?", (str(before),)))  # outside any transaction
        await db.settle()  # the post went out a moment ago; the clicks come in after that
        inst = Instrument(db) if instrument else None
        prof = cProfile.Profile() if profile else None
        if prof:
            prof.enable()
        try:
            elapsed, latencies, feedback = await _burst(svc, post, q, users)
        finally:
            if prof:
                prof.disable()
            if inst:
                inst.close()
        firsts = sum(1 for fb in feedback if not fb.already_answered and not fb.closed)
        hops = await _hop_cost(db) if instrument else {}
    finally:
        await db.close()
        gc.unfreeze()  # this run's objects can go; the next run freezes its own start-up state
    written = partial(_rows_written, path, post.id, q.id, users)  # read later: the rows stay out of this
    counts = {t: len(r) for t, r in written().items()}  # process's heap during the other bursts
    if firsts != n or counts["answers"] != n or counts["points"] != n:
        raise SystemExit(f"burst lost answers: {firsts} acknowledged, rows {counts}")
    out = {
        "elapsed_s": elapsed,
        "latencies": latencies,
        "rows_written": written,
        "before": before,
        "event_loop": type(loop).__module__.partition(".")[0],
    }
    if inst:
        out["instrument"] = inst
        out["hops"] = hops
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(18)
        out["profile_text"] = buf.getvalue()
    return out


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.burst")
    ap.add_argument("--learners", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--history", type=int, default=0, help="earlier daily posts each learner has answered")
    ap.add_argument("--runs", type=int, default=5, help="bursts on fresh files; the median one is reported")
    ap.add_argument("--profile", action="store_true", help="also show where the time goes")
    ap.add_argument(
        "--event-loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="the loop to run on, as the bot's EVENT_LOOP setting (default: uvloop where installed)",
    )
    args = ap.parse_args(argv)
    n = args.learners
    with scratch_dir("burst") as tmp:
        folder = Path(tmp)
        # One burst first, not counted: the bot meets a cohort's burst in a process that has
        # served earlier ones. A fresh process's first burst also pays for first touching
        # the memory it grows into (~800 page faults in the database thread, ~5 ms);
        # every run still starts from a new database file and a cold SQLite cache.
        (folder / "unmeasured").mkdir()
        run_loop(
            _measure(folder / "unmeasured", n, args.warmup, args.history, instrument=False, profile=False),
            args.event_loop,
        )
        runs = []
        for i in range(args.runs):
            (folder / f"run{i}").mkdir()
            runs.append(
                run_loop(
                    _measure(folder / f"run{i}", n, args.warmup, args.history, instrument=False, profile=False),
                    args.event_loop,
                )
            )
        runs.sort(key=lambda r: r["elapsed_s"])
        m = runs[len(runs) // 2]
        rows = m["rows_written"]()
        ceilings: dict[bool, list[float]] = {False: [], True: []}
        for i in range(args.runs):
            for hundred in (False, True):
                (folder / f"ceiling{i}-{hundred}").mkdir()
                ceilings[hundred].append(_ceiling(m["before"], folder / f"ceiling{i}-{hundred}", rows, hundred))
        ceiling_s, rows_ceiling_s = (sorted(c)[len(c) // 2] for c in (ceilings[False], ceilings[True]))
        rate, ceiling_rate, rows_ceiling_rate = n / m["elapsed_s"], n / ceiling_s, n / rows_ceiling_s
        lat = m["latencies"]
        result = {
            "learners": n,
            "history": args.history,
            "event_loop": m["event_loop"],
            "runs_answers_per_s": [round(n / r["elapsed_s"]) for r in runs],
            "answers_per_s": round(rate),
            "p50_ms": ms(percentile(lat, 50)),
            "p99_ms": ms(percentile(lat, 99)),
            "elapsed_ms": ms(m["elapsed_s"]),
            "rows": {t: len(r) for t, r in rows.items()},
            "ceiling_answers_per_s": round(ceiling_rate),
            "ceiling_ms": ms(ceiling_s),
            "ceiling_ratio": round(rate / ceiling_rate, 4),
            # the same rows a hundred to a statement, as the bot writes them: SQLite's own share
            "ceiling_hundred_answers_per_s": round(rows_ceiling_rate),
            "ceiling_hundred_ms": ms(rows_ceiling_s),
            "ceiling_hundred_ratio": round(rate / rows_ceiling_rate, 4),
        }
        say(
            f"burst ({m['event_loop']}): {n} answers in {m['elapsed_s'] * 1000:.0f} ms = {rate:,.0f}/s; ceiling "
            f"{ceiling_s * 1000:.1f} ms = {ceiling_rate:,.0f}/s; ratio {rate / ceiling_rate:.3f}; a hundred rows "
            f"to a statement {rows_ceiling_s * 1000:.1f} ms = {rows_ceiling_rate:,.0f}/s; "
            f"ratio {rate / rows_ceiling_rate:.3f}"
        )
        if args.profile:
            p = run_loop(_measure(folder, n, args.warmup, args.history, instrument=True, profile=True), args.event_loop)
            inst: Instrument = p["instrument"]
            per = {
                name: {"calls": c, "calls_per_answer": round(c / n, 2), "thread_ms": round(s * 1000, 1)}
                for name, (c, s) in sorted(inst.calls.items(), key=lambda kv: -kv[1][1])
            }
            result["profile"] = {
                "elapsed_ms": ms(p["elapsed_s"]),
                "worker_thread_busy_ms": round(sum(s for _, s in inst.calls.values()) * 1000, 1),
                "handoffs": per,
                "write_batches": len(inst.batches),
                "largest_batch": max(inst.batches, default=0),
                "fsrs_reviews": inst.reviews,
                "fsrs_ms": round(inst.review_s * 1000, 1),
                **p["hops"],
            }
            say(p["profile_text"])
    return result


if __name__ == "__main__":
    child_main(run)
