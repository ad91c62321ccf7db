"""Leaderboard at scale: 100,000 learners and 10,000,000 ledger rows (``--ledger-rows``).

Two measurements, week and all time, each the top 10 plus the caller's rank:
- ``service``: what ``/leaderboard`` runs today, ``ProgressService.leaderboard``
  (bot/services/progress.py): it reads every learner's total for the period, each with
  the time of their last award from the ledger, and ranks them in Python.
- ``index``: two queries on ``score_totals`` through its index
  ``score_totals_rank (guild_id, period, points DESC, user_id)``: the first ten rows of
  the index range, and the caller's rank as a COUNT over the index entries above them.
  Ties here go to the lower user id; the service breaks ties by who reached the score
  first, which the index cannot see (score_totals keeps no time).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common import CONTENT_DIR, child_main, ms, percentile, say, scratch_dir
from benchmarks.dataset import FIRST_USER, GUILD, generate

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)  # a Wednesday
TZ = "Europe/London"

TOP_SQL = ("SELECT user_id, points FROM score_totals WHERE guild_id = ? AND period = ? "
           "ORDER BY points DESC, user_id LIMIT 10")
MINE_SQL = "SELECT points FROM score_totals WHERE guild_id = ? AND period = ? AND user_id = ?"
RANK_SQL = ("SELECT 1 + (SELECT COUNT(*) FROM score_totals WHERE guild_id = ?1 AND period = ?2 AND points > ?3)"
            " + (SELECT COUNT(*) FROM score_totals WHERE guild_id = ?1 AND period = ?2 AND points = ?3"
            " AND user_id < ?4)")


def board_by_index(c, guild_id: int, period: str, caller: int):
    top = c.execute(TOP_SQL, (guild_id, period)).fetchall()
    mine = c.execute(MINE_SQL, (guild_id, period, caller)).fetchone()
    rank = c.execute(RANK_SQL, (guild_id, period, mine[0], caller)).fetchone()[0] if mine else None
    return [tuple(r) for r in top], rank, mine[0] if mine else 0


async def _measure(path: Path, learners: int, index_calls: int, service_budget_s: float, service_max: int) -> dict:
    from bot.app import Services
    from bot.domain import leaderboard as lb
    from bot.packs.library import ContentLibrary
    from bot.store.database import Database

    db = await Database.open(path)
    out: dict = {}
    rng = random.Random(8)
    try:
        plans = await db.read(lambda c: [
            " | ".join(r[3] for r in c.execute("EXPLAIN QUERY PLAN " + sql, args))
            for sql, args in ((TOP_SQL, (GUILD, "all")), (RANK_SQL, (GUILD, "all", 5, 7)))])
        say("query plans:\n  " + "\n  ".join(plans))
        out["index_uses_rank_index"] = all("score_totals_rank" in p for p in plans)
        for kind in ("week", "all"):
            period = lb.period(kind, NOW, TZ).key
            callers = [FIRST_USER + rng.randrange(learners) for _ in range(index_calls)]
            callers[0] = await db.read(lambda c: c.execute(  # the last-placed learner: the longest count
                "SELECT user_id FROM score_totals WHERE guild_id = ? AND period = ? ORDER BY points, user_id DESC "
                "LIMIT 1", (GUILD, period)).fetchone()[0])
            lat = []
            for caller in callers:
                t = time.perf_counter()
                top, rank, _ = await db.read(lambda c: board_by_index(c, GUILD, period, caller))
                lat.append(time.perf_counter() - t)
                assert len(top) == 10 and rank is not None
            out[f"index_{kind}"] = {"calls": len(lat), "p50_ms": ms(percentile(lat, 50)),
                                    "p99_ms": ms(percentile(lat, 99)), "max_ms": ms(max(lat))}

        svc = await Services.build(db, ContentLibrary.from_folder(CONTENT_DIR))
        if getattr(svc, "progress", None) is None:
            out["service"] = "absent: bot/services/progress.py has no ProgressService in Services yet"
        else:
            for kind in ("week", "all"):
                lat = []
                deadline = time.perf_counter() + service_budget_s
                while len(lat) < service_max and (len(lat) < 3 or time.perf_counter() < deadline):
                    caller = FIRST_USER + rng.randrange(learners)
                    t = time.perf_counter()
                    view = await svc.progress.leaderboard(GUILD, caller, kind, None, NOW)
                    lat.append(time.perf_counter() - t)
                    assert len(view.board.top) == 10 and view.board.me is not None
                out[f"service_{kind}"] = {"calls": len(lat), "p50_ms": ms(percentile(lat, 50)),
                                          "p99_ms": ms(percentile(lat, 99)), "max_ms": ms(max(lat))}
    finally:
        await db.close()
    return out


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.leaderboard")
    ap.add_argument("--learners", type=int, default=100_000)
    ap.add_argument("--ledger-rows", type=int, default=10_000_000)
    ap.add_argument("--index-calls", type=int, default=500)
    ap.add_argument("--service-budget", type=float, default=20.0, help="seconds per period for the service calls")
    ap.add_argument("--service-max", type=int, default=100)
    args = ap.parse_args(argv)
    with scratch_dir("leaderboard") as tmp:
        path = Path(tmp) / "leaderboard.sqlite3"
        t = time.perf_counter()
        gen = generate(path, args.learners, args.ledger_rows, NOW, TZ)
        gen["total_s"] = round(time.perf_counter() - t, 1)
        say(f"leaderboard: generated {gen}")
        m = asyncio.run(_measure(path, args.learners, args.index_calls, args.service_budget, args.service_max))
    result = {"learners": args.learners, "ledger_rows": gen["rows"]["points"], "generate": gen, **m}
    p99s = [m[k]["p99_ms"] for k in ("service_week", "service_all") if k in m] or \
        [m[k]["p99_ms"] for k in ("index_week", "index_all")]
    result["p99_ms"] = max(p99s)
    result["p99_source"] = "service" if "service_week" in m else "index"
    say(f"leaderboard: {m}")
    return result


if __name__ == "__main__":
    child_main(run)
