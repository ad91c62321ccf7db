"""PostgreSQL for the tests: a fresh, empty database for each test, on the server that
``TEST_DATABASE_URL`` names.

``TEST_DATABASE_URL`` is a server's URL whose database is an admin one (such as
``postgres``), for a role that may create databases. Each test gets a database of its own,
``rb_test_<random>``, created from ``template0`` and dropped afterwards (``WITH (FORCE)``,
so a connection a test left open does not keep it). ``.ci/run`` starts a throwaway server
and sets the variable. To run the PostgreSQL tests locally, start a PostgreSQL 15 server
(any server you may create databases on will do), for instance one listening only on a
Unix socket in a folder of its own::

    mkdir /tmp/pgdev
    /usr/lib/postgresql/15/bin/initdb -D /tmp/pgdev/data -A trust -U postgres -E UTF8
    /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgdev/data -l /tmp/pgdev/log \\
        -o "-c listen_addresses='' -k /tmp/pgdev" start
    TEST_DATABASE_URL='postgresql://postgres@/postgres?host=/tmp/pgdev' python -m pytest -q

(``pg_ctl -D /tmp/pgdev/data stop`` stops it.) Without ``TEST_DATABASE_URL`` the
PostgreSQL variants are skipped and the SQLite suite runs as before.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import asyncpg
import pytest

ENV = "TEST_DATABASE_URL"
SKIP_REASON = f"PostgreSQL tests need {ENV} (a server URL, e.g. postgresql://postgres@/postgres?host=/tmp/pgdev)"
PREFIX = "rb_test_"


def postgres_available() -> bool:
    """Whether the tests have a PostgreSQL server (``TEST_DATABASE_URL`` is set)."""
    return bool(os.environ.get(ENV))


# Marks a test (or, as ``pytestmark``, a module) that needs the server: skipped without it.
requires_postgres = pytest.mark.skipif(not postgres_available(), reason=SKIP_REASON)


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``, everything else (user, host, the
    ``?host=`` of a Unix socket, other options) kept."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("dbname", "database")]
    return urlunsplit(parts._replace(path="/" + quote(name), query=urlencode(query, safe="/")))


@asynccontextmanager
async def fresh_database_url(server_url: str | None = None) -> AsyncIterator[str]:
    """Create an empty database ``rb_test_<random>`` on the server (``TEST_DATABASE_URL``
    unless ``server_url`` is given), yield its URL, and drop it afterwards, whatever
    happened inside. Skips the calling test when there is no server."""
    url = server_url or os.environ.get(ENV)
    if not url:
        pytest.skip(SKIP_REASON)
    name = PREFIX + secrets.token_hex(6)  # lower-case hex: a plain identifier, no quoting rules needed
    await _admin(url, f"CREATE DATABASE {name} TEMPLATE template0")
    try:
        yield with_database(url, name)
    finally:
        await _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def database_url_fixture() -> Callable[..., Any]:
    """A pytest fixture giving each test a fresh database's URL (skipped without a server)::

    postgres_url = database_url_fixture()  # in a conftest.py or test module
    """

    @pytest.fixture
    async def fixture() -> AsyncIterator[str]:
        async with fresh_database_url() as url:
            yield url

    return fixture


async def _admin(url: str, statement: str) -> None:
    """Run one statement on the server's admin database, in a connection of its own
    (CREATE and DROP DATABASE cannot run inside a transaction)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


# --- a server of the test's own, to restart ------------------------------------------------


def server_programs() -> Path | None:
    """The folder of PostgreSQL 15's initdb and pg_ctl, where they are installed."""
    for folder in (Path("/usr/lib/postgresql/15/bin"), *(Path(p) for p in os.environ.get("PATH", "").split(":"))):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder.resolve()
    return None


class PrivateServer:
    """A throwaway PostgreSQL server in a folder of its own, on a Unix socket there, that a
    test may stop and start (the shared server of TEST_DATABASE_URL must not be). As root
    it runs as the ``postgres`` user, which PostgreSQL requires."""

    def __init__(self, folder: Path, programs: Path) -> None:
        self.folder, self.programs = folder, programs
        self.url = f"postgresql://postgres@/postgres?host={folder}"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if self._as:
            shutil.chown(self.folder, "postgres")
        self._run(str(self.programs / "initdb"), "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        self._run(
            str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w",
            "-o", f"-c listen_addresses='' -k {self.folder}", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """Start a private server for the test (skipped where PostgreSQL 15 is not installed
    or no PostgreSQL tests run), and stop and remove it afterwards."""
    programs = server_programs()
    if programs is None or not postgres_available():
        pytest.skip("a private PostgreSQL server needs PostgreSQL 15's programs and TEST_DATABASE_URL set")
    folder = Path(tempfile.mkdtemp(prefix="rb-pg-", dir="/tmp"))  # short: a socket path has a limit
    server = PrivateServer(folder, programs)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with suppress(Exception):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
