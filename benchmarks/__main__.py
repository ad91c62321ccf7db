"""``python -m benchmarks [NAME ...] [--quick]``: run the benchmarks, print a table, then one JSON line.

Each benchmark runs in its own child process (``python -m benchmarks.<name>``), so the
peak memory shown is its own. Progress goes to stderr; the table and the JSON line to
stdout, the JSON line last. ``--quick`` shrinks every size (a smoke run, not figures).

``burst_postgres`` and ``leaderboard_postgres`` measure the same on a PostgreSQL server
(and ``shards``, one bot process against two serving a shard each, runs there too),
``--database-url`` (default ``BENCH_DATABASE_URL``; see ``benchmarks/pg.py``): each run
creates a database of its own there and drops it. Without a server they are left out of
a run of everything (and named alone, they stop with one line saying what is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from benchmarks.common import RESULT_PREFIX, ROOT
from benchmarks.pg import ENV as PG_ENV

BENCHMARKS = (
    "burst",
    "burst_history",
    "e2e",
    "leaderboard",
    "content",
    "startup",
    "burst_postgres",
    "leaderboard_postgres",
    "shards",
    "change_poll",
)
POSTGRES = ("burst_postgres", "leaderboard_postgres", "shards")  # need a server: --database-url
TAKES_URL = (*POSTGRES, "change_poll")  # change_poll measures SQLite alone without one
MODULES = {"burst_history": "burst"}  # the same benchmark on a cohort some weeks in
QUICK = {
    "burst": ["--learners", "200", "--warmup", "20", "--runs", "1"],
    "burst_history": ["--learners", "200", "--warmup", "20", "--runs", "1", "--history", "10"],
    "e2e": ["--learners", "20"],
    "leaderboard": ["--learners", "10000", "--ledger-rows", "100000", "--calls", "50", "--pack-calls", "5"],
    "content": ["--questions", "1000", "--repeat", "1"],
    "startup": ["--learners", "10000", "--ledger-rows", "10000", "--repeat", "1"],
    "burst_postgres": ["--learners", "200", "--warmup", "20", "--runs", "1"],
    "leaderboard_postgres": ["--learners", "10000", "--ledger-rows", "100000", "--calls", "50", "--pack-calls", "5"],
    "shards": ["--servers", "100", "--learners-per-server", "5"],
    "change_poll": ["--reads", "200"],
}
FULL = {"burst": ["--profile"], "burst_history": ["--history", "60"], "burst_postgres": ["--profile"]}


def run_child(name: str, extra: list[str]) -> dict:
    print(f"== {name} ...", file=sys.stderr, flush=True)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{MODULES.get(name, name)}", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"benchmark {name} failed (exit {proc.returncode})")
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    print(f"== {name} done in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    return result


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if n >= 100 else f"{n:g}"


def table(r: dict) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for key, who in (("burst", "new cohort"), ("burst_history", "cohort some weeks in")):
        if b := r.get(key):
            runs = "/".join(_fmt(x) for x in b["runs_answers_per_s"])
            rows.append(
                (
                    f"a. answer burst, {who}: {b['learners']:,} concurrent answer_post on {b['event_loop']}"
                    + (f" ({b['history']} earlier posts answered)" if b.get("history") else ""),
                    f"{_fmt(b['answers_per_s'])} answers/s · p50 {b['p50_ms']:.0f} ms · p99 {b['p99_ms']:.0f} ms"
                    f" (median of {runs}/s)",
                    ">= 20,000/s, p99 < 50 ms",
                    f"{b['peak_rss_mb']}",
                )
            )
            rows.append(
                (
                    "   ceiling: sqlite3 executemany, same rows, 1 txn",
                    f"{_fmt(b['ceiling_answers_per_s'])} answers/s ({b['ceiling_ms']} ms) · ratio "
                    f"{b['ceiling_ratio']:.3f}",
                    "ratio: push up",
                    "",
                )
            )
            rows.append(
                (
                    "   same rows, 100 to a statement as the bot writes them",
                    f"{_fmt(b['ceiling_hundred_answers_per_s'])} answers/s ({b['ceiling_hundred_ms']} ms) · ratio "
                    f"{b['ceiling_hundred_ratio']:.3f}",
                    "",
                    "",
                )
            )
    if b := r.get("burst_postgres"):
        runs = "/".join(_fmt(x) for x in b["runs_answers_per_s"])
        rows.append(
            (
                f"a. answer burst on PostgreSQL {b['server_version']} ({b['connection']}): {b['learners']:,} "
                f"concurrent answer_post on {b['event_loop']}",
                f"{_fmt(b['answers_per_s'])} answers/s · p50 {b['p50_ms']:.0f} ms · p99 {b['p99_ms']:.0f} ms"
                f" (median of {runs}/s)",
                ">= 10,000/s, p99 < 100 ms",
                f"{b['peak_rss_mb']}",
            )
        )
        for variant, how in (
            ("copy", "ceiling: asyncpg COPY (copy_records_to_table), same rows, 1 txn"),
            ("executemany", "same rows, asyncpg executemany, one upsert a table"),
            ("hundred", "same rows, the bot's statements (100 rows each), plain asyncpg"),
        ):
            rows.append(
                (
                    f"   {how}",
                    f"{_fmt(b[f'ceiling_{variant}_answers_per_s'])} answers/s ({b[f'ceiling_{variant}_ms']} ms) · "
                    f"ratio {b[f'ceiling_{variant}_ratio']:.3f}",
                    "ratio: push up" if variant == "copy" else "",
                    "",
                )
            )
    if e := r.get("e2e"):
        rows.append(
            (
                f"b. end to end: {e['learners']} clicks in SimCord (sequential)",
                f"p50 {e['p50_ms']:.1f} ms · p99 {e['p99_ms']:.1f} ms per click",
                "",
                f"{e['peak_rss_mb']}",
            )
        )
    if lb := r.get("leaderboard"):
        size = f"{lb['learners']:,} learners, {lb['ledger_rows']:,} ledger rows"
        w, a = lb["week"], lb["all"]
        rows.append(
            (
                "c. /leaderboard (ProgressService): top 10 + caller's rank",
                f"week p50 {w['p50_ms']:.1f} / p99 {w['p99_ms']:.1f} ms · all p50 {a['p50_ms']:.1f} / "
                f"p99 {a['p99_ms']:.1f} ms ({w['calls']}+{a['calls']} calls)",
                "p99 < 20 ms",
                f"{lb['peak_rss_mb']}",
            )
        )
        pw, pa = lb["pack_week"], lb["pack_all"]
        rows.append(
            (
                "   one pack's board (summed from its awards)",
                f"week p50 {pw['p50_ms']:.1f} / p99 {pw['p99_ms']:.1f} ms · all p50 {pa['p50_ms']:.0f} / "
                f"p99 {pa['p99_ms']:.0f} ms ({pw['calls']}+{pa['calls']} calls)",
                "",
                "",
            )
        )
        g = lb["generate"]
        rows.append(
            (f"   data: {size}", f"generated in {g['total_s']} s (ledger {g['points_s']} s), {g['db_mb']:,} MB", "", "")
        )
    if lb := r.get("leaderboard_postgres"):
        w, a, pl = lb["week"], lb["all"], lb["plain"]
        rows.append(
            (
                f"c. /leaderboard on PostgreSQL {lb['server_version']} ({lb['connection']}): top 10 + caller's rank",
                f"week p50 {w['p50_ms']:.1f} / p99 {w['p99_ms']:.1f} ms · all p50 {a['p50_ms']:.1f} / "
                f"p99 {a['p99_ms']:.1f} ms ({w['calls']}+{a['calls']} calls)",
                "p99 < 20 ms",
                f"{lb['peak_rss_mb']}",
            )
        )
        rows.append(
            (
                f"   the same {lb['statements_per_board']:g} statements a board, plain asyncpg",
                f"p50 {pl['p50_ms']:.1f} / p99 {pl['p99_ms']:.1f} ms (store p50 {lb['sample']['p50_ms']:.1f} ms) · "
                f"ratio {lb['plain_ratio']:.3f}",
                "",
                "",
            )
        )
        pw, pa = lb["pack_week"], lb["pack_all"]
        rows.append(
            (
                "   one pack's board (summed from its awards)",
                f"week p50 {pw['p50_ms']:.1f} / p99 {pw['p99_ms']:.1f} ms · all p50 {pa['p50_ms']:.0f} / "
                f"p99 {pa['p99_ms']:.0f} ms ({pw['calls']}+{pa['calls']} calls)",
                "",
                "",
            )
        )
        g = lb["generate"]
        rows.append(
            (
                f"   data: {lb['learners']:,} learners, {lb['ledger_rows']:,} ledger rows",
                f"migrate-db copied in {g['copy_s']} s, {g['db_mb']:,} MB · boards as on SQLite: "
                f"{'yes' if lb['boards_match_sqlite'] else 'NO'} ({lb['boards_compared']})",
                "",
                "",
            )
        )
    if sh := r.get("shards"):
        rows += shards_rows(sh)
    if cp := r.get("change_poll"):
        rows.append(change_poll_row(cp))
    if c := r.get("content"):
        rows.append(
            (
                f"d. content: {c['questions']:,} questions in {c['packs']} packs, load_paths",
                f"first {c['first_load_s']} s · median of next {c['median_next_s']} s",
                "< 2 s",
                f"{c['peak_rss_mb']}",
            )
        )
    if s := r.get("startup"):
        rows.append(
            (
                f"e. start-up to ready, {s['learners']:,} learners ({s['db_mb']} MB db)",
                f"SimCord ready {s['simcord_s']} s · Services.build {s['services_s']} s (medians)",
                "< 3 s",
                f"{max(s['simcord_child_peak_rss_mb'], s['services_child_peak_rss_mb'])} (child)",
            )
        )
    return rows


def change_poll_row(cp: dict) -> tuple[str, str, str, str]:
    """How a process learns of another's changes: the poll's read, a reload, and NOTIFY beside them."""
    lite, pg = cp["sqlite"], cp.get("postgres")
    text = f"SQLite read p50 {lite['poll_p50_ms']} ms, p99 {lite['poll_p99_ms']} ms · reload {lite['reload_p50_ms']} ms"
    if pg:
        text += (
            f" · PostgreSQL read p50 {pg['poll_p50_ms']} ms, p99 {pg['poll_p99_ms']} ms · reload "
            f"{pg['reload_p50_ms']} ms · NOTIFY arrives in {pg['notify_p50_ms']} ms (p50)"
        )
    return ("g. change poll: the change count read every SYNC_SECONDS", text, "read < 1 ms", f"{cp['peak_rss_mb']}")


def shards_rows(sh: dict) -> list[tuple[str, str, str, str]]:
    """One process serving every server, then two serving one shard each, side by side."""
    one = sh["single"]["processes"][0]
    both = sh["two"]["combined"]

    def result(p: dict) -> str:
        out = (
            f"{_fmt(p['posts_per_min'])} posts/min ({p['posts']:,} in {p['posting_s']:.2f} s) · "
            f"{_fmt(p['answers_per_s'])} answers/s ({p['answers']:,} in {p['burst_s']:.2f} s)"
        )
        return out + (f" · p50 {p['p50_ms']:,.0f} ms · p99 {p['p99_ms']:,.0f} ms" if "p50_ms" in p else "")

    ok = lambda run: "yes" if sh[run]["check"]["ok"] else "NO"  # noqa: E731
    times = lambda a, b: f"x{a / b:.2f}" if b else "x-"  # noqa: E731
    rows = [
        (
            f"f. shards on PostgreSQL {sh['server_version']} ({sh['connection']}): {sh['servers']:,} servers "
            f"x {sh['learners_per_server']} learners, all due at once",
            "",
            "",
            f"{sh['worker_peak_rss_mb']} (worker)",
        ),
        (f"   1 process, {one['shards']}", result(one), "", ""),
        *((f"   2 processes: {p['shards']}", result(p), "", "") for p in sh["two"]["processes"]),
        (
            "   2 processes together",
            result(both) + f" · {times(both['posts_per_min'], one['posts_per_min'])} posts, "
            f"{times(both['answers_per_s'], one['answers_per_s'])} answers of 1 process",
            "",
            "",
        ),
        (
            "   every server posted once, by one process of its shard",
            f"1 process: {ok('single')} · 2 processes: {ok('two')}",
            "yes",
            "",
        ),
    ]
    return rows


def print_table(rows) -> None:
    head = ("Benchmark", "Result", "Target", "Peak RSS MB")
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(4)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def print_profile(b: dict) -> None:
    p = b.get("profile")
    if not p:
        return
    print("\nWhere the answer burst's time goes (a second, instrumented burst):")
    print(
        f"  elapsed {p['elapsed_ms']:.0f} ms; writer thread busy {p['worker_thread_busy_ms']:.0f} ms "
        f"in {sum(h['calls'] for n, h in p['handoffs'].items() if not n.startswith('_hop_cost')):,} "
        f"hand-offs; "
        f"{p['write_batches']} group-commit batch(es), largest {p['largest_batch']} jobs"
    )
    for name, h in p["handoffs"].items():
        if not name.startswith("_hop_cost") and (h["calls_per_answer"] >= 0.5 or h["thread_ms"] >= 5):
            print(f"    {name:<28} {h['calls']:>6} calls ({h['calls_per_answer']}/answer) {h['thread_ms']:>7.1f} ms")
    print(
        f"  one hand-off: {p['hop_sequential_us']} us awaited alone, {p['hop_concurrent_us']} us each "
        f"when {2000} are queued at once"
    )
    print(
        f"  new FSRS cards from the template; scheduler reviews of existing cards: {p['fsrs_reviews']} "
        f"taking {p['fsrs_ms']} ms"
    )


def print_pg_profile(b: dict) -> None:
    p = b.get("profile")
    if not p:
        return
    print("\nWhere the answer burst's time goes on PostgreSQL (a second, instrumented burst):")
    print(
        f"  elapsed {p['elapsed_ms']:.0f} ms; writer thread busy {p['worker_thread_busy_ms']:.0f} ms; "
        f"{p['write_batches']} group-commit batch(es) of {'/'.join(map(str, p['batch_sizes']))} clicks; "
        f"{p['statements_total']} statements, {p['statement_call_ms']:.0f} ms in them, of which "
        f"{p['statement_wait_ms']:.0f} ms waiting for asyncpg and the server"
    )
    for kind, s in p["statements"].items():
        if s["call_ms"] >= 1:
            print(f"    {kind:<44} {s['calls']:>4} calls {s['call_ms']:>7.1f} ms (waiting {s['wait_ms']:.1f})")
    print(
        f"  one hand-off to the writer's thread {p['hop_us']} us; one SELECT 1 through PgConnection "
        f"{p['select_1_us']} us"
    )


def shards_summary(sh: dict | None) -> dict:
    one, two = (sh[run] if sh else None for run in ("single", "two"))
    return {
        "shards_posts_per_min": one["processes"][0]["posts_per_min"] if one else None,
        "shards_answers_per_s": one["processes"][0]["answers_per_s"] if one else None,
        "shards_two_posts_per_min": two["combined"]["posts_per_min"] if two else None,
        "shards_two_answers_per_s": two["combined"]["answers_per_s"] if two else None,
        "shards_correct": one["check"]["ok"] and two["check"]["ok"] if one and two else None,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="which to run (default: all)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not figures")
    ap.add_argument(
        "--database-url",
        default=os.environ.get(PG_ENV),
        help=f"the PostgreSQL server for {', '.join(POSTGRES)} (default: ${PG_ENV})",
    )
    args = ap.parse_args(argv)
    names = args.names or [n for n in BENCHMARKS if n not in POSTGRES or args.database_url]
    if not args.names and not args.database_url:
        print(f"== {', '.join(POSTGRES)} left out: no --database-url or {PG_ENV}", file=sys.stderr, flush=True)
    url = ["--database-url", args.database_url] if args.database_url else []
    results = {
        n: run_child(n, (QUICK if args.quick else FULL).get(n, []) + (url if n in TAKES_URL else [])) for n in names
    }
    print_table(table(results))
    if "burst" in results:
        print_profile(results["burst"])
    if "burst_postgres" in results:
        print_pg_profile(results["burst_postgres"])
    get = lambda name, key: results[name][key] if name in results else None  # noqa: E731
    summary = {
        "burst_answers_per_s": get("burst", "answers_per_s"),
        "burst_p99_ms": get("burst", "p99_ms"),
        "burst_ceiling_ratio": get("burst", "ceiling_ratio"),
        "burst_ceiling_hundred_ratio": get("burst", "ceiling_hundred_ratio"),
        "burst_history_answers_per_s": get("burst_history", "answers_per_s"),
        "burst_history_p99_ms": get("burst_history", "p99_ms"),
        "burst_history_ceiling_ratio": get("burst_history", "ceiling_ratio"),
        "e2e_click_p99_ms": get("e2e", "p99_ms"),
        "leaderboard_p99_ms": get("leaderboard", "p99_ms"),
        "burst_postgres_answers_per_s": get("burst_postgres", "answers_per_s"),
        "burst_postgres_p99_ms": get("burst_postgres", "p99_ms"),
        "burst_postgres_ceiling_ratio": get("burst_postgres", "ceiling_ratio"),
        "leaderboard_postgres_p99_ms": get("leaderboard_postgres", "p99_ms"),
        **shards_summary(results.get("shards")),
        "change_poll_postgres_p50_ms": results["change_poll"].get("postgres", {}).get("poll_p50_ms")
        if "change_poll" in results
        else None,
        "content_load_s": get("content", "first_load_s"),
        "startup_s": get("startup", "startup_s"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results.values()),
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
