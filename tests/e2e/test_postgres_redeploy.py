"""A redeploy where the disk is wiped (a Heroku dyno): the bot runs on PostgreSQL, is
stopped, and starts again on a new machine (a fresh folder, no SQLite file) with the same
DATABASE_URL; every learner's stats, the board and the uploaded pack are as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import create_bot
from tests.e2e.helpers import embed_text, reply
from tests.e2e.test_daily import setup_daily
from tests.e2e.test_progress import daily_answers

HOUR = 3600
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()


async def seen_by(cohort) -> dict[str, str]:
    """What each learner's /stats and the tutor's /leaderboard show."""
    shown = {}
    for learner in cohort.learners:
        stats = await learner.slash(cohort.channel, "stats")
        shown[learner.name] = embed_text(reply(stats))
    shown["board"] = embed_text(reply(await cohort.tutor.slash(cohort.channel, "leaderboard")))
    shown["packs"] = embed_text(reply(await cohort.tutor.slash(cohort.channel, "content list")))
    return shown


async def test_a_bot_started_again_on_a_new_machine_with_the_same_database_url_shows_the_same_progress(
    cohort, settings, tmp_path
):
    if not settings.database_url:
        pytest.skip("a redeploy onto a wiped disk needs the PostgreSQL store")
    env, learners = cohort.env, cohort.learners
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    await daily_answers(cohort, [(learners[0], True), (learners[1], False), (learners[2], True)])
    before = await seen_by(cohort)
    assert "**1 answer**" in before["amira"] and "**1 answer**" in before["ben"]  # the stats have something to keep
    assert f"<@{learners[0].id}>" in before["board"] and "example-heat" in before["packs"]

    # a new machine: nothing of the old one's folder, only the same DATABASE_URL
    new_machine = tmp_path / "new-machine"
    new_machine.mkdir()
    moved = settings.model_copy(update={"database_path": new_machine / "never-used.sqlite3"})
    await env.bot.close()
    await env.restart_bot(create_bot(moved))
    after = await seen_by(cohort)
    assert after == before
    assert not (new_machine / "never-used.sqlite3").exists()  # nothing was kept on the machine's disk
