"""Start-up: from process start to ready, with every shipped pack and a 100,000-learner database.

Two children are timed from just before they are spawned until they print READY:
- ``simcord``: ``create_bot`` started under SimCord: interpreter, imports, ``setup_hook``
  (open and check the database, load and validate the packs, restore uploads, load the
  cogs, compare the command tree) and the gateway's READY. The headline figure.
- ``services``: ``python -c`` that opens the database, loads the packs and runs
  ``Services.build``, without discord.py's client or SimCord.
The database is opened once before timing (its migrations are applied), as on a restart.
Each is run ``--repeat`` times; the median is reported. The child's own peak RSS (VmHWM) is reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import CONTENT_DIR, ROOT, child_main, say, scratch_dir
from benchmarks.dataset import generate

# ru_maxrss survives fork+exec (it would report the generator's peak): read VmHWM instead.
PEAK = """
def peak_kib():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

SIMCORD_CHILD = """
import asyncio, resource, sys
PEAK
async def main():
    import simcord
    from bot.app import create_bot
    from bot.settings import Settings
    settings = Settings(
        _env_file=None, discord_token=None, database_path=sys.argv[1], content_dir=sys.argv[2], shard_count=1
    )
    async with simcord.run(create_bot(settings)) as env:
        assert env.bot.is_ready()
        print("READY", peak_kib(), flush=True)
        await env.bot.close()
asyncio.run(main())
""".replace("PEAK", PEAK)

SERVICES_CHILD = """
import asyncio, resource, sys
PEAK
from pathlib import Path
async def main():
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.store.database import Database
    db = await Database.open(Path(sys.argv[1]))
    library = ContentLibrary.from_folder(Path(sys.argv[2]))
    svc = await Services.build(Store.on(db), library)
    assert library.packs(None) and svc.content.packs(None)
    print("READY", peak_kib(), flush=True)
    await db.close()
asyncio.run(main())
""".replace("PEAK", PEAK)


def time_child(code: str, db: Path) -> tuple[float, float]:
    """Seconds from spawning the child to its READY line, and its peak RSS in MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(CONTENT_DIR)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready_at, rss = None, 0.0
    for line in proc.stdout:
        if line.startswith("READY"):
            ready_at = time.perf_counter() - t0
            rss = int(line.split()[1]) / 1024
    err = proc.stderr.read()
    if proc.wait() != 0 or ready_at is None:
        raise SystemExit(f"start-up child failed ({proc.returncode}):\n{err[-3000:]}")
    return ready_at, round(rss, 1)


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    ap.add_argument("--learners", type=int, default=100_000)
    ap.add_argument("--ledger-rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with scratch_dir("startup") as tmp:
        db = Path(tmp) / "startup.sqlite3"
        gen = generate(db, args.learners, args.ledger_rows, datetime(2026, 3, 4, 12, tzinfo=UTC))
        say(f"startup: generated {gen}")
        out: dict = {"learners": args.learners, "ledger_rows": gen["rows"]["points"], "db_mb": gen["db_mb"]}
        for name, code in (("simcord", SIMCORD_CHILD), ("services", SERVICES_CHILD)):
            runs = [time_child(code, db) for _ in range(args.repeat)]
            out[f"{name}_s"] = round(statistics.median(t for t, _ in runs), 3)
            out[f"{name}_runs_s"] = [round(t, 3) for t, _ in runs]
            out[f"{name}_child_peak_rss_mb"] = max(r for _, r in runs)
    out["startup_s"] = out["simcord_s"]
    say(f"startup: {out}")
    return out


if __name__ == "__main__":
    child_main(run)
