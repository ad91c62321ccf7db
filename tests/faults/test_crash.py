"""Crash: a process recording a burst of answers is killed with SIGKILL mid-way. Every
answer it acknowledged is in the database, the file is intact, and the bot starts on it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import simcord

from bot.app import create_bot
from bot.store.database import Database
from tests.conftest import ROOT
from tests.postgres import fresh_database_url, requires_postgres


def run_and_kill(db: Path | str, kill_after: int) -> tuple[int, set[int]]:
    """Start the child, SIGKILL it once ``kill_after`` answers were acknowledged, and
    return the post id and every acknowledged user id (including lines already in the pipe)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.crash_child", str(db), str(ROOT / "content")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    acked: set[int] = set()
    post_id = None
    deadline = time.monotonic() + 60
    try:
        while len(acked) < kill_after:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the child stopped early: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("the child is too slow")
            kind, value = line.decode().split()
            if kind == "READY":
                post_id = int(value)
            else:
                acked.add(int(value))
        os.kill(proc.pid, signal.SIGKILL)  # mid-burst: a batch is usually being written
    finally:
        if proc.poll() is None and proc.returncode is None:
            proc.kill()
        rest = proc.stdout.read()  # ACKs written before the kill are acknowledged too
        proc.wait()
    for line in rest.decode().splitlines(keepends=True):
        if line.endswith("\n") and line.startswith("ACK "):
            acked.add(int(line.split()[1]))
    assert proc.returncode == -signal.SIGKILL
    assert post_id is not None
    return post_id, acked


@pytest.mark.parametrize("kill_after", [150, 600])
async def test_sigkill_mid_burst_loses_no_acknowledged_answer(tmp_path, settings, kill_after):
    if settings.database_url:
        pytest.skip("SQLite's own durability test (its file and write-ahead log); tests/faults/test_postgres_*.py")
    db = tmp_path / "crash.sqlite3"
    post_id, acked = run_and_kill(db, kill_after)
    assert len(acked) >= kill_after

    with sqlite3.connect(db) as conn:  # opening it replays the WAL, as the bot's start would
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        answered = {r[0] for r in conn.execute("SELECT user_id FROM answers WHERE post_id = ?", (post_id,))}
        ledger = {
            r[0]: r[1] for r in conn.execute("SELECT user_id, points FROM points WHERE ref = ?", (f"post:{post_id}",))
        }
        totals = {r[0]: r[1] for r in conn.execute("SELECT user_id, points FROM score_totals WHERE period = 'all'")}
        cards = {r[0] for r in conn.execute("SELECT user_id FROM cards")}
        periods = conn.execute("SELECT COUNT(DISTINCT period) FROM score_totals").fetchone()[0]

    missing = acked - answered
    assert not missing, f"{len(missing)} acknowledged answers were lost, e.g. {sorted(missing)[:5]}"
    # Each answer's transaction is whole: its answer, ledger row, totals and card, or none of them.
    assert set(ledger) == answered == set(totals) == cards
    assert totals == ledger and periods == 3

    reopened = await Database.open(db)  # the store opens it (migrations already applied)
    count = await reopened.read(lambda c: c.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
    await reopened.close()
    assert count == len(answered)

    settings = settings.model_copy(update={"database_path": db})
    async with simcord.run(create_bot(settings)) as env:  # and the bot starts cleanly on it
        try:
            guild = env.create_guild("After the crash")
            channel = guild.create_text_channel("general")
            learner = guild.add_member(env.create_user("learner"))
            result = await learner.slash(channel, "help")
            assert result.acknowledged and result.ephemeral
        finally:
            await env.bot.close()


@requires_postgres
@pytest.mark.parametrize("kill_after", [150, 600])
async def test_sigkill_mid_burst_on_postgres_loses_no_acknowledged_answer(settings, kill_after):
    if not settings.database_url:
        pytest.skip("the SQLite variant is the test above")
    async with fresh_database_url() as url:
        post_id, acked = run_and_kill(url, kill_after)
        assert len(acked) >= kill_after
        db = await Database.open(url)  # what a new process on another machine finds

        def state(c):
            answered = {r[0] for r in c.execute("SELECT user_id FROM answers WHERE post_id = ?", (post_id,))}
            ledger = {
                r[0]: r[1] for r in c.execute("SELECT user_id, points FROM points WHERE ref = ?", (f"post:{post_id}",))
            }
            totals = {r[0]: r[1] for r in c.execute("SELECT user_id, points FROM score_totals WHERE period = 'all'")}
            cards = {r[0] for r in c.execute("SELECT user_id FROM cards")}
            periods = c.execute("SELECT COUNT(DISTINCT period) FROM score_totals").fetchone()[0]
            return answered, ledger, totals, cards, periods

        try:
            answered, ledger, totals, cards, periods = await db.read(state)
        finally:
            await db.close()
        missing = acked - answered
        assert not missing, f"{len(missing)} acknowledged answers were lost, e.g. {sorted(missing)[:5]}"
        assert set(ledger) == answered == set(totals) == cards  # each answer's transaction is whole
        assert totals == ledger and periods == 3

        async with simcord.run(create_bot(settings.model_copy(update={"database_url": url}))) as env:
            try:  # and a bot starts cleanly on it
                guild = env.create_guild("After the crash")
                learner = guild.add_member(env.create_user("learner"))
                result = await learner.slash(guild.create_text_channel("general"), "help")
                assert result.acknowledged and result.ephemeral
            finally:
                await env.bot.close()
