"""Shards: one bot process serving every server against two serving half each, on one
PostgreSQL server (``--database-url``, default ``BENCH_DATABASE_URL``; see ``benchmarks/pg.py``).

The state: ``--servers`` (1,000) servers with real-looking snowflake ids, half on each of
2 shards (Discord's rule, ``bot.domain.shards.shard_of``), each set up through
``DailyService.configure`` (what ``/daily setup`` calls) to post its daily question at
09:00 London time, so every post falls due at the same moment, and ``--learners-per-server``
(20) learners each, a new cohort (nothing answered yet).

What a process does, from the moment its phase starts (its services built and its
content loaded beforehand, untimed):

1. posting: the scheduler's tick for daily posts, minus Discord: ``DailyService.claim_due``
   (one posts row per slot; a claim won holds the first send too), ``PostingService.sent``
   for each post claimed, then for each of ``PostingService.to_send`` (none here: retries,
   sends a dead process left) ``start_attempt`` (None: another process has it) and ``sent``.
   Posts per minute = posts / wall seconds * 60.
2. burst: every learner of every server it posted to answers that server's post at once,
   through ``AnswerService.answer_post`` (the click recorder, as ``burst_postgres``), half
   of them right; answers/s, and each answer's latency p50/p99.

Run 1: one OS process with ``Shards()`` (every server). Run 2: the same state seeded again
into a new database, and two OS processes (``multiprocessing``, spawn), ``Shards(2, (0,))``
and ``Shards(2, (1,))``, each phase started in both at once (a barrier), so they contend
on the server together. Combined figures: the sum of posts (answers) over the wall time
from the first process's start of the phase to the last one's end. Each process is new
(asyncpg prepares its statements as it goes, as after a restart).

Afterwards each database is checked: every server has exactly one daily post for the
slot, sent once (one attempt), and every post a process sent is on one of its shards.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.burst import FIRST_USER, NOW
from benchmarks.common import CONTENT_DIR, child_main, ms, peak_rss_mb, percentile, say
from benchmarks.pg import add_url_option, connect, fresh_database, server_url, server_version, where
from bot.domain.shards import Shards, shard_of
from bot.runner import run_loop

PROG = "python -m benchmarks.shards"
SHARD_COUNT = 2
TZ, AT, DAYS = "Europe/London", "09:00", "daily"  # due at NOW (09:00:30 UTC, a Monday in January)
DISCORD_EPOCH_MS = 1_420_070_400_000  # 2015-01-01, where snowflake timestamps count from
FIRST_SERVER_MS = int(datetime(2017, 1, 1, tzinfo=UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
LAST_SERVER_MS = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
PHASE_TIMEOUT_S = 600.0  # a worker that has not reached the barrier by then has failed


# -- the servers -------------------------------------------------------------------------------
def snowflakes(n: int, shard_count: int, seed: int = 21) -> list[int]:
    """``n`` server ids as Discord makes them (milliseconds since 2015 << 22, then worker,
    process and increment bits), created 2017-2024, taking turns over the shards: the
    i-th is on shard ``i % shard_count``."""
    rng = random.Random(seed)
    ids: list[int] = []
    for i in range(n):
        stamp = rng.randrange(FIRST_SERVER_MS, LAST_SERVER_MS)
        stamp += (i - stamp) % shard_count  # shard_of reads the timestamp bits modulo the count
        ids.append(stamp << 22 | rng.getrandbits(22))
    assert [shard_of(g, shard_count) for g in ids] == [i % shard_count for i in range(n)]
    assert len(set(ids)) == n
    return ids


@dataclass(frozen=True)
class Cohort:
    """The seeded servers and, for each, its learners' user ids."""

    learners: dict[int, range]  # guild id -> user ids

    @property
    def guilds(self) -> list[int]:
        return list(self.learners)


def cohort(servers: int, per_server: int) -> Cohort:
    guilds = snowflakes(servers, SHARD_COUNT)
    return Cohort(
        {g: range(FIRST_USER + i * per_server, FIRST_USER + (i + 1) * per_server) for i, g in enumerate(guilds)}
    )


async def _services(url: str, shards: Shards):
    """A bot process's database and services, as ``setup_hook`` builds them."""
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.runner import settle_heap
    from bot.store.database import Database

    db = await Database.open(url)
    svc = await Services.build(Store.on(db, shards), ContentLibrary.from_folder(CONTENT_DIR))
    settle_heap()  # as the runner does once the bot has started
    return db, svc


async def seed(url: str, c: Cohort) -> float:
    """Every server's daily schedule, set up as ``/daily setup`` does (its channel id is
    the server's + 1); returns the seconds it took."""
    t = time.perf_counter()
    db, svc = await _services(url, Shards())
    try:
        setup_at = NOW - timedelta(days=1)
        await asyncio.gather(*(svc.daily.configure(g, g + 1, AT, TZ, DAYS, None, None, setup_at) for g in c.guilds))
    finally:
        await db.close()
    return time.perf_counter() - t


# -- one process -------------------------------------------------------------------------------
def right_and_wrong(q) -> tuple[Any, Any]:
    """A right answer to ``q`` and a wrong one, as its buttons or answer box send them."""
    from bot.packs.schema import MultipleQuestion, OrderQuestion, SingleQuestion, TrueFalseQuestion

    if isinstance(q, SingleQuestion):
        return q.answer, (q.answer + 1) % len(q.options)
    if isinstance(q, MultipleQuestion):
        right = tuple(sorted(q.answer))
        return right, tuple(k for k in range(len(q.options)) if k not in right) or right[:1]
    if isinstance(q, TrueFalseQuestion):
        return q.answer, not q.answer
    if isinstance(q, OrderQuestion):
        steps = range(len(q.steps))
        return tuple(steps), tuple(reversed(steps))
    return q.answers[0], "certainly not this"  # a short answer


async def post_due(svc, now: datetime) -> tuple[list, float]:
    """The scheduler's tick for daily posts (``Scheduler.tick``/``publish``), without
    Discord: claim what is due (a claim won takes the first attempt with it; its hold is
    renewed just before the send), then the sends still pending (retries, or sends a dead
    process left), each taken first and skipped when another process holds it. Every
    send is recorded for its attempt only. Returns the posts this process sent, and the
    seconds claiming took."""
    t = time.perf_counter()
    claimed = await svc.daily.claim_due(now)
    claim_s = time.perf_counter() - t
    sent = []
    for post in claimed:
        if await svc.posting.hold(post, post.attempts, now):
            # the message id: any number will do
            if await svc.posting.sent(post, post.id, now, attempt=post.attempts):
                sent.append(post)
    for post in await svc.posting.to_send(now):
        attempt = await svc.posting.start_attempt(post, now)
        if attempt is None:
            continue  # another process is sending it
        if await svc.posting.sent(post, post.id, now, attempt=attempt):
            sent.append(post)
    return sent, claim_s


async def answer_all(svc, posts: list, learners: dict[int, range], now: datetime) -> tuple[list[float], int]:
    """Every learner of each post's server answers it at once (even ones right, odd ones
    wrong), each click with its own moment; returns the latencies and the answers counted."""
    clicks = []
    for post in posts:
        found = svc.daily.question_for(post)
        assert found is not None, f"post {post.id}: its question is gone"
        answers = right_and_wrong(found[0])
        clicks += [(post, uid, answers[k % 2]) for k, uid in enumerate(learners[post.guild_id])]
    latencies: list[float] = []

    async def one(i: int, post, uid: int, choice) -> bool:
        t = time.perf_counter()
        fb = await svc.answering.answer_post(post.guild_id, uid, post.id, choice, now + timedelta(microseconds=i))
        latencies.append(time.perf_counter() - t)
        return not fb.already_answered and not fb.closed

    counted = await asyncio.gather(*(one(i, *click) for i, click in enumerate(clicks)))
    return latencies, sum(counted)


async def serve(url: str, shards: Shards, learners: dict[int, range], barrier) -> dict:
    """One bot process: start up (untimed), then the posting phase and the burst, each
    begun when every process is ready for it."""
    db, svc = await _services(url, shards)
    try:
        await asyncio.to_thread(barrier.wait, PHASE_TIMEOUT_S)
        start = time.time()  # wall clock: compared across processes
        sent, claim_s = await post_due(svc, NOW)
        posted = time.time()
        await asyncio.to_thread(barrier.wait, PHASE_TIMEOUT_S)
        burst_start = time.time()
        latencies, counted = await answer_all(svc, sent, learners, NOW + timedelta(minutes=1))
        burst_end = time.time()
    finally:
        await db.close()
    return {
        "shards": label(shards),
        "guilds": [p.guild_id for p in sent],
        "claim_s": claim_s,
        "posting": (start, posted),
        "burst": (burst_start, burst_end),
        "clicks": len(latencies),
        "answers": counted,
        "p50_ms": ms(percentile(latencies, 50)),
        "p99_ms": ms(percentile(latencies, 99)),
        "peak_rss_mb": peak_rss_mb(),
    }


def label(shards: Shards) -> str:
    return "every server" if shards.count is None else shards.describe()


def _worker(url: str, shards: Shards, learners: dict[int, range], barrier, results) -> None:
    try:
        result = run_loop(serve(url, shards, learners, barrier))
    except BaseException as exc:
        barrier.abort()  # the other process stops waiting for this one
        results.put({"error": f"{label(shards)}: {type(exc).__name__}: {exc}"})
        raise
    results.put(result)


def processes(url: str, c: Cohort, each: list[Shards]) -> list[dict]:
    """Start one OS process per entry of ``each``, together; their results, in that order."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(len(each)), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, s, c.learners, barrier, results)) for s in each]
    for p in procs:
        p.start()
    out = [results.get(timeout=3 * PHASE_TIMEOUT_S) for _ in procs]
    for p in procs:
        p.join()
    if errors := [r["error"] for r in out if "error" in r]:
        raise SystemExit(f"{PROG}: a bot process failed: {'; '.join(errors)}")
    order = [label(s) for s in each]
    return sorted(out, key=lambda r: order.index(r["shards"]))


# -- the figures -------------------------------------------------------------------------------
def per_minute(n: int, span: tuple[float, float]) -> float:
    return round(n / (span[1] - span[0]) * 60)


def per_second(n: int, span: tuple[float, float]) -> float:
    return round(n / (span[1] - span[0]))


def figures(r: dict) -> dict:
    posts = len(r["guilds"])
    return {
        "shards": r["shards"],
        "posts": posts,
        "posting_s": round(r["posting"][1] - r["posting"][0], 3),
        "claim_s": round(r["claim_s"], 3),
        "posts_per_min": per_minute(posts, r["posting"]),
        "answers": r["answers"],
        "burst_s": round(r["burst"][1] - r["burst"][0], 3),
        "answers_per_s": per_second(r["answers"], r["burst"]),
        "p50_ms": r["p50_ms"],
        "p99_ms": r["p99_ms"],
        "peak_rss_mb": r["peak_rss_mb"],
    }


def combined(rs: list[dict]) -> dict:
    """All the processes' posts (answers) over the wall time spanning all of them."""
    span = lambda key: (min(r[key][0] for r in rs), max(r[key][1] for r in rs))  # noqa: E731
    posts, answers = sum(len(r["guilds"]) for r in rs), sum(r["answers"] for r in rs)
    return {
        "posts": posts,
        "posting_s": round(span("posting")[1] - span("posting")[0], 3),
        "posts_per_min": per_minute(posts, span("posting")),
        "answers": answers,
        "burst_s": round(span("burst")[1] - span("burst")[0], 3),
        "answers_per_s": per_second(answers, span("burst")),
    }


async def check(url: str, c: Cohort, rs: list[dict], each: list[Shards]) -> dict:
    """Every server got exactly one daily post for the slot, sent once, and each process
    sent only posts of its own shards."""
    from bot.domain.schedule import latest_slot, parse_days, parse_time

    conn = await connect(url)
    try:
        rows = await conn.fetch(
            "SELECT guild_id, slot, COUNT(*) AS n, MIN(attempts) AS lo, MAX(attempts) AS hi, "
            "bool_and(status = 'open') AS sent FROM posts WHERE kind = 'daily' GROUP BY guild_id, slot"
        )
        answers = await conn.fetchval("SELECT COUNT(*) FROM answers")
    finally:
        await conn.close()
    slot = latest_slot(NOW, parse_time(AT), TZ, parse_days(DAYS))
    assert slot is not None
    one_each = sorted(r["guild_id"] for r in rows) == sorted(c.guilds) and all(
        r["slot"] == slot.key and r["n"] == 1 and r["lo"] == r["hi"] == 1 and r["sent"] for r in rows
    )
    by_process = [r["guilds"] for r in rs]
    sent_once = sorted(g for gs in by_process for g in gs) == sorted(c.guilds)
    in_shard = all(s.serves(g) for s, gs in zip(each, by_process) for g in gs)
    all_answers = answers == sum(len(users) for users in c.learners.values())
    return {
        "one_post_per_server": one_each,
        "each_sent_by_one_process": sent_once,
        "no_post_outside_shard": in_shard,
        "answers_rows": answers,
        "every_answer_stored": all_answers,
        "ok": one_each and sent_once and in_shard and all_answers,
    }


def run_once(server: str, c: Cohort, each: list[Shards]) -> dict:
    """Seed a new database, run the processes on it together, check it; then drop it."""

    async def go() -> dict:
        async with fresh_database(server, "shards_") as url:
            seed_s = await seed(url, c)
            say(f"shards: seeded {len(c.guilds):,} servers in {seed_s:.1f} s; {len(each)} process(es) start")
            rs = await asyncio.to_thread(processes, url, c, each)
            return {"results": rs, "check": await check(url, c, rs, each), "seed_s": round(seed_s, 2)}

    out = run_loop(go())
    for r in out["results"]:
        if r["answers"] != r["clicks"]:
            raise SystemExit(f"{PROG}: {r['shards']}: {r['clicks']} clicks but {r['answers']} answers counted")
    return out


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    add_url_option(ap)
    ap.add_argument("--servers", type=int, default=1000)
    ap.add_argument("--learners-per-server", type=int, default=20)
    args = ap.parse_args(argv)
    server = server_url(args.database_url, PROG)
    version = run_loop(server_version(server))
    c = cohort(args.servers, args.learners_per_server)
    runs = {
        "single": [Shards()],
        "two": [Shards(SHARD_COUNT, (i,)) for i in range(SHARD_COUNT)],
    }
    result: dict[str, Any] = {
        "servers": args.servers,
        "learners_per_server": args.learners_per_server,
        "server_version": version,
        "connection": where(server),
    }
    for name, each in runs.items():
        out = run_once(server, c, each)
        procs = [figures(r) for r in out["results"]]
        result[name] = {
            "processes": procs,
            "combined": combined(out["results"]),
            "check": out["check"],
            "seed_s": out["seed_s"],
        }
        for p in procs:
            say(
                f"shards {name}, {p['shards']}: {p['posts']} posts in {p['posting_s']:.2f} s "
                f"(claiming {p['claim_s']:.2f} s) = {p['posts_per_min']:,.0f}/min; {p['answers']:,} answers "
                f"in {p['burst_s']:.2f} s = {p['answers_per_s']:,.0f}/s, p50 {p['p50_ms']:.0f} ms, "
                f"p99 {p['p99_ms']:.0f} ms"
            )
        both = result[name]["combined"]
        if len(procs) > 1:
            say(
                f"shards {name}, together: {both['posts_per_min']:,.0f} posts/min, "
                f"{both['answers_per_s']:,.0f} answers/s"
            )
        k = out["check"]
        say(
            f"shards {name}: correct {'yes' if k['ok'] else 'NO'} (one post per server "
            f"{k['one_post_per_server']}, each sent by one process {k['each_sent_by_one_process']}, "
            f"none outside its shard {k['no_post_outside_shard']}, {k['answers_rows']:,} answers stored)"
        )
    result["worker_peak_rss_mb"] = max(p["peak_rss_mb"] for name in runs for p in result[name]["processes"])
    return result


if __name__ == "__main__":
    child_main(run)
