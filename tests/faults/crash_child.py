"""The child process of the crash test: records answers in bursts through the service
the daily-question button calls, and prints ``ACK <user id>`` for every answer only
after its ``await`` returned (that is, after its transaction committed). It runs until
it is killed.

Usage: python -m tests.faults.crash_child DB_PATH_OR_POSTGRESQL_URL CONTENT_DIR
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

GUILD, CHANNEL = 77, 88
NOW = datetime(2026, 1, 5, 9, 0, 30, tzinfo=UTC)
WAVE = 40  # answers in flight at once


async def main(db_path: str, content_dir: str) -> None:
    from bot.packs.library import ContentLibrary
    from bot.packs.schema import SingleQuestion
    from bot.store.database import Database
    from bot.store.postgres import is_url
    from tests.inside import open_services

    db = await Database.open(db_path if is_url(db_path) else Path(db_path))
    svc, inside = await open_services(db, ContentLibrary.from_folder(Path(content_dir)))
    await inside.guilds.set_timezone(GUILD, "Europe/London")
    q = next(q for lp in inside.library.packs(GUILD) for q in lp.pack.questions if isinstance(q, SingleQuestion))
    post = await inside.posts.claim(GUILD, "daily", "2026-01-05", q.id, CHANNEL, NOW)
    await inside.posts.mark_sent(post.id, 1, NOW)
    out = os.fdopen(sys.stdout.fileno(), "w", buffering=1)  # line-buffered: one write per ACK line
    out.write(f"READY {post.id}\n")

    async def answer(user_id: int) -> None:
        fb = await svc.answering.answer_post(GUILD, user_id, post.id, q.answer if user_id % 2 else 0, NOW)
        if fb.already_answered or fb.closed:
            raise SystemExit(f"unexpected feedback for {user_id}")
        out.write(f"ACK {user_id}\n")  # acknowledged: its transaction has committed

    user = 1
    while True:
        await asyncio.gather(*(answer(user + i) for i in range(WAVE)))
        user += WAVE


if __name__ == "__main__":
    from bot.runner import run_loop

    run_loop(main(sys.argv[1], sys.argv[2]))  # on the bot's own event loop
