"""Leaderboards, stats, tutor reports and each learner's data, driven as people would
(SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; London is on UTC in January)."""

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import discord
import simcord
from discord.ext import commands
from PIL import Image

from bot.app import create_bot
from bot.domain import progress as pg
from bot.domain import roleplay as engine
from bot.domain.errors import UserError
from bot.domain.questions import grade
from bot.domain.streaks import Streak
from bot.packs.schema import Myth
from bot.services.progress import CriterionStat, HardQuestion, LearnerLine, PackStat, Report, Stats
from bot.ui.errors import NotTutor
from bot.ui.progress import (
    CARD_WIDTH,
    MAX_CARD_HEIGHT,
    card_height,
    criterion_text,
    progress_card,
    report_embeds,
    stats_embed,
)
from tests.e2e.helpers import (
    answer,
    button_labels,
    custom_ids,
    embed_text,
    option_button,
    question_of,
    reply,
    wrong_choice,
)
from tests.e2e.test_challenges import play_first_choices
from tests.e2e.test_daily import advance_to, bot_posts, setup_daily
from tests.e2e.test_myths import EXAMPLE, myth_on
from tests.e2e.test_roleplay import SCENARIO, field, play_best_path, scenario, scenario_pack

HOUR = 3600
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


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
    assert "**1 answer** · **100%** right" in stats.embeds[0].description  # practice builds mastery


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
    assert "You have left the leaderboards" in embed_text(own) and "**10 pts**" in embed_text(own)
    stats = reply(await amira.slash(cohort.channel, "stats"))
    text = embed_text(stats)
    assert "**1 answer** · **100%** right" in text and "**10 pts** all time" in text
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
    assert_plain_titles_and_footers(weekly, mine)

    await advance_to(env, at(12, 0, 0, 0))  # the next turn, with the bot up: posted on the dot
    assert len(weekly_posts(cohort.channel)) == 2
    second = weekly_posts(cohort.channel)[-1]
    assert "(from Monday 5 January)" in second.embeds[0].title
    assert standings(second) == [(dev.id, 10)]


# --- stats ----------------------------------------------------------------------------------------


def every_criterion(cohort) -> list[tuple[str, str, str]]:
    """(pack title, criterion id, text) for every criterion of the server's packs, pack by pack."""
    lib = cohort.inside.library
    return [(p.pack.title, c.id, c.text) for p in lib.packs(cohort.guild.id) for c in p.pack.criteria]


async def card_of(result) -> tuple[Image.Image, list[str], str]:
    """The progress card attached to a /stats reply: the image, the lines it draws (kept
    as its Description), and its alt text."""
    attachment = reply(result).attachments[0]
    image = Image.open(io.BytesIO(await attachment.read()))
    image.load()  # the whole image decodes
    return image, image.text["Description"].split("\n"), attachment.description


async def test_stats_attach_a_png_progress_card_of_the_stated_size(cohort):
    env, amira = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    q = await daily_answers(cohort, [(amira, True)])

    result = await amira.slash(cohort.channel, "stats")
    stats = reply(result)
    assert stats.ephemeral
    text = embed_text(stats)
    assert "**1 answer** · **100%** right" in text and "**1** (best 1)" in text
    pack = cohort.inside.library.question(cohort.guild.id, q.id)[1]
    criteria_field = next(f for f in stats.embeds[0].fields if f.name == f"Criteria · {pack.title}")
    for cid in pack.criteria:
        if cid.id in q.criteria:
            assert f"**{cid.id}** questions 1 of 1 right · " in criteria_field.value
    assert "role-plays" not in criteria_field.value  # none played
    untried = [c.id for c in pack.criteria if c.id not in q.criteria]
    assert f"Not yet tried: {', '.join(untried)}" in criteria_field.value
    assert stats.embeds[0].image.url.endswith("progress.png")
    image, _, _ = await card_of(result)
    assert image.format == "PNG"
    shown = await cohort.svc.progress.stats(cohort.guild.id, amira.id, env.now())
    assert image.size == (CARD_WIDTH, card_height(shown)) and image.size[0] == 800
    assert image.size[1] <= MAX_CARD_HEIGHT


async def test_the_progress_card_shows_points_and_every_criterion_cut_at_a_word(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    q = await daily_answers(cohort, [(amira, True)])
    q_pack = cohort.inside.library.question(cohort.guild.id, q.id)[1]

    image, drawn, alt = await card_of(await amira.slash(cohort.channel, "stats"))
    assert "10 points (0 this week)" not in drawn  # the week is the one the point was earned in
    assert "10 points (10 this week)" in drawn and "1 streak (best 1)" in drawn
    assert "100% right (of 1 answer)" in drawn
    assert alt.startswith("Progress card for amira: 10 points all time, 10 this week; 1 answer, 100% right")

    # the criteria tried, under their pack's title, each label cut at a word; the rest counted
    labels = [line for line in drawn if re.match(r"AC\d+  ", line)]
    expected = [(t, cid, text) for t, cid, text in every_criterion(cohort) if t == q_pack.title and cid in q.criteria]
    assert len(labels) == len(expected) == len(q.criteria)
    for label, (_, cid, text) in zip(labels, expected, strict=True):
        full = f"{cid}  {criterion_text(text)}"
        if label != full:  # cut at a word, with an ellipsis, never inside one
            assert label.endswith("…") and full.startswith(label[:-1]), label
            assert full[len(label) - 1] in " ,;:—-", label
    assert drawn.count("Questions 1 of 1 right") == len(q.criteria)
    untried = len(every_criterion(cohort)) - len(q.criteria)
    assert f"…and {untried} criteria not yet tried: see /stats" in drawn
    titles = {t for t, _, _ in every_criterion(cohort)}
    assert [line for line in drawn if line in titles] == [q_pack.title]
    assert image.size[1] <= MAX_CARD_HEIGHT

    # a learner with nothing yet: no big 0 for a streak, the points still shown
    _, fresh, _ = await card_of(await ben.slash(cohort.channel, "stats"))
    assert not any(re.fullmatch(r"0 streak.*", line) for line in fresh)
    assert "No streak yet (answer the daily post)" in fresh and "0 points (0 this week)" in fresh
    assert f"{len(every_criterion(cohort))} criteria not yet tried: see /stats" in fresh


async def test_a_plain_member_cannot_see_another_members_stats_but_a_tutor_can(cohort):
    amira, ben = cohort.learners[:2]
    refused = await ben.slash(cohort.channel, "stats", member=amira)
    simcord.assert_error(cohort.env, UserError)
    assert refused.ephemeral and "only tutors can see another learner's" in refused.response.content
    assert not refused.response.attachments

    seen = reply(await cohort.tutor.slash(cohort.channel, "stats", member=amira))
    assert seen.ephemeral and "amira" in seen.embeds[0].title and seen.attachments


# --- role-play evidence in the stats, and a card Discord can show ---------------------------------

HF2_BANK = "hf2dc-sc-bank"  # in "Deliver customer service to difficult customers"; its best path credits AC1–AC5, AC7


async def finished_credit(cohort, learner) -> dict[str, int]:
    """The criteria credit kept in the state of the learner's finished role-play."""
    (state,) = await cohort.inside.db.read(
        lambda c: [
            r[0]
            for r in c.execute(
                "SELECT state FROM roleplay_sessions WHERE user_id = ? AND status = 'finished'", (learner.id,)
            )
        ]
    )
    return engine.state_from_dict(json.loads(state)).credit


def criterion_labels(drawn: list[str]) -> list[str]:
    """The criterion ids the card draws a row for, in order."""
    return [line.split("  ")[0] for line in drawn if re.match(r"AC\d+  ", line)]


async def test_a_finished_role_play_counts_as_tried_with_its_credit_in_stats_and_on_the_card(cohort):
    amira, ben = cohort.learners[:2]
    sc, pack = scenario(cohort, HF2_BANK), scenario_pack(cohort, HF2_BANK)
    best = engine.best_credit(sc)
    assert set(best) == {"AC1", "AC2", "AC3", "AC4", "AC5", "AC7"}
    started = await amira.slash(cohort.channel, "roleplay start", scenario=HF2_BANK)
    await play_best_path(cohort, amira, started.response.message, sc)
    assert await finished_credit(cohort, amira) == best  # full marks on AC1–AC5 and AC7
    total = len(every_criterion(cohort))

    result = await amira.slash(cohort.channel, "stats")
    stats = reply(result)
    assert stats.embeds[0].description == f"No question answers yet (try `/quiz`) · **6** of {total} criteria tried"
    criteria = field(stats, f"Criteria · {pack.title}")
    for cid, pts in best.items():
        assert f"**{cid}** role-plays {pts} of {pts} · " in criteria
    assert "questions" not in criteria and "Not yet tried: AC6" in criteria
    assert pack.title not in field(stats, "Packs not yet tried")
    whole = sum(best.values())
    assert field(stats, "By pack") == f"{pack.title}: role-plays {whole} of {whole}"
    assert field(stats, "Role-plays completed") == "1"
    assert "Role-plays: the credit you earned of what the best path earns." in stats.embeds[0].footer.text

    image, drawn, alt = await card_of(result)
    assert image.size[0] == CARD_WIDTH and image.size[1] <= MAX_CARD_HEIGHT
    assert criterion_labels(drawn) == [c.id for c in pack.criteria if c.id in best]  # the pack's order
    assert [line for line in drawn if line.startswith("Role-plays ")] == [
        f"Role-plays {best[c.id]} of {best[c.id]}" for c in pack.criteria if c.id in best
    ]
    assert pack.title in drawn and f"…and {total - 6} criteria not yet tried: see /stats" in drawn
    assert f"6 of {total} criteria tried: AC1 role-plays 2 of 2 (Deliver customer service to difficult…), AC2 " in alt

    # a question on the same pack: both kinds of evidence side by side, never one percentage
    for _ in range(30):  # /quiz picks at random; nearly every question here touches the role-play's criteria
        quiz = await amira.slash(cohort.channel, "quiz", pack=pack.pack)
        q = question_in(cohort, quiz.response)
        if set(q.criteria) & set(best):
            break
    await answer(amira, quiz.response.message, q, right=False)
    again = await amira.slash(cohort.channel, "stats")
    criteria = field(reply(again), f"Criteria · {pack.title}")
    for cid in set(q.criteria) & set(best):
        assert f"**{cid}** questions 0 of 1 right · role-plays {best[cid]} of {best[cid]} · " in criteria
    assert f"{pack.title}: questions 0 of 1 right (**0%**) · role-plays {whole} of {whole}" in field(
        reply(again), "By pack"
    )
    _, drawn, _ = await card_of(again)
    assert drawn.count("Questions 0 of 1 right") == len(q.criteria)

    # a poor path still tries the criteria its role-play tests: with the credit it earned
    started = await ben.slash(cohort.channel, "roleplay start", scenario=HF2_BANK)
    await play_first_choices(ben, started.response.message, sc)
    earned = await finished_credit(cohort, ben)
    assert not any(earned.values())  # the first choices earn nothing here
    result = await ben.slash(cohort.channel, "stats")
    criteria = field(reply(result), f"Criteria · {pack.title}")
    for cid, pts in best.items():
        assert f"**{cid}** role-plays 0 of {pts} · " in criteria
    assert pack.title not in field(reply(result), "Packs not yet tried")
    _, drawn, _ = await card_of(result)
    assert sorted(criterion_labels(drawn)) == sorted(best)


def test_the_card_stays_short_enough_for_discords_preview_however_much_is_tried():
    """The weakest criteria tried are drawn, up to 1,600 px, in the packs' order; a line
    counts the rest. Here 625 criteria are tried: six with weak answers, three with a
    weak role-play, the rest all right."""
    weak_answers = {("pack-3", f"AC{i}") for i in (2, 5, 9, 11, 17, 20)}
    weak_roleplay = {("pack-7", f"AC{i}") for i in (1, 4, 24)}

    def stat(p: int, i: int) -> CriterionStat:
        key = (f"pack-{p}", f"AC{i}")
        tally = pg.Tally(10, 2 if key in weak_answers else 10, at(1, 9))
        played = pg.Evidence(1, 0, 4, at(1, 9)) if key in weak_roleplay else pg.Evidence()
        return CriterionStat(key[0], f"Pack {p}", key[1], "Learning objective: " + "word " * 30, tally, played)

    crit = [stat(p, i) for p in range(25) for i in range(25)]
    crit.append(CriterionStat("pack-x", "Pack x", "AC1", "Untried", pg.Tally()))
    s = Stats(1, pg.Tally(6250, 6202), [], crit, Streak(3, 9), 4, [], 2, 500, 40, False)
    height = card_height(s)
    assert height <= MAX_CARD_HEIGHT
    image = Image.open(io.BytesIO(progress_card(s, "amira")))
    assert image.size == (CARD_WIDTH, height)
    drawn = image.text["Description"].split("\n")
    rows, pack = [], None
    for line in drawn:
        if line.startswith("Pack "):
            pack = "pack-" + line.removeprefix("Pack ")
        elif re.match(r"AC\d+  ", line):
            rows.append((pack, line.split("  ")[0]))
    assert weak_answers | weak_roleplay <= set(rows) and len(rows) < len(crit)
    assert rows == sorted(rows, key=lambda r: (int(r[0].split("-")[1]), int(r[1][2:])))  # the packs' order
    assert drawn.count("Questions 2 of 10 right") == 6 and drawn.count("Role-plays 0 of 4") == 3
    assert f"…and {625 - len(rows)} more tried, 1 criterion not yet tried: see /stats" in drawn
    assert drawn[drawn.index("Your weakest criteria") + 1].startswith("Questions: the share of your answers right")
    assert "99% right (of 6,250 answers)" in drawn  # the tiles stay
    assert "500 points (40 this week)" in drawn and "3 streak (best 9)" in drawn
    assert not any("Learning objective" in line for line in drawn)


async def test_a_criterion_shows_without_its_learning_objective_or_key_concept_label(cohort):
    """The Pearson pack's own text starts some criteria with its source's heading; the
    stats, the card and the report show the criterion without it."""
    amira = cohort.learners[0]
    lib, g = cohort.inside.library, cohort.guild.id
    pack = next(p.pack for p in lib.packs(g) if p.pack.pack == "pearson-challenging-customers")
    labelled = {c.id: c.text for c in pack.criteria if re.match(r"(Learning objective|Key concept): ", c.text)}
    assert labelled  # the label is in the pack itself
    for _ in range(60):  # /quiz picks at random: about a third of this pack's questions touch them
        quiz = await amira.slash(cohort.channel, "quiz", pack=pack.pack)
        q = question_in(cohort, quiz.response)
        if set(q.criteria) & set(labelled):
            break
    else:
        raise AssertionError("/quiz never served a question on a labelled criterion")
    await answer(amira, quiz.response.message, q, right=True)
    cid = next(c for c in q.criteria if c in labelled)
    plain = re.sub(r"^(Learning objective|Key concept): ", "", labelled[cid])
    assert criterion_text(labelled[cid]) == plain

    result = await amira.slash(cohort.channel, "stats")
    criteria = field(reply(result), f"Criteria · {pack.title}")
    assert f"**{cid}** questions 1 of 1 right · {plain[:30]}" in criteria
    assert "Learning objective" not in criteria and "Key concept" not in criteria
    _, drawn, _ = await card_of(result)
    label = next(line for line in drawn if line.startswith(f"{cid}  "))
    assert label.startswith(f"{cid}  {plain[:30]}")
    report = embed_text(reply(await cohort.tutor.slash(cohort.channel, "cohort report")))
    assert f"**{cid}** · {pack.title[:30]}" in report
    assert "Learning objective" not in report and "Key concept" not in report


# --- tutors ---------------------------------------------------------------------------------------


def readme_columns(heading: str) -> list[str]:
    """The columns the README's progress section lists in the table after ``heading``."""
    section = README.split("### Progress, leaderboards and your data", 1)[1].split("\n## ", 1)[0]
    table = section.split(heading, 1)[1].split("\n\n", 2)[1]
    return re.findall(r"^\s*\| `(\w+)` \|", table, flags=re.M)


async def csv_rows(attachment) -> tuple[list[str], list[dict[str, str]]]:
    text = (await attachment.read()).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


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
    _, rows = await csv_rows(out.attachments[0])
    assert {r["source"] for r in rows} == {"question"}
    got = {(r["user_id"], r["pack"], r["criterion"]): [int(r["attempts"]), int(r["score"])] for r in rows}
    assert got == expected and len(rows) == len(expected)
    for r in rows:
        answers, correct = expected[(r["user_id"], r["pack"], r["criterion"])]
        assert int(r["out_of"]) == answers and int(r["percent"]) == round(100 * correct / answers)
        assert r["display_name"] == {str(amira.id): "amira", str(ben.id): "ben"}[r["user_id"]]
        assert r["criterion_text"] and r["last_activity"].startswith("2026-01-01T09:00")
        assert r["pack_title"] == cohort.inside.library.pack(cohort.guild.id, r["pack"]).pack.title
    amira_detail = {r["detail"] for r in rows if r["user_id"] == str(amira.id)}
    assert amira_detail <= {"daily", "quiz", "daily; quiz"}


async def test_cohort_export_holds_roleplay_reflection_and_myth_evidence_with_the_documented_columns(cohort):
    (amira, ben, chloe, _), lib, g = cohort.learners, cohort.inside.library, cohort.guild.id
    sc, sc_pack = lib.scenario(g, SCENARIO)
    most = {c: m for c, m in engine.max_credit(sc).items() if m > 0}

    # Amira: a challenge attempt on the best path, a STAR reflection, accepted by the tutor
    await cohort.tutor.slash(cohort.channel, "challenge post", scenario=SCENARIO, channel=cohort.channel,
                             deadline="2d", points=20)  # fmt: skip
    post = cohort.channel.last_message
    start = reply(await amira.click(post, label="Attempt"))
    last, _ = await play_best_path(cohort, amira, start.message, sc)
    shown = await amira.click(last, label="Add a STAR reflection")
    star = {"situation": "=A third call about a fee", "task": "Keep her", "action": "Owned it", "result": "Logged"}
    assert "Reflection sent" in reply(await amira.submit_modal(shown, star)).content
    await cohort.tutor.slash(cohort.channel, "challenge mark", learner=amira, decision="accept",
                             feedback="Clear STAR account", bonus=10)  # fmt: skip
    # Ben: the same scenario in free play, always the first choice
    started = await ben.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    await play_first_choices(ben, started.response.message, sc)
    # a cohort myth post (Amira right, Ben wrong) and Chloe's own myth card
    await cohort.tutor.slash(cohort.channel, "myth post", pack="focus-l2-complaints", hours=24)
    myth_post = cohort.channel.last_message
    myth = await myth_on(cohort, myth_post)
    await amira.click(myth_post, label=myth.verdict.capitalize())
    await ben.click(myth_post, label="Fact" if myth.verdict == "myth" else "Myth")
    card = await chloe.slash(cohort.channel, "myth card", pack="focus-l2-complaints")
    card_myth = await myth_on(cohort, card.response)
    await chloe.click(card.response.message, label=card_myth.verdict.capitalize())

    out = reply(await cohort.tutor.slash(cohort.channel, "cohort export"))
    assert "(s)" not in out.content and "3 learners" in out.content and "1 reflection in full" in out.content
    evidence, reflections = out.attachments
    assert evidence.filename.startswith("cohort-evidence-") and reflections.filename.startswith("cohort-reflections-")
    columns, rows = await csv_rows(evidence)
    assert columns == readme_columns("`cohort-evidence-<date>.csv`") and "detail" in columns
    by = {(r["user_id"], r["source"], r["pack"], r["criterion"]): r for r in rows}

    sessions = {
        s[0]: engine.state_from_dict(json.loads(s[1])).credit
        for s in await cohort.inside.db.read(
            lambda c: c.execute("SELECT user_id, state FROM roleplay_sessions WHERE status = 'finished'").fetchall()
        )
    }
    assert set(sessions) == {amira.id, ben.id}
    for learner, label in ((amira, f"{sc.title} (challenge): "), (ben, f"{sc.title}: ")):
        for cid, top in most.items():
            r = by[(str(learner.id), "roleplay", sc_pack.pack, cid)]
            assert (r["attempts"], r["score"], r["out_of"]) == ("1", str(sessions[learner.id].get(cid, 0)), str(top))
            assert r["detail"].startswith(label) and r["pack_title"] == sc_pack.title
    best = engine.best_path(sc).score  # the best path: its credit, criterion by criterion
    assert sum(int(by[(str(amira.id), "roleplay", sc_pack.pack, c)]["score"]) for c in most) == best
    for cid in most:
        r = by[(str(amira.id), "reflection", sc_pack.pack, cid)]
        assert (r["attempts"], r["score"], r["out_of"], r["detail"]) == ("1", "1", "1", "accepted")
    assert not any(k[1] == "reflection" and k[0] != str(amira.id) for k in by)

    myth_pack = lib.myth(g, myth.id)[1].pack
    for learner, right in ((amira, "1"), (ben, "0")):
        for cid in myth.criteria:
            r = by[(str(learner.id), "myth", myth_pack, cid)]
            assert (r["attempts"], r["score"], r["out_of"], r["detail"]) == ("1", right, "1", "cohort post")
    for cid in card_myth.criteria:
        assert by[(str(chloe.id), "myth", myth_pack, cid)]["detail"] == "card"
    assert {r["display_name"] for r in rows} == {"amira", "ben", "chloe"}
    order = [(r["user_id"], r["pack"], r["criterion"]) for r in rows]
    assert order == sorted(order, key=lambda k: (int(k[0]), order.index(k)))  # learner by learner

    columns, full = await csv_rows(reflections)
    assert columns == readme_columns("`cohort-reflections-<date>.csv`")
    (row,) = full
    assert row["user_id"] == str(amira.id) and row["display_name"] == "amira" and row["scenario"] == SCENARIO
    assert row["situation"] == "'=A third call about a fee"  # not run as a formula
    assert (row["task"], row["action"], row["result"]) == ("Keep her", "Owned it", "Logged")
    assert (row["status"], row["feedback"], row["bonus"]) == ("accepted", "Clear STAR account", "10")
    assert row["criteria"].split() == [c.id for c in sc_pack.criteria if c.id in most]  # in the pack's order
    assert row["scenario_title"] == sc.title
    assert row["roleplay_score"] == row["roleplay_best"] == str(engine.best_path(sc).score)


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
    assert day.ephemeral and "Active: **1** of the 2 learners seen (50%)" in text
    assert f"Quiet learners (1)\n<@{ben.id}>" in text

    two = embed_text(reply(await cohort.tutor.slash(cohort.channel, "cohort report", days=2)))
    assert "Active: **2** of the 2 learners seen" in two and "**3 answers** since" in two
    assert f"1. **50%** right of 2 · {thursday_q.prompt[:40]}" in two
    assert "Most chosen wrong:" in two and "Weakest criteria" in two

    refused = await amira.slash(cohort.channel, "cohort report")
    simcord.assert_error(cohort.env, NotTutor)
    assert "tutor command" in refused.response.content


async def quiz_until_a_misconception(cohort, learner):
    """Answer /quiz on the example pack wrong, on an option linked to a myth (its ex-q1:
    option 2 is ex-fix-fast), until a misconception is shown; the answers it took."""
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    for _ in range(60):  # /quiz picks at random
        quiz = await learner.slash(cohort.channel, "quiz", pack="example-heat")
        if quiz.response.embeds[0].description.startswith("A customer raises"):
            fb = reply(await learner.click(quiz.response.message, custom_id=option_button(quiz.response.message, 2)))
            assert "Bust this myth" in button_labels(fb)
            return
    raise AssertionError("/quiz never served ex-q1")


async def test_the_cohort_report_has_a_line_per_learner_a_page_at_a_time(cohort):
    env = cohort.env
    extra = [cohort.guild.add_member(env.create_user(f"learner{i:02}")) for i in range(17)]
    learners = cohort.learners + extra  # 21: one page of 20 and one of 1
    amira, ben = learners[:2]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    wrong = {ben.id, *(m.id for m in extra[:9])}
    q = await daily_answers(cohort, [(m, m.id not in wrong) for m in learners])
    started = await amira.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    await play_first_choices(amira, started.response.message, scenario(cohort))
    await quiz_until_a_misconception(cohort, ben)  # Ben: two answers, both wrong
    # one misconception from the quiz, and one more if the day's wrong answer points at a myth
    myths = 1 + len(set(grade(q, wrong_choice(q)).misconceptions) - {"ex-fix-fast"})

    first = reply(await cohort.tutor.slash(cohort.channel, "cohort report"))
    summary, page = first.embeds
    assert len(summary) + len(page) <= 6000 and len(summary.fields) <= 25
    assert page.title == "👥 Learners · last 7 days"
    assert page.footer.text == "Learners 1 to 20 of 21 · page 1 of 2 · /cohort report page:2 shows the next"
    lines = [line for line in page.description.split("\n") if re.match(r"\d+\. <@", line)]
    assert len(lines) == 20
    # lowest accuracy first, more answers first on a tie, then by id
    answers = {m.id: (2 if m.id == ben.id else 1, 0 if m.id in wrong else 1) for m in learners}
    order = sorted(answers, key=lambda u: (answers[u][1] / answers[u][0], -answers[u][0], u))
    assert [int(re.search(r"<@(\d+)>", line)[1]) for line in lines] == order[:20]
    misconceptions = "1 open misconception" if myths == 1 else f"{myths} open misconceptions"
    assert lines[0] == f"1. <@{ben.id}> · **2 answers** · 0% right · streak 1 · 0 role-plays · {misconceptions}"
    mine = next(line for line in lines if f"<@{amira.id}>" in line)
    assert mine.endswith(f"<@{amira.id}> · **1 answer** · 100% right · streak 1 · 1 role-play · 0 open misconceptions")

    second = reply(await cohort.tutor.slash(cohort.channel, "cohort report", page=2))
    page2 = second.embeds[1]
    assert page2.footer.text == "Learners 21 to 21 of 21 · page 2 of 2"
    (last,) = [line for line in page2.description.split("\n") if re.match(r"\d+\. <@", line)]
    assert last.startswith(f"21. <@{order[20]}> · **1 answer** · 100% right")
    far = reply(await cohort.tutor.slash(cohort.channel, "cohort report", page=9))
    assert far.embeds[1].footer.text == page2.footer.text  # past the end: the last page
    assert_plain_titles_and_footers(first, second)


# --- what people read: plurals, pack titles, plain titles and footers -----------------------------


def assert_plain_titles_and_footers(*messages) -> None:
    """Discord renders timestamps, mentions and markdown only in descriptions and field
    values: none in a title, a footer or an author name."""
    for message in messages:
        for e in message.embeds:
            for where, text in (("title", e.title), ("footer", e.footer.text), ("author", e.author.name)):
                for token in ("<t:", "<@", "**", "`"):
                    assert token not in (text or ""), f"{token!r} in the {where}: {text!r}"


def assert_reads_as_english(cohort, *messages) -> None:
    slugs = [p.id for p in cohort.inside.library.all_packs(cohort.guild.id)]
    for message in messages:
        text = embed_text(message)
        assert "(s)" not in text, text
        assert not re.search(r"\b1\**\s+(answers|rows|learners|cards|points|days|criteria|role-plays)\b", text), text
        assert not re.search(r"\b(0|[2-9]|\d\d+)\**\s+(answer|row|learner|card|role-play)\b(?!-)", text), text
        for slug in slugs:
            assert slug not in text, f"the pack id {slug} is shown: {text}"


async def test_what_people_read_has_plain_plurals_pack_titles_and_plain_titles_and_footers(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    q = await daily_answers(cohort, [(amira, True), (ben, False)])
    q_pack = cohort.inside.library.question(cohort.guild.id, q.id)[1]

    stats = reply(await amira.slash(cohort.channel, "stats"))
    assert "**0 cards** due" in embed_text(stats)
    board = await leaderboard(amira, cohort, pack=q_pack.pack)
    assert q_pack.title in board.embeds[0].title
    report = reply(await cohort.tutor.slash(cohort.channel, "cohort report", days=1))
    assert "**2 answers** since" in embed_text(report) and f"· {q_pack.title[:30]}" in embed_text(report)
    export = reply(await cohort.tutor.slash(cohort.channel, "cohort export"))
    assert export.content.startswith("Portfolio evidence for 2 learners: ")
    data = reply(await amira.slash(cohort.channel, "privacy export"))
    asked = await ben.slash(cohort.channel, "privacy delete")
    done = await ben.click(asked.response, label="Delete everything")
    assert "(s)" not in data.content and " 1 rows" not in data.content and "(s)" not in done.response.content
    assert_reads_as_english(cohort, stats, board, report, export)
    assert_plain_titles_and_footers(stats, board, report, asked.response)


# --- each learner's data --------------------------------------------------------------------------


async def rows_by_user(cohort) -> dict[int, dict[str, int]]:
    """For every table with a user_id column: rows per user."""

    db = cohort.inside.db

    def q(c):
        out: dict[int, dict[str, int]] = {}
        for t in tables_with(c, "user_id", postgres=db.is_postgres):
            for user_id, n in c.execute(f"SELECT user_id, COUNT(*) FROM {t} GROUP BY user_id"):
                out.setdefault(user_id, {})[t] = n
        return out

    return await db.read(q)


def tables_with(c, column: str, *, postgres: bool) -> list[str]:
    """The tables that have ``column``, on either database."""
    if postgres:
        found = c.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = ?",
            (column,),
        )
        return [r[0] for r in found]
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [t for t in tables if any(col[1] == column for col in c.execute(f"PRAGMA table_info({t})"))]


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
    assert "of the 1 learner seen" in report and str(amira.id) not in report


def test_the_report_and_stats_keep_within_discords_limits_however_much_there_is():
    """Straight from the services' records: the longest prompts, criteria and statements a
    pack allows, hundreds of quiet learners, a full page of learners, 25 packs."""
    t, long = pg.Tally(12, 5, at(1, 9)), "word " * 400
    crit = [CriterionStat(f"pack-{p}", long[:100], f"AC{i}", long[:1000], t) for p in range(25) for i in range(25)]
    report = Report(
        days=7,
        since=at(1, 9),
        participation=pg.Participation(900, list(range(400)), [(u, at(1, 9)) for u in range(500)]),
        answers=123_456,
        hardest=[HardQuestion(f"q{i}", long[:1000], "P", t, long[:300], 7) for i in range(5)],
        weakest=crit[:5],
        misconceptions=[(long[:500], 40)] * 5,
        learners=pg.Page(1, 45, 20, 900, [LearnerLine(10**18 + u, t, Streak(99, 120), 40, 12) for u in range(20)]),
    )
    embeds = report_embeds(report)
    stats = stats_embed(
        Stats(
            1,
            t,
            [PackStat(c.pack_id, long[:100], t) for c in crit[::25]],
            crit,
            Streak(3, 9),
            1000,
            [(Myth(id="m", statement=long[:500], verdict="myth", correction="c", explanation="e", criteria=["AC1"]), 3)]
            * 30,
            5,
            100_000,
            900,
            True,
        ),  # fmt: skip
        "x" * 32,
    )
    for message in (embeds, [stats]):
        assert sum(len(e) for e in message) <= 6000
        for e in message:
            assert len(e.fields) <= 25 and len(e.description or "") <= 4096 and len(e.title or "") <= 256
            assert all(len(f.value) <= 1024 and len(f.name) <= 256 and f.value for f in e.fields)
