"""How a process learns of another's changes: the poll the bot uses, and LISTEN/NOTIFY.

Every ``SYNC_SECONDS`` each process reads the change count (``ChangesRepo.count``, one
row of ``meta``) through the store, as the bot does. This measures that read on SQLite
and on PostgreSQL (``--database-url``), what a reload costs when the count has moved (an
uploaded pack read and installed, ``ChangeService.catch_up``), and, for comparison, how
long a PostgreSQL ``NOTIFY`` takes to reach a listening connection: the latency a
notification would give instead of a poll's (on average half the interval).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import CONTENT_DIR, ROOT, child_main, ms, percentile, say, scratch_dir
from benchmarks.pg import add_url_option, connect, fresh_database, server_url

EXAMPLE = (ROOT / "tests" / "data" / "example_pack.yaml").read_bytes()
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def _store_figures(target, reads: int) -> dict:
    from bot.app import Services, Store
    from bot.packs.library import ContentLibrary
    from bot.store.changes import ChangesRepo
    from bot.store.database import Database

    db_a, db_b = await Database.open(target), await Database.open(target)
    try:
        library = ContentLibrary.from_folder(CONTENT_DIR)
        a = await Services.build(Store.on(db_a), library)
        b = await Services.build(Store.on(db_b), ContentLibrary.from_folder(CONTENT_DIR))
        repo = ChangesRepo(db_b)
        times = []
        for _ in range(reads):
            t = time.perf_counter()
            await repo.count()
            times.append(time.perf_counter() - t)
        reloads = []
        for i in range(20):  # another process uploads a new version; this one catches up
            text = EXAMPLE.replace(b"What should you do first?", f"What should you do first ({i})?".encode())
            await a.content.upload(1, 2, "example.yaml", text, NOW)
            t = time.perf_counter()
            assert await b.changes.catch_up()
            reloads.append(time.perf_counter() - t)
        return {
            "poll_p50_ms": ms(percentile(times, 50)),
            "poll_p99_ms": ms(percentile(times, 99)),
            "reload_p50_ms": ms(percentile(reloads, 50)),
        }
    finally:
        await db_a.close()
        await db_b.close()


async def _notify_latency(url: str, rounds: int) -> dict:
    listener, sender = await connect(url), await connect(url)
    arrived: asyncio.Queue[float] = asyncio.Queue()
    await listener.add_listener("changes", lambda *_: arrived.put_nowait(time.perf_counter()))
    try:
        times = []
        for i in range(rounds):
            t = time.perf_counter()
            await sender.execute(f"NOTIFY changes, '{i}'")
            times.append(await asyncio.wait_for(arrived.get(), 5) - t)
        return {"notify_p50_ms": ms(percentile(times, 50)), "notify_p99_ms": ms(percentile(times, 99))}
    finally:
        await listener.close()
        await sender.close()


async def _main(args) -> dict:
    result: dict = {"reads": args.reads}
    with scratch_dir("poll") as folder:
        say("SQLite: the poll's read and a reload")
        result["sqlite"] = await _store_figures(Path(folder) / "poll.sqlite3", args.reads)
    if args.database_url:
        url = server_url(args.database_url, "change_poll")
        async with fresh_database(url, "poll") as db_url:
            say("PostgreSQL: the poll's read and a reload")
            result["postgres"] = await _store_figures(db_url, args.reads)
            say("PostgreSQL: NOTIFY to a listening connection")
            result["postgres"] |= await _notify_latency(db_url, args.reads // 10 or 1)
    return result


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.change_poll", description=__doc__)
    ap.add_argument("--reads", type=int, default=2000, help="poll reads to time (default 2000)")
    add_url_option(ap)
    args = ap.parse_args(argv)
    from bot.runner import run_loop

    return run_loop(_main(args))


if __name__ == "__main__":
    child_main(run)
