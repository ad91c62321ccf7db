"""The SQLite connections, the migrations, and the single writer.

Every read and write is a plain function over a ``sqlite3.Connection`` that runs in a
database thread in one hand-off (``Worker``: a thread of this module's own with one
connection, opened and closed in that thread). Reads have a thread and connection of
their own (the write-ahead log lets them run while the writer writes), so a slow read (a
pack's board on a big server, a report) never holds up anyone's answer, and each read
sees one committed state from start to end. Writes go through a queue: whatever has
queued up while the previous batch was committing is written in one transaction
(group commit), each job inside its own SAVEPOINT so one failing job rolls back only
itself. A caller's ``await write(...)`` returns only after the COMMIT, so nothing is
acknowledged to a learner before it is committed, and no two jobs' statements ever
interleave inside one job.

A hot path can go further with ``write_many(batch, item)``: consecutive queued items for
the same ``batch`` function are handed to it together, so it can write all of them with
a few statements per table (``insert_rows``: a hundred rows to a statement). It returns
one result per item (an item's result may be an exception, which is raised to that
item's caller). If the call fails, or returns the wrong number of results, its writes
are rolled back and each item is retried alone in its own SAVEPOINT (logged: slow for a
burst), so one bad item still fails only itself.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import re
import sqlite3
import threading
import traceback
from collections.abc import Awaitable, Callable, Iterator, Sequence, Sized
from functools import cache, partial
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar, cast

from bot.domain.errors import StorageUnavailable, StoreError, StoreUnreachable

from .postgres import PgConnection, is_url

log = logging.getLogger(__name__)
T = TypeVar("T")
Item = TypeVar("Item")
# Writes many items in the caller's transaction; returns one result per item, in order.
Batch = Callable[[sqlite3.Connection, list[Item]], list[T]]

CACHE_KIB = 64 * 1024  # SQLite's page cache (the default is 2 MiB)
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "db" / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


IN_CHUNK = 500  # ids per "IN (...)" list, well inside SQLite's limit on variables


def chunks(ids: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``ids`` in slices short enough for one ``IN (...)`` list each."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def marks(ids: Sized) -> str:
    """The ``?, ?, ...`` placeholders for an ``IN (...)`` list of ``ids``."""
    return ",".join("?" * len(ids))


ROWS_PER_STATEMENT = 100  # at most 9 columns: 900 variables, under even old SQLite's limit (999)
_PLAIN_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\([?,\s]*\)\s*$", re.IGNORECASE)
_ONE_ROW = re.compile(r"\bVALUES\s*(\(\s*\?(?:\s*,\s*\?)*\s*\))", re.IGNORECASE)


def insert_rows(c: sqlite3.Connection, statement: str, rows: Sequence[Sequence[Any]], per: int | None = None) -> None:
    """``c.executemany(statement, rows)`` for an ``INSERT ... VALUES (?, ...) [ON CONFLICT
    ...]`` statement, with ``per`` (``ROWS_PER_STATEMENT``) rows to each execution
    (``VALUES (...), (...), ...``). SQLite still takes the rows one after another, in order
    (a row sees the rows before it, as an upsert must), but the statement is run, reset and
    rebound once per hundred rows instead of once per row: a burst's 3,000 score totals
    take 5.1 ms instead of 7.3. The statement and every row's width are checked however
    few the rows, as executemany checks them."""
    if isinstance(c, PgConnection) and rows:
        plain = _PLAIN_INSERT.match(statement)
        if plain:  # a plain INSERT on PostgreSQL: binary COPY (burst: 9,500 -> 15,500 answers/s)
            columns = [x.strip() for x in plain.group(2).split(",")]
            if set(map(len, rows)) - {len(columns)}:
                raise sqlite3.ProgrammingError(f"every row must have {len(columns)} values for: {statement[:60]}")
            c.copy_rows(plain.group(1), columns, rows)
            return
    per = per or ROWS_PER_STATEMENT
    many, width = _many_rows(statement, per)
    if set(map(len, rows)) - {width}:
        raise sqlite3.ProgrammingError(f"every row must have {width} values for: {statement[:60]}")
    whole = len(rows) - len(rows) % per
    for i in range(0, whole, per):
        c.execute(many, list(chain.from_iterable(rows[i : i + per])))
    if whole < len(rows):
        c.executemany(statement, rows[whole:])  # the rest one by one: one statement text, always cached


@cache
def _many_rows(statement: str, per: int) -> tuple[str, int]:
    """The statement with ``per`` rows of placeholders, and how many values make a row."""
    found = _ONE_ROW.search(statement)
    if found is None:
        raise ValueError(f"not an INSERT ... VALUES (?, ...) statement: {statement[:80]}")
    row = found.group(1)
    return statement[: found.start(1)] + ", ".join([row] * per) + statement[found.end(1) :], row.count("?")


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


def _to_apply(current: int, folder: Path) -> list[tuple[int, Path]]:
    """The migrations after schema version ``current``; a database newer than the code is refused."""
    known = migrations(folder)
    if current > len(known):
        raise StoreError(
            f"the database is at schema version {current}, newer than this code knows "
            f"({len(known)}); run a newer release of the bot or restore a backup"
        )
    return known[current:]


def _migrate(conn: sqlite3.Connection, folder: Path) -> int:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, path in _to_apply(current, folder):
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
    return len(migrations(folder))


def _migrate_postgres(conn: sqlite3.Connection, folder: Path) -> int:
    """PostgreSQL's migrations (``db/migrations/postgres``), each in a transaction, the
    version kept in ``schema_version``."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = row[0] or 0 if row else 0
    for number, path in _to_apply(current, folder):
        try:
            conn.execute("BEGIN")
            for statement in _statements(path.read_text(encoding="utf-8")):
                conn.execute(statement)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"migration postgres/{path.name} failed: {exc}") from exc
        log.info("applied migration postgres/%s", path.name)
    return len(migrations(folder))


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


class Worker:
    """One thread and the one SQLite connection used in it: ``run(fn, *args)`` calls
    ``fn(conn, *args)`` in that thread, one function at a time in the order they were
    handed over, and awaits its result. Handing over a whole function costs one thread hop
    instead of one per statement; the result comes back with one ``call_soon_threadsafe``
    (an executor's future would cost three times as much when many reads queue at once)."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    @classmethod
    async def connect(cls, path: Path | str, name: str) -> Worker:
        """Start a thread named ``name`` and open ``path`` in it (autocommit: the callers
        write their own BEGIN and COMMIT): a SQLite file, or a ``postgresql://`` URL
        (``postgres.PgConnection``). sqlite3's errors are raised as they are."""
        worker = cls(name)
        worker._thread.start()
        try:
            await worker._hand_over(worker._open, path)
        except BaseException:
            worker._jobs.put(None)
            raise
        return worker

    def _open(self, _: None, path: Path | str) -> None:
        # used in this thread only; a PgConnection answers the same calls as sqlite3's
        self._conn = (
            cast(sqlite3.Connection, PgConnection.open(str(path)))
            if is_url(path)
            else sqlite3.connect(path, isolation_level=None)
        )

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            fn, args, loop, fut = job
            try:
                outcome: tuple[Any, BaseException | None] = (fn(self._conn, *args), None)
            except BaseException as exc:  # noqa: BLE001 - raised to the awaiting caller
                outcome = (None, exc)
            try:
                loop.call_soon_threadsafe(_settle, fut, *outcome)
            except RuntimeError:  # the loop has closed: nobody is waiting any more
                pass
            del job, fut, outcome  # an idle thread holds no result (a big export) until its next job
        _close(self._conn)  # also after a loop that closed before close() ran

    def _hand_over(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        self._jobs.put((fn, args, loop, fut))
        return fut

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._closed or not self._thread.is_alive():
            raise StorageUnavailable("the database is closed")
        return await self._hand_over(fn, *args)

    async def close(self) -> None:
        """Close the connection in its thread, after whatever was handed over before, then
        end the thread. Later ``run`` calls are refused; closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)  # after whatever was handed over before; the thread then closes the connection
        await asyncio.to_thread(self._thread.join)


# A job for a Worker: the function, its arguments after the connection, and where its result goes.
_Job = tuple[Callable[..., Any], tuple[Any, ...], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


def _close(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        conn.close()


def _settle(fut: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if fut.cancelled():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


async def _connect(path: Path | str, name: str) -> Worker:
    try:
        return await Worker.connect(path, name)
    except sqlite3.Error as exc:
        where = _without_password(path) if is_url(path) else path
        raise StoreUnreachable(f"cannot open the database {where}: {exc}") from exc


def _without_password(url: Path | str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", str(url))


def _checkpoint_log(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


class Database:
    """The store's connections: a SQLite file (the default), or a PostgreSQL server when
    opened with a ``postgresql://`` URL. The same queue, group commit and savepoints run
    on both; SQLite also checkpoints its write-ahead log on a connection of its own."""

    def __init__(self, conn: Worker, path: Path | str) -> None:
        self._conn = conn  # the writer's: every write, in queue order
        self._reader: Worker | None = None
        self.path = path
        self._queue: list[tuple[Batch | None, Any, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self._closed = False
        # Checkpoints (copying the write-ahead log into the database file, with an fsync)
        # run on a connection of their own, in its own thread, once the writer has drained,
        # instead of inside whichever commit crossed SQLite's threshold: a burst's commit
        # then only appends to the log.
        self._checkpointer: Worker | None = None
        self._checkpointing: asyncio.Task | None = None
        self._checkpoint_wanted = False

    @classmethod
    async def open(cls, path: Path | str, migrations_dir: Path = MIGRATIONS_DIR) -> Database:
        if is_url(path):
            return await cls._open_postgres(str(path), migrations_dir / "postgres")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = cls(await _connect(path, "db-writer"), path)
        try:
            await db._run(_configure)
            await db._run(lambda c: _migrate(c, migrations_dir))
            db._reader = await _connect(path, "db-reader")
            await db._reader.run(_configure)
            db._checkpointer = await _connect(path, "db-checkpoint")
            await db._run(lambda c: c.execute("PRAGMA wal_autocheckpoint=0"))
        except Exception:
            await db.close()
            raise
        return db

    @classmethod
    async def _open_postgres(cls, url: str, migrations_dir: Path) -> Database:
        db = cls(await _connect(url, "db-writer"), url)
        try:
            await db._run(lambda c: _migrate_postgres(c, migrations_dir))
            db._reader = await _connect(url, "db-reader")
        except Exception:
            await db.close()
            raise
        return db

    @property
    def is_postgres(self) -> bool:
        return is_url(self.path)

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the writer's connection, in the writer's thread."""
        return await self._conn.run(fn)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the reading connection, in one read transaction: every query in it
        sees the same committed state, including every write already acknowledged."""
        if self._reader is None:
            raise StorageUnavailable("the database is closed")
        return await self._reader.run(_in_snapshot, fn)

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> Awaitable[T]:
        """Run ``fn`` in a transaction; await it for ``fn``'s result once it has committed.
        Writes are queued in the order they are called."""
        return self._enqueue(None, fn)

    def write_many(self, batch: Batch[Item, T], item: Item) -> Awaitable[T]:
        """Write ``item`` together with the other items queued for ``batch``; await it for
        the item's result once the transaction has committed (an exception the batch
        returned for the item is raised instead). A plain future, not a coroutine: a burst
        awaits a thousand of them."""
        return self._enqueue(batch, item)

    def _enqueue(self, batch: Batch | None, payload: Any) -> asyncio.Future:
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        if self._closed:
            fut.set_exception(StorageUnavailable("the database is closed"))
            return fut
        self._queue.append((batch, payload, fut))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="db-writer")
        return fut

    async def _drain(self) -> None:
        try:
            await self._write_queued()
        finally:
            if not self._closed:
                self._checkpoint_soon()

    def _checkpoint_soon(self) -> None:
        if self._checkpointer is None:
            return
        self._checkpoint_wanted = True  # a checkpoint already running goes round again
        if self._checkpointing is None or self._checkpointing.done():
            self._checkpointing = asyncio.create_task(self._checkpoint(), name="db-checkpoint")

    async def _checkpoint(self) -> None:
        checkpointer = self._checkpointer
        while checkpointer is not None and self._checkpoint_wanted:
            self._checkpoint_wanted = False
            try:
                await checkpointer.run(_checkpoint_log)
            except sqlite3.Error as exc:  # the log keeps everything; the next drain tries again
                log.warning("could not checkpoint the write-ahead log: %s", exc)
                return

    async def _write_queued(self) -> None:
        while self._queue:
            queued, self._queue = self._queue, []
            jobs = [(batch, payload) for batch, payload, _ in queued]
            try:
                outcomes = await self._run(partial(_commit_batch, jobs=jobs))
            except sqlite3.Error as exc:
                log.error("a write batch of %d job(s) failed: %s", len(queued), exc)
                outcomes = [(False, StorageUnavailable(str(exc)))] * len(queued)
            except BaseException as exc:  # cancelled or the connection is gone
                for *_, fut in queued:
                    if not fut.done():
                        fut.set_exception(StorageUnavailable(str(exc) or type(exc).__name__))
                raise
            for (*_, fut), (ok, value) in zip(queued, outcomes):
                if fut.done():
                    continue
                if ok and not isinstance(value, BaseException):
                    fut.set_result(value)
                else:
                    fut.set_exception(value)

    async def settle(self) -> None:
        """Wait until every queued write has committed and the log has been checkpointed."""
        while True:
            busy = [t for t in (self._writer, self._checkpointing) if t is not None and not t.done()]
            if not busy:
                return
            await asyncio.gather(*busy, return_exceptions=True)

    async def close(self) -> None:
        self._closed = True
        await self.settle()
        reader, self._reader = self._reader, None  # reads from now on are refused plainly
        for other in (self._checkpointer, reader):
            if other is not None:
                await other.close()
        await self._conn.close()


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        log.warning("SQLite refused WAL mode (got %s); writes will be slower", mode)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    # Keep the hot pages in memory: a burst touches every learner's rows in several indexes.
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    conn.execute("PRAGMA temp_store=MEMORY")


def _in_snapshot(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    # SQLite: deferred, the snapshot starts at the first read; PostgreSQL: one snapshot
    # for the whole transaction too (repeatable read), not one per statement.
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if isinstance(conn, PgConnection) else "BEGIN")
    try:
        return fn(conn)
    except BaseException as exc:
        # A cursor the failed read left open (its traceback's frames hold it) would keep
        # this snapshot alive past the COMMIT: later reads would not see new writes, and
        # the log could not be checkpointed. Let those frames go first.
        traceback.clear_frames(exc.__traceback__)
        raise
    finally:
        conn.execute("COMMIT")


def _groups(jobs: list[tuple[Batch | None, Any]]) -> list[tuple[Batch | None, list[Any]]]:
    """Consecutive items for the same batch function go together; plain jobs go alone."""
    groups: list[tuple[Batch | None, list[Any]]] = []
    for batch, payload in jobs:
        if batch is not None and groups and groups[-1][0] is batch:
            groups[-1][1].append(payload)
        else:
            groups.append((batch, [payload]))
    return groups


def _in_savepoint(conn: sqlite3.Connection, fn: Callable[[], list[T]]) -> tuple[bool, list[T] | Exception]:
    conn.execute("SAVEPOINT job")
    try:
        result = fn()
        conn.execute("RELEASE job")
        return True, result
    except sqlite3.OperationalError:
        raise  # disk full, read-only, I/O: the whole batch is lost
    except Exception as exc:  # noqa: BLE001 - this job's own failure: undo it alone
        conn.execute("ROLLBACK TO job")
        conn.execute("RELEASE job")
        return False, exc


def _run_group(conn: sqlite3.Connection, batch: Batch | None, items: list[Any]) -> list[tuple[bool, Any]]:
    if batch is None:
        ok, value = _in_savepoint(conn, lambda: items[0](conn))
        return [(ok, value)]
    ok, values = _in_savepoint(conn, lambda: _checked(batch(conn, items), len(items)))
    if ok:
        return [(True, v) for v in cast(list[Any], values)]  # ok: the batch's results
    if len(items) == 1:
        return [(False, values)]
    # Something in the group failed (and was rolled back): retry each item alone so only
    # the bad one fails. Slow for a burst, so say so.
    log.warning("a batch of %d items failed (%s: %s); writing each alone", len(items), type(values).__name__, values)
    return [_run_group(conn, batch, [item])[0] for item in items]


def _checked(results: list[T], expected: int) -> list[T]:
    """A batch owes one result per item; otherwise its writes are undone like a failure's."""
    if len(results) != expected:
        raise RuntimeError(f"a batch returned {len(results)} results for {expected} items")
    return results


def _commit_batch(conn: sqlite3.Connection, jobs: list[tuple[Batch | None, Any]]) -> list[tuple[bool, Any]]:
    """Run every job in one transaction, each job (or group of batched items) in its own
    savepoint."""
    outcomes: list[tuple[bool, Any]] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for batch, items in _groups(jobs):
            outcomes.extend(_run_group(conn, batch, items))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes
