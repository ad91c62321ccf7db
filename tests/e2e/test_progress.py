"""Leaderboards, stats, tutor reports and each learner's data, driven as people would
(SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; London is on UTC in January)."""

import csv
import io
import json
import re
from datetime import UTC, datetime

import discord
import simcord
from discord.ext import commands
from PIL import Image

from bot.app import create_bot
from bot.domain.errors import UserError
from bot.ui.errors import NotTutor
from bot.ui.progress import CARD_WIDTH, card_height
from tests.e2e.helpers import answer, button_labels, custom_ids, embed_text, question_of, reply
from tests.e2e.test_daily import advance_to, bot_posts, setup_daily
from tests.e2e.test_myths import myth_on

HOUR = 3600


def at(day: int, hour: int, minute: int = 0, second: int = 1) -> datetime:
    return datetime(2026, 1, day, hour, minute, second, tzinfo=UTC)


def standings(message) -> list[tuple[int, int]]:
    """(user id, points) in the order a leaderboard or weekly post lists them."""
    return [(int(u), int(p)) for u, p in re.findall(r"<@(\d+)> · \*\*(\d+) pts?\*\*", message.embeds[0].description)]


async def ledger(cohort) -> list[tuple[int, str, int]]:
    return await cohort.inside.db.read(
        lambda c: sorted(tuple(r) for r in c.execute("SELECT user_id, source, points FROM points"))
    )


async def todays_question(cohort):
    post = bot_posts(cohort.channel)[-1]
    return post, await question_of(cohort, post)


async def daily_answers(cohort, answers):
    """Answer the latest daily post: ``answers`` is [(learner, right)] in answering order."""
    post, q = await todays_question(cohort)
    for learner, right in answers:
        result = reply(await answer(learner, post, q, right=right))
        assert ("Right" if right else "Not quite") in result.embeds[0].title
    return q


def question_in(cohort, message):
    target = custom_ids(message)[0].split(":")[2]
    return cohort.inside.library.question(cohort.guild.id, target[1:])[0]


async def leaderboard(member, cohort, **options):
    result = await member.slash(cohort.channel, "leaderboard", **options)
    assert result.ephemeral
    return result.response  # a pack's board is deferred first: its follow-up fills this reply


# --- points and the leaderboard ----------------------------------------------------------------


async def test_points_from_daily_and_myth_posts_land_in_the_ledger_and_on_the_boards(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    q = await daily_answers(cohort, [(amira, True), (ben, False)])
    await cohort.tutor.slash(cohort.channel, "myth post", pack="focus-l2-complaints", hours=24)
    myth_post = cohort.channel.last_message
    myth = await myth_on(cohort, myth_post)
    assert "+5 points" in embed_text(reply(await ben.click(myth_post, label=myth.verdict.capitalize())))

    assert await ledger(cohort) == sorted([(amira.id, "daily", 10), (ben.id, "daily", 2), (ben.id, "myth_post", 5)])
    for period in ("week", "month", "all"):
        board = await leaderboard(amira, cohort, period=period)
        assert standings(board) == [(amira.id, 10), (ben.id, 7)], period
    assert "You are **#1** of 2" in embed_text(board)
    assert "whoever reached that score first" in board.embeds[0].footer.text

    # a pack board counts only the points earned on that pack's posts
    q_pack = cohort.inside.library.question(cohort.guild.id, q.id)[1].pack
    for pack in {q_pack, "focus-l2-complaints"}:
        expected = {amira.id: 0, ben.id: 0}
        if pack == q_pack:
            expected[amira.id] += 10
            expected[ben.id] += 2
        if pack == "focus-l2-complaints":
            expected[ben.id] += 5
        want = sorted(((u, p) for u, p in expected.items() if p), key=lambda up: -up[1])
        assert standings(await leaderboard(ben, cohort, pack=pack)) == want, pack


async def test_a_board_for_a_pack_that_is_not_here_says_so_privately(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "leaderboard", pack="no-such-pack")
    assert result.ephemeral
    assert "There is no pack `no-such-pack` here" in reply(result).content
    simcord.assert_error(cohort.env, UserError)


async def test_practice_does_not_move_the_leaderboard(cohort):
    amira = cohort.learners[0]
    quiz = await amira.slash(cohort.channel, "quiz")
    fb = reply(await answer(amira, quiz.response.message, question_in(cohort, quiz.response), right=True))
    assert "no leaderboard points" in embed_text(fb)
    card = await amira.slash(cohort.channel, "myth card")
    myth = await myth_on(cohort, card.response)
    await amira.click(card.response.message, label=myth.verdict.capitalize())

    assert await ledger(cohort) == []
    board = await leaderboard(amira, cohort, period="all")
    assert standings(board) == [] and "Nobody has scored" in board.embeds[0].description
    assert "no points in this period" in embed_text(board)
    stats = reply(await amira.slash(cohort.channel, "stats"))
    assert "**1** answer · **100%** right" in stats.embeds[0].description  # practice builds mastery


async def test_the_caller_outside_the_top_ten_sees_their_rank(cohort):
    env = cohort.env
    learners = cohort.learners + [cohort.guild.add_member(env.create_user(f"learner{i}")) for i in range(8)]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post, q = await todays_question(cohort)
    # eleven answer right, one a second apart, newest account first: on equal points the
    # earlier answer ranks higher whatever the user ids; the last learner answers wrong
    order = list(reversed(learners[1:]))
    for learner in order:
        await answer(learner, post, q, right=True)
        await env.advance_time(1)
    last = learners[0]
    await answer(last, post, q, right=False)

    board = await leaderboard(last, cohort, period="week")
    assert standings(board) == [(m.id, 10) for m in order[:10]] + [(last.id, 2)]
    assert f"**12.** <@{last.id}>" in board.embeds[0].description and "← you" in board.embeds[0].description
    assert "You are **#12** of 12 with **2 pts**" in embed_text(board)
    eleventh = await leaderboard(order[10], cohort)
    assert "You are **#11** of 12 with **10 pts**" in embed_text(eleventh)


async def test_a_hidden_learner_is_absent_from_the_board_and_present_in_their_own_stats(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    await daily_answers(cohort, [(amira, True), (ben, False)])

    hide = await amira.slash(cohort.channel, "privacy leaderboard hide")
    assert hide.ephemeral and "left this server's leaderboards" in hide.response.content
    assert standings(await leaderboard(ben, cohort)) == [(ben.id, 2)]
    own = await leaderboard(amira, cohort)
    assert standings(own) == [(ben.id, 2)]
    assert "You have left the leaderboards" in embed_text(own) and "**10**" in embed_text(own)
    stats = reply(await amira.slash(cohort.channel, "stats"))
    text = embed_text(stats)
    assert "**1** answer · **100%** right" in text and "**10 pts** all time" in text
    assert "You have left the leaderboards" in text

    await amira.slash(cohort.channel, "privacy leaderboard show")
    assert standings(await leaderboard(ben, cohort)) == [(amira.id, 10), (ben.id, 2)]


# --- the weekly turn -----------------------------------------------------------------------------


def weekly_posts(channel):
    return [m for m in channel.history() if m.embeds and m.embeds[0].title.startswith("🏆 Top three")]


async def test_the_weekly_turn_posts_last_weeks_top_three_once_across_restarts(cohort, settings):
    env, (amira, ben, chloe, dev) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await advance_to(env, at(1, 9))  # Thursday
    await daily_answers(cohort, [(amira, True), (ben, False), (chloe, True)])
    await advance_to(env, at(2, 9))  # Friday
    await daily_answers(cohort, [(chloe, True), (dev, False)])
    await advance_to(env, at(4, 23))  # Sunday 23:00: nothing yet
    assert weekly_posts(cohort.channel) == []

    await cohort.env.bot.close()  # down across the turn of the week
    await env.restart_bot(commands.Bot(command_prefix="!", intents=discord.Intents.none()))
    await advance_to(env, at(5, 2))
    await env.restart_bot(create_bot(settings))  # back at Monday 02:00
    await env.advance_time(60)
    posts = weekly_posts(cohort.channel)
    assert len(posts) == 1
    weekly = posts[0]
    assert "last week (from Monday 29 December)" in weekly.embeds[0].title
    assert standings(weekly) == [(chloe.id, 20), (amira.id, 10), (ben.id, 2)]  # Ben reached 2 before Dev

    await cohort.restart(settings)
    await advance_to(env, at(5, 9))  # Monday's question counts for the new week
    await daily_answers(cohort, [(dev, True)])
    await advance_to(env, at(6, 10))  # past the rest of the catch-up window
    assert len(weekly_posts(cohort.channel)) == 1
    post = await cohort.inside.posts.find(cohort.guild.id, "weekly", "w:2025-12-29")
    assert post.message_id == weekly.id and post.status == "closed"

    mine = reply(await dev.click(weekly, label="Where am I?"))  # the button survives the restarts
    assert mine.ephemeral and "You are **#4** of 4 with **2 pts**" in embed_text(mine)

    await advance_to(env, at(12, 0, 0, 0))  # the next turn, with the bot up: posted on the dot
    assert len(weekly_posts(cohort.channel)) == 2
    second = weekly_posts(cohort.channel)[-1]
    assert "(from Monday 5 January)" in second.embeds[0].title
    assert standings(second) == [(dev.id, 10)]


# --- stats ----------------------------------------------------------------------------------------


async def test_stats_attach_a_png_progress_card_of_the_stated_size(cohort):
    env, amira = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    q = await daily_answers(cohort, [(amira, True)])

    result = await amira.slash(cohort.channel, "stats")
    stats = reply(result)
    assert stats.ephemeral
    text = embed_text(stats)
    assert "**1** answer · **100%** right" in text and "**1** (best 1)" in text
    pack = cohort.inside.library.question(cohort.guild.id, q.id)[1]
    for cid in q.criteria:
        assert f"**{cid} ({pack.pack})**" in text
    assert stats.embeds[0].image.url.endswith("progress.png")
    data = await stats.attachments[0].read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (CARD_WIDTH, card_height(len(q.criteria))) == (800, card_height(len(q.criteria)))
    image.load()  # the whole image decodes


async def test_a_plain_member_cannot_see_another_members_stats_but_a_tutor_can(cohort):
    amira, ben = cohort.learners[:2]
    refused = await ben.slash(cohort.channel, "stats", member=amira)
    simcord.assert_error(cohort.env, UserError)
    assert refused.ephemeral and "only tutors can see another learner's" in refused.response.content
    assert not refused.response.attachments

    seen = reply(await cohort.tutor.slash(cohort.channel, "stats", member=amira))
    assert seen.ephemeral and "amira" in seen.embeds[0].title and seen.attachments


# --- tutors ---------------------------------------------------------------------------------------


async def test_cohort_export_rows_match_the_answers_given(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    daily_q = await daily_answers(cohort, [(amira, True), (ben, False)])
    quiz = await amira.slash(cohort.channel, "quiz")
    quiz_q = question_in(cohort, quiz.response)
    await answer(amira, quiz.response.message, quiz_q, right=False)

    expected: dict[tuple[str, str, str], list[int]] = {}
    for learner, q, right in ((amira, daily_q, True), (ben, daily_q, False), (amira, quiz_q, False)):
        pack = cohort.inside.library.question(cohort.guild.id, q.id)[1].pack
        for cid in q.criteria:
            tally = expected.setdefault((str(learner.id), pack, cid), [0, 0])
            tally[0] += 1
            tally[1] += int(right)

    result = await cohort.tutor.slash(cohort.channel, "cohort export")
    out = reply(result)
    assert out.ephemeral and out.attachments[0].filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO((await out.attachments[0].read()).decode("utf-8-sig"))))
    got = {(r["user_id"], r["pack"], r["criterion"]): [int(r["answers"]), int(r["correct"])] for r in rows}
    assert got == expected and len(rows) == len(expected)
    for r in rows:
        answers, correct = expected[(r["user_id"], r["pack"], r["criterion"])]
        assert int(r["accuracy_percent"]) == round(100 * correct / answers)
        assert r["display_name"] == {str(amira.id): "amira", str(ben.id): "ben"}[r["user_id"]]
        assert r["criterion_text"] and r["last_activity"].startswith("2026-01-01T09:00")


async def test_the_cohort_report_shows_participation_hard_questions_and_quiet_learners(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await advance_to(env, at(1, 9))
    thursday_q = await daily_answers(cohort, [(amira, True), (ben, False)])
    await advance_to(env, at(2, 9))
    await daily_answers(cohort, [(amira, True)])
    await advance_to(env, at(2, 10))

    day = reply(await cohort.tutor.slash(cohort.channel, "cohort report", days=1))
    text = embed_text(day)
    assert day.ephemeral and "**1** of **2** learners seen were active (50%)" in text
    assert f"Quiet learners (1)\n<@{ben.id}>" in text

    two = embed_text(reply(await cohort.tutor.slash(cohort.channel, "cohort report", days=2)))
    assert "**2** of **2** learners seen were active" in two
    assert f"1. **50%** right of 2 · {thursday_q.prompt[:40]}" in two
    assert "Most chosen wrong:" in two and "Weakest criteria" in two

    refused = await amira.slash(cohort.channel, "cohort report")
    simcord.assert_error(cohort.env, NotTutor)
    assert "tutor command" in refused.response.content


# --- each learner's data --------------------------------------------------------------------------


async def rows_by_user(cohort) -> dict[int, dict[str, int]]:
    """For every table with a user_id column: rows per user."""

    def q(c):
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out: dict[int, dict[str, int]] = {}
        for t in tables:
            if any(col[1] == "user_id" for col in c.execute(f"PRAGMA table_info({t})")):
                for user_id, n in c.execute(f"SELECT user_id, COUNT(*) FROM {t} GROUP BY user_id"):
                    out.setdefault(user_id, {})[t] = n
        return out

    return await cohort.inside.db.read(q)


async def test_privacy_export_then_delete_removes_every_row_about_the_learner_and_nothing_else(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    await daily_answers(cohort, [(amira, False), (ben, True)])
    await cohort.tutor.slash(cohort.channel, "myth post", pack="focus-l2-complaints", hours=24)
    myth_post = cohort.channel.last_message
    myth = await myth_on(cohort, myth_post)
    for learner in (amira, ben):
        await learner.click(myth_post, label=myth.verdict.capitalize())
    quiz = await amira.slash(cohort.channel, "quiz")
    await answer(amira, quiz.response.message, question_in(cohort, quiz.response), right=False)
    await amira.slash(cohort.channel, "privacy leaderboard hide")
    await ben.slash(cohort.channel, "privacy leaderboard hide")
    before = await rows_by_user(cohort)
    assert {"answers", "cards", "points", "score_totals", "myth_answers", "leaderboard_hidden"} <= set(before[amira.id])

    exported = reply(await amira.slash(cohort.channel, "privacy export"))
    assert exported.ephemeral and exported.attachments[0].filename.endswith(".json")
    data = json.loads(await exported.attachments[0].read())
    assert {t: len(rows) for t, rows in data["tables"].items() if rows} == before[amira.id]
    assert all(row["user_id"] == amira.id for rows in data["tables"].values() for row in rows)

    asked = await amira.slash(cohort.channel, "privacy delete")
    assert asked.ephemeral and "cannot be undone" in embed_text(asked.response)
    assert button_labels(asked.response) == ["Delete everything", "Cancel"]
    kept = await amira.click(asked.response, label="Cancel")
    assert "Nothing was deleted" in kept.response.content
    assert await rows_by_user(cohort) == before

    asked = await amira.slash(cohort.channel, "privacy delete")
    done = await amira.click(asked.response, label="Delete everything")
    assert "rows deleted" in done.response.content and done.response.components == []
    after = await rows_by_user(cohort)
    assert amira.id not in after
    assert after == {u: tables for u, tables in before.items() if u != amira.id}

    await ben.slash(cohort.channel, "privacy leaderboard show")
    assert standings(await leaderboard(ben, cohort)) == [(ben.id, 15)]
    report = embed_text(reply(await cohort.tutor.slash(cohort.channel, "cohort report")))
    assert "of **1** learners seen" in report and str(amira.id) not in report
