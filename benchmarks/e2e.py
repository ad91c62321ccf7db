"""The burst end to end: learners click the real daily-post button through SimCord.

The real bot (``create_bot``), real discord.py, a simulated Discord. SimCord runs one
actor call at a time and settles the bot after each (the interaction, the deferral,
the database write, the private follow-up), so the clicks are sequential: this
measures the cost of one click through every layer, not concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from benchmarks.common import CONTENT_DIR, child_main, ms, percentile, say, scratch_dir


async def _measure(folder: Path, n: int) -> dict:
    import discord
    import simcord

    from bot.app import create_bot
    from bot.domain.questions import LETTERS
    from bot.settings import Settings

    settings = Settings(
        _env_file=None, discord_token=None, database_path=folder / "e2e.sqlite3", content_dir=CONTENT_DIR, shard_count=1
    )
    async with simcord.run(create_bot(settings)) as env:
        try:
            guild = env.create_guild("Cohort")
            channel = guild.create_text_channel("daily-revision")
            admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
            tutor = guild.add_member(env.create_user("tutor"), roles=[admins])
            learners = [guild.add_member(env.create_user(f"learner{i}")) for i in range(n)]
            await tutor.slash(
                channel, "daily setup", channel=channel, time="09:00", timezone="Europe/London", days="daily"
            )
            store, library = env.bot._store, env.bot._library  # behind the services: what was kept
            for _ in range(20):  # a one-click question (single choice or true/false)
                await tutor.slash(channel, "daily post")
                message = channel.last_message
                post = (await store.posts.open_posts(guild.id, "daily"))[-1]
                q, _ = library.question(guild.id, post.item_id)
                if q.kind in ("single", "true_false"):
                    break
            else:
                raise SystemExit("no one-click question came up in 20 posts")
            if q.kind == "single":
                labels = [LETTERS[q.answer if i % 2 == 0 else (q.answer + 1) % len(q.options)] for i in range(n)]
            else:
                labels = ["True" if (i % 2 == 0) == q.answer else "False" for i in range(n)]
            latencies = []
            for learner, label in zip(learners, labels):
                t = time.perf_counter()
                result = await learner.click(message, label=label)
                latencies.append(time.perf_counter() - t)
                shown = result.followups[-1] if result.followups else result.response
                if not (
                    result.acknowledged
                    and shown
                    and shown.ephemeral
                    and shown.embeds
                    and ("Right" in shown.embeds[0].title or "Not quite" in shown.embeds[0].title)
                ):
                    raise SystemExit(f"a click was not answered as expected: {result!r}")
            answers = await store.db.read(
                lambda c: c.execute("SELECT COUNT(*) FROM answers WHERE post_id = ?", (post.id,)).fetchone()[0]
            )
        finally:
            await env.bot.close()
    if answers != n:
        raise SystemExit(f"{n} clicks recorded {answers} answers")
    return {"latencies": latencies, "kind": q.kind}


def run(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.e2e")
    ap.add_argument("--learners", type=int, default=200)
    args = ap.parse_args(argv)
    with scratch_dir("e2e") as tmp:
        m = asyncio.run(_measure(Path(tmp), args.learners))
    lat = m["latencies"]
    result = {
        "learners": args.learners,
        "question_kind": m["kind"],
        "sequential": True,
        "p50_ms": ms(percentile(lat, 50)),
        "p99_ms": ms(percentile(lat, 99)),
        "total_s": round(sum(lat), 3),
    }
    say(f"e2e: {len(lat)} sequential clicks, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    return result


if __name__ == "__main__":
    child_main(run)
