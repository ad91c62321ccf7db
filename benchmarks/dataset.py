"""A large server's database, generated inside SQLite (recursive CTEs), fast enough for 2 cores.

``score_totals`` is generated directly (every learner has an all-time, a this-week and
a this-month total, with many ties; ``score_counts`` is filled from them), as are the
``points`` ledger rows (``per_learner`` awards each, spread over the days before ``now``,
taking turns among the given packs), one daily answer and one revision
card per learner. Totals are not the sums of the generated ledger: the leaderboard reads
the totals, and the ledger's size is what matters for the queries that touch it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

GUILD = 4242
FIRST_USER = 1_000_000


def create_schema(path: Path) -> None:
    from bot.store.database import Database

    async def make():
        db = await Database.open(path)
        await db.close()

    asyncio.run(make())


def generate(
    path: Path,
    learners: int,
    ledger_rows: int,
    now: datetime,
    tz: str = "Europe/London",
    answers: bool = True,
    packs: Sequence[str] = ("bench",),
) -> dict[str, float]:
    """Fill a migrated database; returns seconds per step and the row counts. The ledger's
    awards take turns among ``packs``."""
    from bot.domain import points as pts

    create_schema(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # a generator, not the bot: speed over durability
    conn.execute("PRAGMA cache_size=-262144")
    out: dict[str, float] = {}
    g, base, n = GUILD, FIRST_USER, learners
    seq = "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ?) "

    t = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO guild_settings (guild_id, timezone) VALUES (?, ?)", (g, tz))
    for period, spread in (("all", 3000), (pts.week_key(now, tz), 50), (pts.month_key(now, tz), 200)):
        conn.execute(
            seq + "INSERT INTO score_totals (guild_id, period, user_id, points) "
            "SELECT ?, ?, ? + i, 1 + abs(random()) % ? FROM s",
            (n - 1, g, period, base, spread),
        )
    conn.execute(
        "INSERT INTO score_counts (guild_id, period, points, learners) "  # as the bot keeps them
        "SELECT guild_id, period, points, COUNT(*) FROM score_totals GROUP BY guild_id, period, points"
    )
    conn.execute("COMMIT")
    out["score_totals_s"] = time.perf_counter() - t

    t = time.perf_counter()
    per = max(1, ledger_rows // n)
    start = int((now - timedelta(days=per)).timestamp())
    chunk = 2_000_000
    conn.execute("BEGIN")
    for lo in range(0, ledger_rows, chunk):  # user-major order: the indexes grow at their ends
        rows = min(chunk, ledger_rows - lo)
        conn.execute(
            seq + "INSERT INTO points (guild_id, user_id, source, ref, points, reason, created_at, pack_id) "
            "SELECT ?, ? + (? + i) / ?, 'daily', 'post:' || ((? + i) % ?), "
            "CASE WHEN (? + i) % 3 THEN 10 ELSE 2 END, 'daily question: right', "
            "strftime('%Y-%m-%dT%H:%M:%S+00:00', ? + ((? + i) % ?) * 86400, 'unixepoch'), "
            "json_extract(?, '$[' || (((? + i) % ? + (? + i) / ?) % ?) || ']') FROM s",  # by day and learner
            (
                rows - 1,
                g,
                base,
                lo,
                per,
                lo,
                per,
                lo,
                start,
                lo,
                per,
                json.dumps(list(packs)),
                lo,
                per,
                lo,
                per,
                len(packs),
            ),
        )
    conn.execute("COMMIT")
    out["points_s"] = time.perf_counter() - t

    if answers:
        t = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO posts (id, guild_id, kind, slot, item_id, channel_id, status, created_at) "
            "VALUES (1, ?, 'daily', '2026-01-01', 'bench-q', 1, 'closed', ?)",
            (g, now.isoformat()),
        )
        conn.execute(
            seq + "INSERT INTO answers (guild_id, user_id, question_id, pack_id, source, post_id, choice, "
            "correct, answered_at) SELECT ?, ? + i, 'bench-q', 'bench', 'daily', 1, '1', i % 2, ? FROM s",
            (n - 1, g, base, now.isoformat()),
        )
        conn.execute(
            seq + "INSERT INTO cards (guild_id, user_id, question_id, card, due) "
            "SELECT ?, ? + i, 'bench-q', '{}', ? FROM s",
            (n - 1, g, base, now.isoformat()),
        )
        conn.execute("COMMIT")
        out["answers_cards_s"] = time.perf_counter() - t
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {
        t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("score_totals", "points", "answers", "cards")
    }
    conn.close()
    out = {k: round(v, 2) for k, v in out.items()}
    out["rows"] = counts
    out["db_mb"] = round(path.stat().st_size / 2**20, 1)
    return out
