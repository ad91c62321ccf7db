"""Leaderboard at scale: 100,000 learners and 10,000,000 ledger rows (``--ledger-rows``).

What ``/leaderboard`` runs (``ProgressService.leaderboard``: the top 10 plus the caller's
rank), for the week and all time, with callers drawn at random and the last-placed
learner among them; and one pack's board (``--pack-calls`` callers per period), which
SQLite sums from that pack's awards (``points_by_pack``). The whole-server top comes
from the maintained totals through their index ``score_totals_rank``; the board's size
and the caller's rank from ``score_counts`` (one row per distinct score) and the ties at
the caller's score; the query plans are printed.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import CONTENT_DIR, child_main, ms, percentile, say, scratch_dir
from benchmarks.dataset import FIRST_USER, GUILD, generate
from bot.runner import run_loop

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
TZ = "Europe/London"


async def _measure(path: Path, learners: int, calls: int, pack_calls: int) -> dict:
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.store.database import Database

    db = await Database.open(path)
    out: dict = {}
    rng = random.Random(8)
    try:
        library = ContentLibrary.from_folder(CONTENT_DIR)
        svc = await Services.build(Store.on(db), library)
        plans = await db.read(
            lambda c: [
                " | ".join(r[3] for r in c.execute("EXPLAIN QUERY PLAN " + sql, args))
                for sql, args in (
                    (
                        "SELECT COALESCE(SUM(learners), 0) FROM score_counts WHERE guild_id = ? AND period = ? "
                        "AND points > ?",
                        (GUILD, "all", 5),
                    ),
                    (
                        "SELECT COUNT(*) FROM score_totals WHERE guild_id = ? AND period = ? AND points = ? "
                        "AND (reached_at, user_id) < (?, ?)",
                        (GUILD, "all", 5, "", 7),
                    ),
                )
            ]
        )
        say("query plans:\n  " + "\n  ".join(plans))
        out["plans_use_indexes"] = "score_counts" in plans[0] and "score_totals_rank" in plans[1]
        out.update(await time_boards(db, svc, library, learners, calls, pack_calls, rng))
    finally:
        await db.close()
    return out


async def time_boards(db, svc, library, learners: int, calls: int, pack_calls: int, rng: random.Random) -> dict:
    """The boards timed through ``ProgressService.leaderboard``: ``calls`` callers per period
    (the last-placed learner first), then ``pack_calls`` callers of one pack's board per
    period; p50/p99/max per kind (leaderboard_postgres times the same calls)."""
    from bot.domain import leaderboard as lb

    out: dict = {}
    for kind in ("week", "all"):
        period = lb.period(kind, NOW, TZ).key
        callers = [FIRST_USER + rng.randrange(learners) for _ in range(calls)]
        callers[0] = await db.read(
            lambda c, period=period: c.execute(  # the last-placed learner
                "SELECT user_id FROM score_totals WHERE guild_id = ? AND period = ? ORDER BY points, user_id DESC "
                "LIMIT 1",
                (GUILD, period),
            ).fetchone()[0]
        )
        lat = []
        for caller in callers:
            t = time.perf_counter()
            view = await svc.progress.leaderboard(GUILD, caller, kind, None, NOW)
            lat.append(time.perf_counter() - t)
            assert len(view.board.top) == 10 and view.board.me is not None
        out[kind] = {
            "calls": len(lat),
            "p50_ms": ms(percentile(lat, 50)),
            "p99_ms": ms(percentile(lat, 99)),
            "max_ms": ms(max(lat)),
        }
    # One pack's board: the store sums that pack's awards in the period (no maintained totals).
    pack = library.all_packs(GUILD)[0].id
    for kind in ("week", "all"):
        lat = []
        for caller in [FIRST_USER + rng.randrange(learners) for _ in range(pack_calls)]:
            t = time.perf_counter()
            view = await svc.progress.leaderboard(GUILD, caller, kind, pack, NOW)
            lat.append(time.perf_counter() - t)
            assert len(view.board.top) == 10
        out[f"pack_{kind}"] = {
            "calls": len(lat),
            "p50_ms": ms(percentile(lat, 50)),
            "p99_ms": ms(percentile(lat, 99)),
            "max_ms": ms(max(lat)),
        }
    return out


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.leaderboard")
    ap.add_argument("--learners", type=int, default=100_000)
    ap.add_argument("--ledger-rows", type=int, default=10_000_000)
    ap.add_argument("--calls", type=int, default=300, help="leaderboards asked for, per period")
    ap.add_argument("--pack-calls", type=int, default=20, help="one pack's leaderboards asked for, per period")
    args = ap.parse_args(argv)
    from bot.packs.library import ContentLibrary

    packs = [p.id for p in ContentLibrary.from_folder(CONTENT_DIR).all_packs(GUILD)]
    with scratch_dir("leaderboard") as tmp:
        path = Path(tmp) / "leaderboard.sqlite3"
        t = time.perf_counter()
        gen: dict[str, Any] = generate(path, args.learners, args.ledger_rows, NOW, TZ, packs=packs)
        gen["total_s"] = round(time.perf_counter() - t, 1)
        say(f"leaderboard: generated {gen}")
        m = run_loop(_measure(path, args.learners, args.calls, args.pack_calls))
    result = {"learners": args.learners, "ledger_rows": gen["rows"]["points"], "generate": gen, **m}
    result["p99_ms"] = max(m["week"]["p99_ms"], m["all"]["p99_ms"])
    say(f"leaderboard: {m}")
    return result


if __name__ == "__main__":
    child_main(run)
