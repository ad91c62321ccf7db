"""Cohort posts: claimed once per slot, then sent, then closed."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from bot.domain.records import Post
from bot.domain.shards import Shards
from bot.domain.streaks import MANUAL
from bot.domain.timestamps import iso

from .database import Database
from .shards import served_by

_COLUMNS = (
    "id, guild_id, kind, slot, item_id, channel_id, message_id, status, attempts, retry_at, posted_at, "
    "closes_at, shuffled"
)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def row_to_post(row) -> Post:
    return Post(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        _dt(row[9]),
        _dt(row[10]),
        _dt(row[11]),
        bool(row[12]),
    )


def get_post(c: sqlite3.Connection, post_id: int) -> Post | None:
    row = c.execute(f"SELECT {_COLUMNS} FROM posts WHERE id = ?", (post_id,)).fetchone()
    return row_to_post(row) if row else None


# How long a process that has taken a post to send keeps it to itself: another process
# (holding the same shards during a redeploy) skips the post meanwhile, and takes it over
# only if the first one died before recording the send. Long beside a send (the lease is
# renewed just before it), short beside a post's day; the processes' clocks must agree
# to well within it (NTP keeps them to milliseconds).
SEND_LEASE = timedelta(minutes=10)


class PostRepo:
    def __init__(self, db: Database, shards: Shards | None = None) -> None:
        self.db = db
        self._served = served_by(shards or Shards())  # pending, due_to_close, next_event: this process's servers

    async def get(self, post_id: int) -> Post | None:
        if not 0 < post_id < 2**63:  # a tampered custom_id may carry any number; SQLite's are 64-bit
            return None
        return await self.db.read(lambda c: get_post(c, post_id))

    async def find(self, guild_id: int, kind: str, slot: str) -> Post | None:
        def q(c):
            row = c.execute(
                f"SELECT {_COLUMNS} FROM posts WHERE guild_id = ? AND kind = ? AND slot = ?", (guild_id, kind, slot)
            ).fetchone()
            return row_to_post(row) if row else None

        return await self.db.read(q)

    async def claim(
        self,
        guild_id: int,
        kind: str,
        slot: str,
        item_id: str,
        channel_id: int,
        now: datetime,
        closes_at: datetime | None = None,
    ) -> Post | None:
        """Reserve the slot, and its first send for the caller (attempt 1, held for
        ``SEND_LEASE``); None if it was already claimed: then the caller must not post it,
        so it is never posted twice. Another process takes the send over only if the
        caller has not recorded it sent or failed within the lease."""

        def w(c):
            cur = c.execute(
                "INSERT OR IGNORE INTO posts (guild_id, kind, slot, item_id, channel_id, created_at, closes_at, "
                "shuffled, attempts, retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?) RETURNING id",
                (
                    guild_id,
                    kind,
                    slot,
                    item_id,
                    channel_id,
                    iso(now),
                    iso(closes_at) if closes_at else None,
                    iso(now + SEND_LEASE),
                ),
            )
            claimed = cur.fetchone()
            return get_post(c, claimed[0]) if claimed else None

        return await self.db.write(w)

    async def next_manual_slot(self, guild_id: int, kind: str) -> str:
        count = await self.db.read(
            lambda c: c.execute(
                "SELECT COUNT(*) FROM posts WHERE guild_id = ? AND kind = ? AND slot LIKE 'manual:%'", (guild_id, kind)
            ).fetchone()[0]
        )
        return f"{MANUAL}{count + 1}"

    async def start_attempt(self, post_id: int, now: datetime) -> int | None:
        """Take the post to send it: count the attempt and hold it for ``SEND_LEASE``.
        Returns the attempt number, or None when the post is not this process's to send
        (another process holds it, or it was sent or given up meanwhile)."""

        def w(c):
            row = c.execute(
                "UPDATE posts SET attempts = attempts + 1, retry_at = ? "
                "WHERE id = ? AND status = 'pending' AND (retry_at IS NULL OR retry_at <= ?) RETURNING attempts",
                (iso(now + SEND_LEASE), post_id, iso(now)),
            ).fetchone()
            return row[0] if row else None

        return await self.db.write(w)

    async def hold(self, post_id: int, attempt: int, now: datetime) -> bool:
        """Renew the lease on ``attempt`` from ``now``, just before sending; False if the
        attempt is no longer this process's (another took the post over, or it is done)."""
        return await self._if_attempt(
            "UPDATE posts SET retry_at = ? WHERE id = ?", (iso(now + SEND_LEASE), post_id), attempt
        )

    async def mark_sent(
        self,
        post_id: int,
        message_id: int,
        now: datetime,
        closes_at: datetime | None = None,
        *,
        attempt: int | None = None,
    ) -> bool:
        """Record the post sent. With ``attempt``, only while that attempt is still the
        post's (a process that was overtaken records nothing); False if it was not."""
        return await self._if_attempt(
            "UPDATE posts SET status = 'open', message_id = ?, posted_at = ?, "
            "closes_at = COALESCE(?, closes_at), retry_at = NULL WHERE id = ?",
            (message_id, iso(now), iso(closes_at) if closes_at else None, post_id),
            attempt,
        )

    async def mark_retry(self, post_id: int, retry_at: datetime | None, *, attempt: int | None = None) -> bool:
        """Try again at ``retry_at``; None gives up on the post. With ``attempt``, only while
        that attempt is still the post's; False if it was not."""
        status = "pending" if retry_at else "failed"
        return await self._if_attempt(
            "UPDATE posts SET status = ?, retry_at = ? WHERE id = ?",
            (status, iso(retry_at) if retry_at else None, post_id),
            attempt,
        )

    async def _if_attempt(self, update: str, args: tuple, attempt: int | None) -> bool:
        """``update`` (ending ``WHERE id = ?``), fenced by the attempt number when given:
        the row changes only while it is pending on that attempt."""
        if attempt is not None:
            update, args = update + " AND status = 'pending' AND attempts = ?", (*args, attempt)
        return await self.db.write(lambda c: c.execute(update, args).rowcount == 1)

    async def pending(self, now: datetime) -> list[Post]:
        return await self._where(
            f"status = 'pending' AND (retry_at IS NULL OR retry_at <= ?) AND {self._served}", iso(now)
        )

    async def open_posts(self, guild_id: int, kind: str) -> list[Post]:
        return await self._where("guild_id = ? AND kind = ? AND status = 'open'", guild_id, kind)

    async def due_to_close(self, now: datetime) -> list[Post]:
        return await self._where(
            f"status = 'open' AND closes_at IS NOT NULL AND closes_at <= ? AND {self._served}", iso(now)
        )

    async def _where(self, condition: str, *args: object) -> list[Post]:
        """The posts meeting ``condition``, oldest first."""
        query = f"SELECT {_COLUMNS} FROM posts WHERE {condition} ORDER BY id"
        return await self.db.read(lambda c: [row_to_post(r) for r in c.execute(query, args)])

    async def next_event(self) -> datetime | None:
        """The earliest retry of a pending post or close of an open one, on this process's servers."""

        def q(c):
            row = c.execute(
                f"SELECT MIN(t) FROM (SELECT MIN(retry_at) AS t FROM posts WHERE status = 'pending' AND {self._served} "
                f"UNION ALL SELECT MIN(closes_at) FROM posts WHERE status = 'open' AND {self._served}) AS due"
            ).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self.db.read(q)

    async def close(self, post_id: int, now: datetime) -> bool:
        """Mark the post closed; False if it was closed already."""
        return await self.db.write(
            lambda c: (
                c.execute(
                    "UPDATE posts SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
                    (iso(now), post_id),
                ).rowcount
                == 1
            )
        )

    async def ids_of_kind(self, guild_id: int, kind: str) -> list[int]:
        return await self.db.read(
            lambda c: [
                r[0]
                for r in c.execute("SELECT id FROM posts WHERE guild_id = ? AND kind = ? ORDER BY id", (guild_id, kind))
            ]
        )

    async def item_history(self, guild_id: int, kind: str) -> list[str]:
        """The items posted in the server, oldest first."""
        return await self.db.read(
            lambda c: [
                r[0]
                for r in c.execute(
                    "SELECT item_id FROM posts WHERE guild_id = ? AND kind = ? ORDER BY id", (guild_id, kind)
                )
            ]
        )
