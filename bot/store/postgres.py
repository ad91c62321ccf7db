"""PostgreSQL behind the same connection the SQLite store uses.

The repositories are plain functions over a DB-API connection (``c.execute(sql, params)``,
``fetchone``/``fetchall``, iteration, ``rowcount``, ``executemany``), run in a database
thread by ``database.Worker``. ``PgConnection`` is that connection for PostgreSQL: it owns
an asyncpg connection and a private event loop in the worker's thread, and runs each
statement on it. The SQL is written once, in SQLite's dialect; ``to_postgres`` rewrites
what differs (the ``?`` placeholders, ``INSERT OR IGNORE``, ``BEGIN IMMEDIATE``), and
asyncpg's errors are raised as the ``sqlite3`` error classes the store already handles:
a lost connection, a full disk or a read-only server as ``OperationalError`` (the whole
batch is lost, the learner is told "not saved"), a broken constraint as
``IntegrityError``. Every difference between the two databases is in this module and in
``db/migrations/postgres/``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import asyncpg

SCHEME = re.compile(r"^postgres(ql)?://")
_QUERY = re.compile(r"^\s*(SELECT|WITH|VALUES)\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
# SQLite's "a CROSS JOIN b ON ..." (an inner join whose order the planner keeps) is a
# plain inner join to PostgreSQL, which allows no ON after CROSS JOIN.
_CROSS_JOIN_ON = re.compile(r"\bCROSS JOIN (\w+(?: \w+)?) ON\b", re.IGNORECASE)

# Errors that mean the server, not this statement, failed: the whole batch is lost.
_OPERATIONAL = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InsufficientResourcesError,  # disk full, out of memory, too many connections
    asyncpg.ReadOnlySQLTransactionError,
    asyncpg.OperatorInterventionError,  # the server shutting down, admin_shutdown
    asyncpg.ObjectNotInPrerequisiteStateError,
    ConnectionError,
    OSError,
)


# Errors after which this connection is of no more use.
_CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.AdminShutdownError,
    asyncpg.CannotConnectNowError,
    ConnectionError,
    OSError,
)


def is_url(target: object) -> bool:
    return isinstance(target, str) and SCHEME.match(target) is not None


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """``sql`` in PostgreSQL's dialect: ``?`` -> ``$1, $2, ...`` (outside quotes),
    ``INSERT OR IGNORE`` -> ``INSERT ... ON CONFLICT DO NOTHING``, ``CROSS JOIN t ON`` ->
    ``JOIN t ON``, ``BEGIN IMMEDIATE`` -> ``BEGIN`` (there is one writing connection)."""
    stripped = sql.strip()
    if stripped.upper() == "BEGIN IMMEDIATE":
        return "BEGIN"
    out: list[str] = []
    n = 0
    quote: str | None = None
    for ch in sql:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    text = _CROSS_JOIN_ON.sub(r"JOIN \1 ON", "".join(out))
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub("INSERT INTO", text, count=1)
        returning = _RETURNING.search(text)
        if returning:
            text = f"{text[: returning.start()]}ON CONFLICT DO NOTHING {text[returning.start() :]}"
        else:
            text = f"{text.rstrip()} ON CONFLICT DO NOTHING"
    return text


def _value(v: Any) -> Any:
    """A parameter as the schema stores it: booleans are 0/1 integers, as in SQLite."""
    return int(v) if isinstance(v, bool) else v


def _args(params: Sequence[Any] | None) -> list[Any]:
    return [_value(v) for v in params or ()]


def _as_sqlite_error(exc: BaseException) -> sqlite3.Error:
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, _OPERATIONAL):
        return sqlite3.OperationalError(f"{type(exc).__name__}: {exc}")
    return sqlite3.DatabaseError(f"{type(exc).__name__}: {exc}")


class PgCursor:
    """What ``execute`` returns: the rows a query gave, and how many rows a write changed."""

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> asyncpg.Record | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[asyncpg.Record]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[asyncpg.Record]:
        while (row := self.fetchone()) is not None:
            yield row


class PgConnection:
    """An asyncpg connection used synchronously from one thread, on a loop of its own.

    When the server goes away (a restart, a failover), the statement running fails as
    ``OperationalError`` and so does the rest of its transaction; the next transaction
    (its ``BEGIN``) connects again, so the bot carries on by itself once the server is back."""

    def __init__(self, loop: asyncio.AbstractEventLoop, url: str) -> None:
        self._loop = loop
        self._url = url
        self._conn: asyncpg.Connection | None = None

    @classmethod
    def open(cls, url: str) -> PgConnection:
        """Connect (in the calling thread, which keeps the connection); errors as sqlite3's."""
        pg = cls(asyncio.new_event_loop(), url)
        try:
            pg._connect()
        except BaseException:
            pg._loop.close()
            raise
        return pg

    def _connect(self) -> asyncpg.Connection:
        try:
            self._conn = self._loop.run_until_complete(
                asyncpg.connect(self._url, timeout=10, statement_cache_size=1024)
            )
        except (TimeoutError, asyncpg.PostgresError, OSError) as exc:
            raise sqlite3.OperationalError(f"cannot connect to PostgreSQL: {exc}") from exc
        return self._conn

    def _connection(self, text: str) -> asyncpg.Connection:
        """The live connection; a new one only where a transaction starts (a statement in
        the middle of a transaction the server lost must fail, not run on its own)."""
        conn = self._conn
        if conn is not None and not conn.is_closed():
            return conn
        if conn is None or _begins(text):
            return self._connect()
        raise sqlite3.OperationalError("the connection to PostgreSQL was lost in the middle of a transaction")

    def _run(self, coro: Any) -> Any:
        try:
            return self._loop.run_until_complete(coro)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, ConnectionError) as exc:
            if isinstance(exc, _CONNECTION_LOST) and self._conn is not None and not self._conn.is_closed():
                self._conn.terminate()  # whatever state it is in, the next BEGIN starts afresh
            raise _as_sqlite_error(exc) from exc

    @property
    def in_transaction(self) -> bool:
        return self._conn is not None and not self._conn.is_closed() and self._conn.is_in_transaction()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        text = to_postgres(sql)
        if _begins(text):
            return self._begin(text)
        conn = self._connection(text)
        args = _args(params)
        if _QUERY.match(text) or _RETURNING.search(text):
            rows = self._run(conn.fetch(text, *args))
            return PgCursor(rows, len(rows))
        status = self._run(conn.execute(text, *args))
        return PgCursor([], _count(status))

    def _begin(self, text: str) -> PgCursor:
        """Start a transaction, on a new connection if the server dropped this one since
        the last transaction (nothing has happened in this one yet, so trying again is safe)."""
        try:
            self._run(self._connection(text).execute(text))
        except sqlite3.OperationalError:
            self._run(self._connect().execute(text))
        return PgCursor([], -1)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        text = to_postgres(sql)
        self._run(self._connection(text).executemany(text, [_args(r) for r in rows]))
        return PgCursor([], -1)

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Write rows known to be new with binary COPY (``copy_records_to_table``): the fastest
        way into PostgreSQL, about twice an upsert's rate for a burst's rows."""
        conn = self._connection("COPY")
        self._run(conn.copy_records_to_table(table, records=rows, columns=list(columns)))

    def close(self) -> None:
        conn = self._conn
        try:
            if conn is not None and not conn.is_closed():
                self._loop.run_until_complete(conn.close(timeout=5))
        except Exception:  # noqa: BLE001 - closing a connection the server already dropped
            if conn is not None:
                conn.terminate()
        finally:
            self._loop.close()


def _begins(text: str) -> bool:
    """Whether a statement starts a transaction."""
    return text.lstrip()[:5].upper() == "BEGIN"


def _count(status: str) -> int:
    """The row count in a command tag: 'INSERT 0 3' -> 3, 'UPDATE 2' -> 2, 'BEGIN' -> -1."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1
