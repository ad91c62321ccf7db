"""The one SQLite connection, its migrations, and the single writer.

Every read and write is a plain function over a ``sqlite3.Connection`` that runs in
aiosqlite's worker thread in one hand-off. Writes go through a queue: whatever has
queued up while the previous batch was committing is written in one transaction
(group commit), each job inside its own SAVEPOINT so one failing job rolls back only
itself. A caller's ``await write(...)`` returns only after the COMMIT, so nothing is
acknowledged to a learner before it is on disk, and no two jobs' statements ever
interleave inside one job.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "db" / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StoreError(Exception):
    """The database cannot be used as it is (shown to the operator, not a traceback)."""


class StorageUnavailable(Exception):
    """A write could not be saved (disk full, read-only, locked): nothing was kept."""


def migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise StoreError(f"migrations must be numbered 1, 2, 3, ... without gaps; found {numbers}")
    return found


def _migrate(conn: sqlite3.Connection, folder: Path) -> int:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    known = migrations(folder)
    if current > len(known):
        raise StoreError(
            f"the database is at schema version {current}, newer than this code knows "
            f"({len(known)}); run a newer release of the bot or restore a backup"
        )
    for number, path in known[current:]:
        script = path.read_text(encoding="utf-8")
        try:
            conn.execute("BEGIN")
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"migration {path.name} failed: {exc}") from exc
        log.info("applied migration %s", path.name)
    return len(known)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement finds the ends)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip() and not buf.strip().startswith("--"):
        out.append(buf.strip())
    return out


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._queue: list[tuple[Job, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self._closed = False

    @classmethod
    async def open(cls, path: Path, migrations_dir: Path = MIGRATIONS_DIR) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc
        db = cls(conn, path)
        try:
            await db._run(_configure)
            await db._run(lambda c: _migrate(c, migrations_dir))
        except Exception:
            await conn.close()
            raise
        return db

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        # aiosqlite runs one function at a time in its worker thread; handing it a whole
        # function costs one thread hop instead of one per statement.
        return await self._conn._execute(fn, self._conn._conn)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await self._run(fn)

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in a transaction; return its result once it has committed."""
        if self._closed:
            raise StorageUnavailable("the database is closed")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.append((fn, fut))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="db-writer")
        return await fut

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                outcomes = await self._run(lambda c: _commit_batch(c, [fn for fn, _ in batch]))
            except sqlite3.Error as exc:
                log.error("a write batch of %d job(s) failed: %s", len(batch), exc)
                outcomes = [(False, StorageUnavailable(str(exc)))] * len(batch)
            except BaseException as exc:  # cancelled or the connection is gone
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(StorageUnavailable(str(exc) or type(exc).__name__))
                raise
            for (_, fut), (ok, value) in zip(batch, outcomes):
                if fut.done():
                    continue
                if ok:
                    fut.set_result(value)
                else:
                    fut.set_exception(value)

    async def close(self) -> None:
        self._closed = True
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)
        await self._conn.close()


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        log.warning("SQLite refused WAL mode (got %s); writes will be slower", mode)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")


def _commit_batch(conn: sqlite3.Connection, jobs: list[Job]) -> list[tuple[bool, Any]]:
    """Run every job in one transaction, each in its own savepoint."""
    outcomes: list[tuple[bool, Any]] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for job in jobs:
            conn.execute("SAVEPOINT job")
            try:
                outcomes.append((True, job(conn)))
                conn.execute("RELEASE job")
            except sqlite3.OperationalError:
                raise  # disk full, read-only, I/O: the whole batch is lost
            except Exception as exc:  # this job's own failure: undo it alone
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                outcomes.append((False, exc))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes
