"""Answer burst: 1,000 learners answer the same daily post at once, through the call the
daily-question button makes (``AnswerService.answer_post``), into a real SQLite file.

In the same run, the ceiling: a plain ``sqlite3`` ``executemany`` of exactly the rows the
answer path wrote (answers, points ledger, score_totals for its three periods, cards,
misconceptions), in one transaction on a fresh file with the same schema and pragmas.

``--profile`` adds where the time goes: hand-offs to aiosqlite's worker thread and the
time spent in them, FSRS reviews, and synchronous timings of each piece.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sqlite3
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common import CONTENT_DIR, child_main, ms, percentile, say, scratch_dir

GUILD, CHANNEL, MESSAGE = 1001, 2002, 3003
NOW = datetime(2026, 1, 5, 9, 0, 30, tzinfo=timezone.utc)  # a Monday morning
FIRST_USER = 10_000
TABLES = ("answers", "points", "score_totals", "cards", "misconceptions")


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


async def _setup(path: Path):
    from bot.app import Services
    from bot.packs.library import ContentLibrary
    from bot.store.database import Database

    db = await Database.open(path)
    library = ContentLibrary.from_folder(CONTENT_DIR)
    svc = await Services.build(db, library)
    await svc.guilds.set_timezone(GUILD, "Europe/London")
    q = _pick_question(library)
    return db, svc, q


async def _claim(svc, q, slot: str):
    post = await svc.posts.claim(GUILD, "daily", slot, q.id, CHANNEL, NOW)
    await svc.posts.mark_sent(post.id, MESSAGE, NOW)
    return post


async def _burst(svc, post, q, users: range) -> tuple[float, list[float], list]:
    choices = _choices(q, len(users))
    latencies: list[float] = []

    async def one(uid: int, choice: int):
        t = time.perf_counter()
        fb = await svc.answering.answer_post(GUILD, uid, post.id, choice, NOW)
        latencies.append(time.perf_counter() - t)
        return fb

    t0 = time.perf_counter()
    feedback = await asyncio.gather(*(one(uid, c) for uid, c in zip(users, choices)))
    return time.perf_counter() - t0, latencies, feedback


class Instrument:
    """Counts hand-offs to aiosqlite's worker thread and the time spent inside them."""

    def __init__(self, db) -> None:
        self.calls: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self.batches: list[int] = []
        self.review_s = 0.0
        self.reviews = 0
        orig_run = db._run

        async def run(fn):
            name = getattr(fn, "__qualname__", "?").replace(".<locals>.<lambda>", "").replace(".<locals>.", ".")

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


def _rows_written(path: Path, users: range) -> dict[str, list[tuple]]:
    """Exactly the rows the burst's learners have in each table (they had none before)."""
    lo, hi = users.start, users.stop - 1
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} WHERE user_id BETWEEN ? AND ?", (lo, hi)).fetchall()
                for t in TABLES}


def _ceiling(folder: Path, rows: dict[str, list[tuple]], post_row: tuple) -> float:
    """Seconds to write ``rows`` with plain sqlite3 executemany in one transaction."""
    from bot.store.database import Database

    path = folder / "ceiling.sqlite3"

    async def make():  # the same schema, by the same migrations
        db = await Database.open(path)
        await db.close()

    asyncio.run(make())
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"INSERT INTO posts VALUES ({', '.join('?' * len(post_row))})", post_row)
    statements = {t: f"INSERT INTO {t} VALUES ({', '.join('?' * len(r[0]))})" for t, r in rows.items() if r}
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, sql in statements.items():
        conn.executemany(sql, rows[table])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def _sync_pieces(folder: Path, q, n: int) -> dict[str, float]:
    """Each piece of one answer timed on its own, synchronously (µs per answer)."""
    import bot.domain.srs as srs
    from bot.domain import points as pts
    from bot.domain.questions import grade
    from bot.store.answers import NewAnswer, record_answer
    from bot.store.database import Database, _configure
    from bot.store.points import Award

    path = folder / "pieces.sqlite3"

    async def make():
        db = await Database.open(path)
        await db.close()

    asyncio.run(make())
    conn = sqlite3.connect(path, isolation_level=None)
    _configure(conn)
    conn.execute("INSERT INTO posts (id, guild_id, kind, slot, item_id, channel_id, created_at, status) "
                 "VALUES (1, ?, 'daily', 's', ?, ?, ?, 'open')", (GUILD, q.id, CHANNEL, NOW.isoformat()))
    users = range(FIRST_USER, FIRST_USER + n)
    choices = _choices(q, n)
    out: dict[str, float] = {}

    t = time.perf_counter()
    grades = [grade(q, c) for c in choices]
    out["grade"] = (time.perf_counter() - t) / n

    t = time.perf_counter()
    reviews = [srs.review(None, srs.card_id(GUILD, u, q.id), g.correct, NOW) for u, g in zip(users, grades)]
    out["fsrs_review"] = (time.perf_counter() - t) / n

    periods = pts.periods(NOW, "Europe/London")
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for u, c, g, r in zip(users, choices, grades, reviews):
        conn.execute("SAVEPOINT job")
        record_answer(conn, NewAnswer(GUILD, u, q.id, "p", "daily", 1, c, g.correct, g.misconceptions), NOW,
                      lambda _card, r=r: r,
                      Award(GUILD, u, "daily", "post:1", pts.daily_points(g.correct), "daily", periods))
        conn.execute("RELEASE job")
    conn.execute("COMMIT")
    out["record_answer_sql"] = (time.perf_counter() - t) / n

    from bot.store.posts import get_post

    t = time.perf_counter()
    for u in users:
        get_post(conn, 1)
        conn.execute("SELECT choice, correct FROM answers WHERE post_id = ? AND user_id = ?", (1, u)).fetchone()
        conn.execute("SELECT tutor_role_id, timezone FROM guild_settings WHERE guild_id = ?", (GUILD,)).fetchone()
        conn.execute("SELECT slot, status FROM posts WHERE guild_id = ? AND kind = 'daily' "
                     "AND status IN ('open', 'closed') AND slot NOT LIKE 'manual:%' ORDER BY slot", (GUILD,)).fetchall()
        conn.execute("SELECT p.slot FROM answers a JOIN posts p ON p.id = a.post_id "
                     "WHERE a.guild_id = ? AND a.user_id = ? AND p.kind = 'daily'", (GUILD, u)).fetchall()
    out["four_reads_sql"] = (time.perf_counter() - t) / n
    conn.close()
    return {k: round(v * 1e6, 1) for k, v in out.items()}


async def _one_handoff_prototype(folder: Path, n: int, warmup: int) -> float:
    """The proposed shape, measured: the whole use case of ``answer_post`` (post, earlier
    answer, server time zone, answer + points + card, streak reads) as ONE job in the
    group commit, so each answer is one hand-off instead of five. Answers per second."""
    from bot.domain import points as pts
    from bot.domain import srs
    from bot.domain.questions import grade
    from bot.domain.streaks import streak
    from bot.store.answers import NewAnswer, record_answer
    from bot.store.points import Award
    from bot.store.posts import get_post

    db, svc, q = await _setup(folder / "one-handoff.sqlite3")
    try:
        def job(uid: int, choice: int):
            g = grade(q, choice)

            def fn(c):
                post = get_post(c, post_id)
                tz = c.execute("SELECT timezone FROM guild_settings WHERE guild_id = ?", (GUILD,)).fetchone()[0]
                award = Award(GUILD, uid, "daily", f"post:{post.id}", pts.daily_points(g.correct), "daily",
                              pts.periods(NOW, tz))
                cid = srs.card_id(GUILD, uid, q.id)
                rec = record_answer(c, NewAnswer(GUILD, uid, q.id, "p", "daily", post.id, choice, g.correct,
                                                 g.misconceptions), NOW,
                                    lambda card: srs.review(card, cid, g.correct, NOW), award)
                posts = [(r[0], r[1] == "open") for r in c.execute(
                    "SELECT slot, status FROM posts WHERE guild_id = ? AND kind = 'daily' "
                    "AND status IN ('open', 'closed') AND slot NOT LIKE 'manual:%' ORDER BY slot", (GUILD,))]
                answered = {r[0] for r in c.execute(
                    "SELECT p.slot FROM answers a JOIN posts p ON p.id = a.post_id "
                    "WHERE a.guild_id = ? AND a.user_id = ? AND p.kind = 'daily'", (GUILD, uid))}
                return rec, streak(posts, answered)

            return fn

        post_id = (await _claim(svc, q, "2026-01-02")).id
        await asyncio.gather(*(db.write(job(u, c)) for u, c in zip(range(1, 1 + warmup), _choices(q, warmup))))
        post_id = (await _claim(svc, q, "2026-01-05")).id
        users = range(FIRST_USER, FIRST_USER + n)
        t = time.perf_counter()
        done = await asyncio.gather(*(db.write(job(u, c)) for u, c in zip(users, _choices(q, n))))
        elapsed = time.perf_counter() - t
        assert all(rec.first for rec, _ in done)
    finally:
        await db.close()
    return n / elapsed


async def _bulk_prototype(folder: Path, n: int) -> float:
    """The fix that reaches the target, measured: the answers queued together are written by
    ONE job with executemany per table (the duplicate check, FSRS reviews, streak and due
    reads done for the whole batch), as the group commit could do for answer jobs.
    Answers per second, grading and FSRS included."""
    from bot.domain import points as pts
    from bot.domain import srs
    from bot.domain.questions import grade
    from bot.store.posts import get_post

    db, svc, q = await _setup(folder / "bulk.sqlite3")
    try:
        post = await _claim(svc, q, "2026-01-05")
        users, choices = list(range(FIRST_USER, FIRST_USER + n)), _choices(q, n)

        def bulk(c, batch):
            p = get_post(c, post.id)
            tz = c.execute("SELECT timezone FROM guild_settings WHERE guild_id = ?", (GUILD,)).fetchone()[0]
            periods, now = pts.periods(NOW, tz), NOW.isoformat()
            ids = [u for u, _, _ in batch]
            marks = ",".join("?" * len(ids))
            seen = {r[0] for r in c.execute(
                f"SELECT user_id FROM answers WHERE post_id = ? AND user_id IN ({marks})", (p.id, *ids))}
            new = [(u, ch, g) for u, ch, g in batch if u not in seen]
            c.executemany("INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, "
                          "correct, answered_at) VALUES (?, ?, ?, 'p', 'daily', ?, ?, ?, ?)",
                          [(GUILD, u, q.id, p.id, str(ch), int(g.correct), now) for u, ch, g in new])
            c.executemany("INSERT INTO points (guild_id, user_id, source, ref, points, reason, created_at) "
                          "VALUES (?, ?, 'daily', ?, ?, 'daily', ?)",
                          [(GUILD, u, f"post:{p.id}", pts.daily_points(g.correct), now) for u, _, g in new])
            c.executemany("INSERT INTO score_totals (guild_id, period, user_id, points) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (guild_id, period, user_id) DO UPDATE SET points = points + excluded.points",
                          [(GUILD, per, u, pts.daily_points(g.correct)) for u, _, g in new for per in periods])
            c.executemany("INSERT INTO misconceptions (guild_id, user_id, myth_id, first_seen, last_seen) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, myth_id) DO UPDATE SET "
                          "times = times + 1, last_seen = excluded.last_seen",
                          [(GUILD, u, m, now, now) for u, _, g in new for m in g.misconceptions])
            cards = dict(c.execute(f"SELECT user_id, card FROM cards WHERE guild_id = ? AND question_id = ? "
                                   f"AND user_id IN ({marks})", (GUILD, q.id, *ids)).fetchall())
            reviewed = [(u, *srs.review(cards.get(u), srs.card_id(GUILD, u, q.id), g.correct, NOW)) for u, _, g in new]
            c.executemany("INSERT INTO cards (guild_id, user_id, question_id, card, due) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET card = excluded.card, "
                          "due = excluded.due", [(GUILD, u, q.id, card, due.isoformat()) for u, card, due in reviewed])
            slots = c.execute("SELECT slot, status FROM posts WHERE guild_id = ? AND kind = 'daily' "
                              "AND status IN ('open', 'closed') AND slot NOT LIKE 'manual:%' ORDER BY slot",
                              (GUILD,)).fetchall()
            answered = c.execute(f"SELECT a.user_id, p.slot FROM answers a JOIN posts p ON p.id = a.post_id "
                                 f"WHERE a.guild_id = ? AND a.user_id IN ({marks}) AND p.kind = 'daily'",
                                 (GUILD, *ids)).fetchall()
            due = dict(c.execute(f"SELECT user_id, COUNT(*) FROM cards WHERE guild_id = ? AND due <= ? "
                                 f"AND user_id IN ({marks}) GROUP BY user_id", (GUILD, now, *ids)).fetchall())
            return len(new), len(slots), len(answered), len(due)

        t = time.perf_counter()
        batch = [(u, ch, grade(q, ch)) for u, ch in zip(users, choices)]
        written = (await db.write(lambda c: bulk(c, batch)))[0]
        elapsed = time.perf_counter() - t
        assert written == n
    finally:
        await db.close()
    return n / elapsed


async def _hop_cost(db, n: int = 2000) -> dict[str, float]:
    """What one hand-off to aiosqlite's thread costs: in sequence, and n at once."""
    t = time.perf_counter()
    for _ in range(n):
        await db.read(lambda c: None)
    sequential = (time.perf_counter() - t) / n
    t = time.perf_counter()
    await asyncio.gather(*(db.read(lambda c: None) for _ in range(n)))
    concurrent = (time.perf_counter() - t) / n
    return {"hop_sequential_us": round(sequential * 1e6, 1), "hop_concurrent_us": round(concurrent * 1e6, 1)}


async def _measure(folder: Path, n: int, warmup: int, instrument: bool, profile: bool) -> dict:
    path = folder / ("burst-profiled.sqlite3" if instrument else "burst.sqlite3")
    db, svc, q = await _setup(path)
    try:
        warm_post = await _claim(svc, q, "2026-01-02")
        await _burst(svc, warm_post, q, range(1, 1 + warmup))  # other learners, another post
        post = await _claim(svc, q, "2026-01-05")
        users = range(FIRST_USER, FIRST_USER + n)
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
        counts = await db.read(lambda c: {t: c.execute(
            f"SELECT COUNT(*) FROM {t} WHERE user_id BETWEEN ? AND ?", (users.start, users.stop - 1)).fetchone()[0]
            for t in TABLES})
        hops = await _hop_cost(db) if instrument else {}
        post_row = await db.read(lambda c: tuple(c.execute("SELECT * FROM posts WHERE id = ?", (post.id,)).fetchone()))
    finally:
        await db.close()
    if firsts != n or counts["answers"] != n or counts["points"] != n:
        raise SystemExit(f"burst lost answers: {firsts} acknowledged, rows {counts}")
    out = {"elapsed_s": elapsed, "latencies": latencies, "counts": counts, "path": path, "users": users,
           "post_row": post_row, "question": q}
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
    ap.add_argument("--runs", type=int, default=3, help="bursts on fresh files; the median one is reported")
    ap.add_argument("--profile", action="store_true", help="also show where the time goes")
    args = ap.parse_args(argv)
    n = args.learners
    with scratch_dir("burst") as tmp:
        folder = Path(tmp)
        runs = []
        for i in range(args.runs):
            (folder / f"run{i}").mkdir()
            runs.append(asyncio.run(_measure(folder / f"run{i}", n, args.warmup, instrument=False, profile=False)))
        runs.sort(key=lambda r: r["elapsed_s"])
        m = runs[len(runs) // 2]
        rows = _rows_written(m["path"], m["users"])
        ceilings = []
        for i in range(args.runs):
            (folder / f"ceiling{i}").mkdir()
            ceilings.append(_ceiling(folder / f"ceiling{i}", rows, m["post_row"]))
        ceiling_s = sorted(ceilings)[len(ceilings) // 2]
        rate, ceiling_rate = n / m["elapsed_s"], n / ceiling_s
        lat = m["latencies"]
        result = {
            "learners": n,
            "runs_answers_per_s": [round(n / r["elapsed_s"]) for r in runs],
            "answers_per_s": round(rate),
            "p50_ms": ms(percentile(lat, 50)),
            "p99_ms": ms(percentile(lat, 99)),
            "elapsed_ms": ms(m["elapsed_s"]),
            "rows": {t: len(r) for t, r in rows.items()},
            "ceiling_answers_per_s": round(ceiling_rate),
            "ceiling_ms": ms(ceiling_s),
            "ceiling_ratio": round(rate / ceiling_rate, 4),
        }
        say(f"burst: {n} answers in {m['elapsed_s'] * 1000:.0f} ms = {rate:,.0f}/s; ceiling "
            f"{ceiling_s * 1000:.1f} ms = {ceiling_rate:,.0f}/s; ratio {rate / ceiling_rate:.3f}")
        if args.profile:
            p = asyncio.run(_measure(folder, n, args.warmup, instrument=True, profile=True))
            inst: Instrument = p["instrument"]
            per = {name: {"calls": c, "calls_per_answer": round(c / n, 2), "thread_ms": round(s * 1000, 1)}
                   for name, (c, s) in sorted(inst.calls.items(), key=lambda kv: -kv[1][1])}
            result["profile"] = {
                "elapsed_ms": ms(p["elapsed_s"]),
                "worker_thread_busy_ms": round(sum(s for _, s in inst.calls.values()) * 1000, 1),
                "handoffs": per,
                "write_batches": len(inst.batches),
                "largest_batch": max(inst.batches, default=0),
                "fsrs_reviews": inst.reviews,
                "fsrs_ms": round(inst.review_s * 1000, 1),
                **p["hops"],
                "sync_pieces_us_per_answer": _sync_pieces(folder, m["question"], n),
                "one_handoff_prototype_answers_per_s": round(asyncio.run(
                    _one_handoff_prototype(folder, n, args.warmup))),
                "bulk_prototype_answers_per_s": round(asyncio.run(_bulk_prototype(folder, n))),
            }
            say(p["profile_text"])
    return result


if __name__ == "__main__":
    child_main(run)
