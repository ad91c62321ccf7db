"""`python -m bot migrate-db --from PATH --to postgresql://...`: move a SQLite database to
an empty PostgreSQL one.

Both are opened with ``Database.open`` first, so each is at the latest schema (the SQLite
file is migrated as the bot would migrate it; PostgreSQL gets ``db/migrations/postgres``).
Nothing is created in a PostgreSQL database that holds tables other than the bot's.

Then, in one PostgreSQL transaction, with every table locked: every table is checked to
be empty (a target with any row other than the schema version is refused, nothing
written), and every table is copied with binary ``COPY`` (asyncpg's
``copy_records_to_table``), streamed from one SQLite read transaction (one committed
state: the counts and the rows agree), parents before the tables whose rows refer to them
(``REFERENCES`` in PostgreSQL's catalog), every column by name.

Binary COPY takes 880,000 rows/s of the ledger here, asyncpg's executemany 190,000 and
an INSERT of unnest()ed arrays 180,000 (a million rows in memory, one transaction, no
indexes); streamed from SQLite the copy runs at about 400,000 rows/s, reading SQLite in
Python being most of the time. As pg_restore does, the target's keys, unique
constraints, references and indexes are dropped before the copy and made again after it,
in the same transaction: building an index once is faster than keeping it in step row by
row (the benchmark's 100,000-learner database, 10.5 million rows, on 2 cores: about 65 s
in all, 26 s of copy and 36 s of building, instead of 94 s with them kept), and every key
and reference is still checked over every row before the commit. Each identity column is then
set past its table's largest id, so new rows get new ids, and every table's rows are
counted on both sides: any difference rolls the whole copy back. A value PostgreSQL's
column cannot hold as it is (SQLite keeps 2.5 or 'abc' in an INTEGER column if given
one; asyncpg would cut 2.5 to 2) is never copied: the row is named and the copy rolled
back. After the commit the tables are analysed, so the planner knows their sizes at once.

Exit status: 0 copied; 1 the target already holds data, or the copy failed or its counts
differ (nothing written); 2 the SQLite file is missing or not a bot database, a database
cannot be opened or connected to, or an option is wrong.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import asyncpg

from bot.domain.errors import StoreError

from .database import Database
from .postgres import is_url


def plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"


VERSION_TABLE = "schema_version"  # PostgreSQL's migration bookkeeping, written by Database.open
BOT_TABLES = ("guild_settings", "meta")  # what the first migration creates: a bot database has them
LOCK_TIMEOUT = "10s"  # a bot left running on the target: say so rather than wait for ever
BATCH = 10_000  # rows fetched from SQLite at a time
# What SQLite must hold for PostgreSQL's column type ("integer" and "text" are SQLite's
# storage classes); a value of any other class is named instead of copied.
STORED_AS = {"bigint": "integer", "integer": "integer", "smallint": "integer", "text": "text"}
TAKES = {"integer": "whole numbers only", "text": "text without NUL characters only"}
_DB_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)

Say = Callable[[str], None]  # prints one line of progress
Schema = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # SQLite's: table -> (columns, primary key)


class Refused(Exception):
    """Stop with this one line and this exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # the SQLite table's, in its order (PostgreSQL has each, by name)
    kinds: tuple[str | None, ...]  # per column, the SQLite storage class PostgreSQL's type needs
    key: tuple[str, ...]  # SQLite's primary key: how a row is named in a message
    identities: tuple[str, ...]  # PostgreSQL's identity columns (ids the database hands out)


def run(source: Path, target: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """The command: copy ``source`` into ``target``; returns the exit status."""
    return asyncio.run(migrate(source, target, out, err))


async def migrate(source: Path, target: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Copy the SQLite file ``source`` into the empty PostgreSQL database ``target``,
    progress to ``out``, a refusal or failure as one line to ``err``; the exit status."""

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    try:
        await _migrate(source, target, say)
    except Refused as exc:
        print(exc, file=err, flush=True)
        return exc.status
    return 0


async def _migrate(source: Path, target: str, say: Say) -> None:
    if not is_url(target):
        raise Refused(f"--to must be a postgresql:// URL, not {target!r}", 2)
    where = without_password(target)
    started = time.perf_counter()
    _check_source(source)
    await _check_target(target, where)
    for name, db, shown in (("SQLite", source, str(source)), ("PostgreSQL", target, where)):
        t = time.perf_counter()
        await _open_and_close(db, shown)
        say(f"{name} {shown}: at the latest schema ({time.perf_counter() - t:.1f} s)")

    lite = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        pg = await _connect(target, where)
        try:
            counts = await _copy_all(lite, pg, say)
        except _DB_ERRORS as exc:
            raise Refused(f"the copy failed: {type(exc).__name__}: {one_line(exc)}; nothing was written", 1) from None
        except sqlite3.Error as exc:
            raise Refused(f"reading {source} failed: {one_line(exc)}; nothing was written", 1) from None
        finally:
            await _close(pg)
    finally:
        lite.close()
    total, seconds = sum(counts.values()), time.perf_counter() - started
    say(f"done: {plural(total, 'row')} in {plural(len(counts), 'table')} copied in {seconds:.1f} s")


def _check_source(path: Path) -> None:
    """A SQLite file the bot made, looked at without changing it: a missing file, a
    folder, a file that is not SQLite or a SQLite database of something else is refused."""
    if not path.exists():
        raise Refused(f"No such file: {path}", 2)
    if not path.is_file():
        raise Refused(f"Not a file: {path}", 2)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise Refused(f"{path} is not a SQLite database the bot can read: {one_line(exc)}", 2) from None
    if version < 1 or not set(BOT_TABLES) <= tables:
        raise Refused(f"{path} is not a revision bot database (it has no bot tables)", 2)


async def _check_target(url: str, where: str) -> None:
    """A database that is empty, or the bot's (whose tables are checked for rows once it is
    migrated): nothing is created where another program keeps its tables."""
    pg = await _connect(url, where)
    try:
        tables = [
            r[0]
            for r in await pg.fetch(
                "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                "AND relkind IN ('r', 'p') ORDER BY relname"
            )
        ]
    finally:
        await _close(pg)
    if tables and VERSION_TABLE not in tables:
        more = ", ..." if len(tables) > 5 else ""
        raise Refused(
            f"the target already holds data and is not a bot database (tables {', '.join(tables[:5])}{more}); "
            "migrate-db copies into an empty database only; nothing was written",
            1,
        )


async def _open_and_close(target: Path | str, where: str) -> None:
    """Open (and so migrate) a database as the bot does, then close it."""
    try:
        db = await Database.open(target)
    except (StoreError, sqlite3.Error, OSError, ValueError) as exc:
        raise Refused(one_line(exc) if where in str(exc) else f"{where}: {one_line(exc)}", 2) from None
    await db.close()


async def _connect(url: str, where: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url, timeout=10)
    except (*_DB_ERRORS, TimeoutError, ValueError) as exc:
        raise Refused(f"cannot connect to PostgreSQL {where}: {one_line(exc)}", 2) from None


async def _close(pg: asyncpg.Connection) -> None:
    try:
        await pg.close(timeout=10)
    except (*_DB_ERRORS, TimeoutError):
        pg.terminate()


def without_password(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def one_line(exc: BaseException) -> str:
    """An error as one line: its message (with PostgreSQL's detail), whitespace folded."""
    text, detail = str(exc), getattr(exc, "detail", None)
    if detail and detail not in text:
        text = f"{text} ({detail})"
    return " ".join(text.split()) or type(exc).__name__


# -- the copy ------------------------------------------------------------------------------
async def _copy_all(lite: sqlite3.Connection, pg: asyncpg.Connection, say: Say) -> dict[str, int]:
    """Copy every table in one transaction on each side; returns the rows per table."""
    lite.execute("BEGIN")  # one snapshot: the counts and the rows are of the same state
    try:
        source = _source_tables(lite)
        tr = pg.transaction()
        await tr.start()
        try:
            counts = await _copy_in_transaction(lite, pg, source, say)
        except BaseException:
            await _rollback(tr)
            raise
        try:
            await tr.commit()
        except _DB_ERRORS as exc:  # the server may have committed before the line went
            raise Refused(
                f"committing failed: {type(exc).__name__}: {one_line(exc)}; if it did commit, running "
                "migrate-db again says the target holds data",
                1,
            ) from None
    finally:
        lite.execute("COMMIT")
    say("committed; analysing the tables")
    t = time.perf_counter()
    try:
        for name in counts:
            await pg.execute(f"ANALYZE {_quoted(name)}")
    except _DB_ERRORS as exc:  # the rows are in: not a failure
        say(f"could not analyse the tables ({one_line(exc)}); PostgreSQL's autovacuum will soon")
    else:
        say(f"analysed in {time.perf_counter() - t:.1f} s")
    return counts


async def _rollback(tr: Any) -> None:
    try:
        await tr.rollback()
    except _DB_ERRORS:
        pass  # the connection is gone: the server has rolled the transaction back itself


async def _copy_in_transaction(
    lite: sqlite3.Connection,
    pg: asyncpg.Connection,
    source: Schema,
    say: Say,
) -> dict[str, int]:
    tables = await _plan(pg, source)
    await pg.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    await pg.execute("SET LOCAL statement_timeout = 0")  # a server's limit is for queries, not this copy
    try:  # nobody else reads or writes the tables until the commit: the check below stays true
        await pg.execute(f"LOCK TABLE {', '.join(_quoted(t.name) for t in tables)} IN ACCESS EXCLUSIVE MODE")
    except asyncpg.LockNotAvailableError:
        raise Refused("the target is in use (is a bot running on it?); stop it and try again", 1) from None
    full = [t.name for t in tables if await pg.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_quoted(t.name)})")]
    if full:
        which = f"table {full[0]} has" if len(full) == 1 else f"tables {', '.join(full)} have"
        raise Refused(
            f"the target already holds data ({which} rows); migrate-db copies into an empty database only; "
            "nothing was written",
            1,
        )
    expected = {t.name: lite.execute(f"SELECT COUNT(*) FROM {_quoted(t.name)}").fetchone()[0] for t in tables}
    say(f"copying {plural(sum(expected.values()), 'row')} from {plural(len(tables), 'table')}")
    await pg.execute("SET LOCAL maintenance_work_mem = '256MB'")  # for building the indexes
    remake = await _set_aside_keys_and_indexes(pg, [t.name for t in tables])
    for table in tables:
        if expected[table.name]:
            await _copy_table(lite, pg, table, expected[table.name], say)
    t = time.perf_counter()
    say(f"making the keys, indexes and references again ({len(remake)})")
    for what, statement in remake:
        await _checked(pg.execute(statement), what)
    say(f"made in {time.perf_counter() - t:.1f} s")
    for table in tables:
        for column in table.identities:
            await pg.execute(
                f"SELECT setval(pg_get_serial_sequence($1, $2), MAX({_quoted(column)})) FROM {_quoted(table.name)} "
                f"HAVING MAX({_quoted(column)}) IS NOT NULL",
                _quoted(table.name),
                column,
            )
    return await _check_counts(pg, tables, expected, say)


async def _copy_table(lite: sqlite3.Connection, pg: asyncpg.Connection, table: Table, rows: int, say: Say) -> None:
    t = time.perf_counter()
    # A REAL in an integer column is left out (asyncpg would cut 2.5 to 2): the count then
    # falls short and the row is named. Other misfits make asyncpg or the server fail.
    fits = " AND ".join(
        f"typeof({_quoted(c)}) <> 'real'" for c, kind in zip(table.columns, table.kinds) if kind == "integer"
    )
    cursor = lite.execute(
        f"SELECT {', '.join(map(_quoted, table.columns))} FROM {_quoted(table.name)}"
        + (f" WHERE {fits}" if fits else "")
    )
    try:
        status = await pg.copy_records_to_table(table.name, records=_rows(cursor), columns=list(table.columns))
    except (asyncpg.PostgresError, TypeError, ValueError, OverflowError) as exc:
        raise Refused(
            _misfit(lite, table)
            or f"copying {table.name} failed: {type(exc).__name__}: {one_line(exc)}; nothing was written",
            1,
        ) from None
    finally:
        cursor.close()
    copied, seconds = _copied(status), time.perf_counter() - t
    if copied != rows:
        raise Refused(_misfit(lite, table) or f"{table.name}: {rows:,} rows read but {copied:,} copied", 1)
    say(f"  {table.name}: {plural(copied, 'row')} in {seconds:.2f} s ({rows / max(seconds, 1e-6):,.0f} rows/s)")


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def _copied(status: str) -> int:
    """The row count in COPY's command tag, 'COPY 42'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def _misfit(lite: sqlite3.Connection, table: Table) -> str | None:
    """The first row of ``table`` with a value its PostgreSQL column cannot hold as it is,
    named by its key, as a message; None if every value fits."""
    wrong = []
    for column, kind in zip(table.columns, table.kinds):
        if kind is not None:
            q = _quoted(column)
            nul = f" OR instr({q}, char(0)) > 0" if kind == "text" else ""  # PostgreSQL's text holds no NUL
            wrong.append(f"typeof({q}) NOT IN ('{kind}', 'null'){nul}")
    if not wrong:
        return None
    key = table.key or ("rowid",)
    row = lite.execute(
        f"SELECT {', '.join(map(_quoted, key + table.columns))} FROM {_quoted(table.name)} "
        f"WHERE {' OR '.join(wrong)} LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    named = ", ".join(f"{k} {v!r}" for k, v in zip(key, row))
    values = row[len(key) :]
    found = next(
        ((c, v, k) for c, v, k in zip(table.columns, values, table.kinds) if k and v is not None and not _fits(v, k)),
        None,
    )
    if found is None:
        return None
    column, value, kind = found
    return (
        f"{table.name}: the row with {named} has {value!r} in {column}, which PostgreSQL's column cannot hold "
        f"(it takes {TAKES[kind]}); correct it in the SQLite file and run again; nothing was written"
    )


def _fits(value: Any, kind: str) -> bool:
    if kind == "integer":
        return type(value) is int
    return isinstance(value, str) and "\0" not in value


async def _checked(step: Any, what: str) -> Any:
    """Await ``step``; a database error is one line (the transaction is rolled back)."""
    try:
        return await step
    except _DB_ERRORS as exc:
        raise Refused(f"{what} failed: {type(exc).__name__}: {one_line(exc)}; nothing was written", 1) from None


async def _check_counts(
    pg: asyncpg.Connection, tables: list[Table], expected: dict[str, int], say: Say
) -> dict[str, int]:
    t = time.perf_counter()
    say("rows per table, SQLite -> PostgreSQL:")
    width = max(len(t.name) for t in tables)
    copied: dict[str, int] = {}
    wrong = []
    for table in tables:
        copied[table.name] = await pg.fetchval(f"SELECT COUNT(*) FROM {_quoted(table.name)}")
        same = copied[table.name] == expected[table.name]
        wrong += [] if same else [table.name]
        say(
            f"  {table.name:<{width}}  {expected[table.name]:>12,} -> {copied[table.name]:>12,}"
            f"  {'ok' if same else 'DIFFERENT'}"
        )
    say(
        f"  {'total':<{width}}  {sum(expected.values()):>12,} -> {sum(copied.values()):>12,}"
        f"  (counted in {time.perf_counter() - t:.1f} s)"
    )
    if wrong:
        raise Refused(f"the row counts differ in {', '.join(wrong)}; rolled back, nothing was written", 1)
    return copied


# -- the schemas ---------------------------------------------------------------------------
def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_tables(lite: sqlite3.Connection) -> Schema:
    """SQLite's tables: name -> (columns, primary key columns)."""
    names = [
        r[0]
        for r in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        info = lite.execute(f"PRAGMA table_info({_quoted(name)})").fetchall()  # cid, name, type, notnull, dflt, pk
        key = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        tables[name] = (tuple(r[1] for r in info), key)
    return tables


async def _plan(pg: asyncpg.Connection, source: Schema) -> list[Table]:
    """The tables to copy, parents first; the two schemas must have the same tables, and
    PostgreSQL every SQLite column."""
    rows = await pg.fetch(
        "SELECT c.relname AS table, a.attname AS column, a.attidentity <> '' AS identity, "
        "format_type(a.atttypid, NULL) AS type FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> $1 ORDER BY c.oid, a.attnum",  # as created
        VERSION_TABLE,
    )
    target: dict[str, dict[str, tuple[bool, str]]] = {}
    for r in rows:
        target.setdefault(r["table"], {})[r["column"]] = (r["identity"], r["type"])
    only_source, only_target = sorted(set(source) - set(target)), sorted(set(target) - set(source))
    if only_source or only_target:
        sides = ((only_source, "SQLite"), (only_target, "PostgreSQL"))
        raise Refused("the schemas differ: " + "; ".join(f"{', '.join(n)} only in {side}" for n, side in sides if n), 1)
    for name, (columns, _) in source.items():
        missing = [c for c in columns if c not in target[name]]
        if missing:
            raise Refused(f"the schemas differ: PostgreSQL's {name} has no column {', '.join(missing)}", 1)
    references = await pg.fetch(
        "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c "
        "WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
    )
    parents: dict[str, set[str]] = {name: set() for name in target}  # in the schema's order
    for r in references:
        child, parent = r["child"].strip('"'), r["parent"].strip('"')
        if child in parents and parent in parents and parent != child:
            parents[child].add(parent)
    plan = []
    for name in in_reference_order(parents):
        columns, key = source[name]
        plan.append(
            Table(
                name,
                columns,
                tuple(STORED_AS.get(target[name][c][1]) for c in columns),
                key,
                tuple(c for c, (identity, _) in target[name].items() if identity),
            )
        )
    return plan


def in_reference_order(parents: dict[str, set[str]]) -> list[str]:
    """Every table after the tables it refers to (``parents``: table -> the tables its
    rows refer to), otherwise in the order given."""
    order: list[str] = []
    waiting = list(parents)
    while waiting:
        ready = next((name for name in waiting if parents[name] <= set(order)), None)
        if ready is None:
            raise Refused(f"the tables' references go round in a circle: {', '.join(waiting)}", 1)
        order.append(ready)
        waiting.remove(ready)
    return order


async def _set_aside_keys_and_indexes(pg: asyncpg.Connection, tables: list[str]) -> list[tuple[str, str]]:
    """Drop the references, keys, unique constraints and indexes of ``tables`` (in that
    order: a reference needs its parent's key); returns what makes them again as the
    schema has them, as (what, statement): keys first, references last."""
    constraints = await pg.fetch(
        "SELECT c.conrelid::regclass::text AS table, quote_ident(c.conname) AS name, c.contype::text AS kind, "
        "pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1::text[]) "
        "AND c.contype IN ('p', 'u', 'f') ORDER BY c.contype = 'f' DESC, c.oid",
        tables,
    )
    indexes = await pg.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS statement "
        "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1::text[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f') "
        "ORDER BY i.indexrelid",
        tables,
    )
    for c in constraints:
        await pg.execute(f"ALTER TABLE {c['table']} DROP CONSTRAINT {c['name']}")
    for i in indexes:
        await pg.execute(f"DROP INDEX {i['name']}")

    def make(c: asyncpg.Record) -> tuple[str, str]:
        what = "checking the reference" if c["kind"] == "f" else "making the key"
        return (
            f"{what} {c['name']} of {c['table']}",
            f"ALTER TABLE {c['table']} ADD CONSTRAINT {c['name']} {c['definition']}",
        )

    keys = [make(c) for c in constraints if c["kind"] != "f"]
    references = [make(c) for c in constraints if c["kind"] == "f"]
    return keys + [(f"making the index {i['name']}", i["statement"]) for i in indexes] + references
