"""The PostgreSQL benchmarks' server: ``--database-url`` (default ``BENCH_DATABASE_URL``)
names a server and an admin database on it (such as ``postgres``), for a role that may
create databases. Each measurement gets a database of its own, ``bench_<random>``,
created from ``template0`` and dropped afterwards (``WITH (FORCE)``), so every run starts
from the same empty state and nothing is left behind on the server. Without a URL, or
when the server cannot be reached, the benchmark stops with one line saying so.

A throwaway server for measuring, listening on a Unix socket only::

    mkdir -p /tmp/pgbench && chown postgres /tmp/pgbench   # as root; the server runs as postgres
    su postgres -c "initdb -D /tmp/pgbench/data -A trust -U postgres -E UTF8 --locale=C.UTF-8"
    su postgres -c "pg_ctl -D /tmp/pgbench/data -l /tmp/pgbench/log \\
        -o \\"-c listen_addresses='' -k /tmp/pgbench\\" start"
    BENCH_DATABASE_URL='postgresql://postgres@/postgres?host=/tmp/pgbench' python -m benchmarks burst_postgres
    su postgres -c "pg_ctl -D /tmp/pgbench/data stop" && rm -r /tmp/pgbench   # afterwards
"""

from __future__ import annotations

import argparse
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import asyncpg

ENV = "BENCH_DATABASE_URL"
PREFIX = "bench_"


def add_url_option(ap: argparse.ArgumentParser) -> None:
    ap.add_argument(
        "--database-url",
        default=os.environ.get(ENV),
        help=f"a PostgreSQL server to measure on, postgresql://user@host/admin-db (default: ${ENV}); "
        "each run creates and drops a database of its own there",
    )


def server_url(url: str | None, prog: str) -> str:
    """The server's URL, or stop with one line (no traceback) when there is none."""
    if not url:
        raise SystemExit(
            f"{prog}: no PostgreSQL server to measure on: pass --database-url postgresql://... or set {ENV} "
            "(e.g. postgresql://postgres@/postgres?host=/tmp/pgbench)"
        )
    if not url.startswith(("postgresql://", "postgres://")):
        raise SystemExit(f"{prog}: --database-url must be a postgresql:// URL, not {url!r}")
    return url


def with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead, everything else (user, host, the
    ``?host=`` of a Unix socket, other options) kept."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("dbname", "database")]
    return urlunsplit(parts._replace(path="/" + quote(name), query=urlencode(query, safe="/")))


async def connect(url: str) -> asyncpg.Connection:
    """A plain asyncpg connection; an unreachable server stops the benchmark with one line."""
    try:
        return await asyncpg.connect(url, timeout=10, statement_cache_size=1024)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise SystemExit(f"cannot connect to the PostgreSQL server {_shown(url)}: {exc}") from None


async def admin(url: str, *statements: str) -> None:
    """Run ``statements`` on the server's admin database."""
    conn = await connect(url)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def server_version(url: str) -> str:
    """The server's version ("15.18"): also checks, before anything is generated, that the
    server is there and this role may create databases."""
    conn = await connect(url)
    try:
        version = str(await conn.fetchval("SHOW server_version")).split()[0]
        if not await conn.fetchval("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"):
            raise SystemExit(f"the role at {_shown(url)} may not create databases (the benchmarks make their own)")
        return version
    finally:
        await conn.close()


@asynccontextmanager
async def fresh_database(url: str, tag: str = "") -> AsyncIterator[str]:
    """An empty database ``bench_<tag><random>`` on the server: yields its URL, drops it afterwards."""
    name = PREFIX + tag + secrets.token_hex(5)  # lower-case letters, digits, _: no quoting needed
    await admin(url, f"CREATE DATABASE {name} TEMPLATE template0")
    try:
        yield with_database(url, name)
    finally:
        await admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _shown(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def where(url: str) -> str:
    """How the benchmark reaches the server, for the results: a Unix socket or host:port."""
    parts = urlsplit(url)
    host = dict(parse_qsl(parts.query)).get("host") or parts.hostname or "localhost"
    return "Unix socket" if host.startswith("/") else f"TCP {host}:{parts.port or 5432}"
