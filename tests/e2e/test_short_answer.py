"""Short-answer questions, typed into a box as a learner would: on a daily cohort post,
in /quiz and /revise, across a restart, and with odd input. The pack is
tests/data/short_answer_pack.yaml (every question in it is a short answer)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.services.answering import EMPTY, decode, encode
from bot.ui import questions as ui
from tests.e2e.helpers import button_labels, custom_ids, embed_text, post_id_of, question_of, reply
from tests.e2e.test_daily import advance_to, bot_posts, now_shown, setup_daily
from tests.faults.test_hostile_input import assert_no_ping

PACK_FILE = Path(__file__).resolve().parents[1] / "data" / "short_answer_pack.yaml"
PACK = yaml.safe_load(PACK_FILE.read_text(encoding="utf-8"))
PACK_ID = PACK["pack"]
NINE = datetime(2026, 1, 1, 9, 0, 1, tzinfo=UTC)  # SimCord's clock starts at 00:00 on Thursday 1 January
BUTTON = "Type your answer"


async def upload(cohort, data: dict | None = None) -> None:
    text = yaml.safe_dump(data or PACK, sort_keys=False, allow_unicode=True).encode()
    up = await cohort.tutor.slash(cohort.channel, "content upload", file=("short.yaml", text))
    assert "is live" in reply(up).content, reply(up).content


async def daily_post(cohort, data: dict | None = None, **options):
    """The 09:00 post from the short-answer pack (or ``data``), and its question."""
    await upload(cohort, data)
    await setup_daily(cohort, packs=(data or PACK)["pack"], **options)
    await advance_to(cohort.env, NINE)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    assert q.kind == "short_answer"
    return post, q


async def type_answer(member, message, text: str):
    """Press "Type your answer" on ``message``, type ``text`` in the box and send it."""
    shown = await member.click(message, label=BUTTON)
    assert shown.modal is not None, "the button opens a box to type in"
    return await member.submit_modal(shown, {"answer": text})


def text_input(box: dict) -> dict:
    """The one text field of a modal's payload (inside an action row or a label)."""
    found = []

    def walk(component: dict) -> None:
        if component.get("type") == 4:
            found.append(component)
        for child in [*component.get("components", []), *filter(None, [component.get("component")])]:
            walk(child)

    for row in box["components"]:
        walk(row)
    assert len(found) == 1, box
    return found[0]


def typed_right(q) -> str:
    """An accepted answer as a learner might type it: other capitals, spaces and punctuation."""
    return f"  {q.answers[0].upper().replace(' ', '  ')}. "


WRONG = "I think it is the Freedom of Information Act"


async def answers_kept(cohort, post_id: int) -> list[tuple[int, str, int]]:
    return await cohort.inside.db.read(
        lambda c: c.execute(
            "SELECT user_id, choice, correct FROM answers WHERE post_id = ? ORDER BY id", (post_id,)
        ).fetchall()
    )


async def points_of(cohort, user_id: int) -> int:
    return await cohort.inside.db.read(
        lambda c: c.execute(
            "SELECT COALESCE(SUM(points), 0) FROM points WHERE guild_id = ? AND user_id = ?",
            (cohort.guild.id, user_id),
        ).fetchone()[0]
    )


def shown_question(cohort, message):
    """The question a practice message (/quiz, /revise) serves, from its button's target."""
    target = next(cid for cid in custom_ids(message) if cid.startswith("rb:say:")).split(":")[2]
    return cohort.inside.library.question(cohort.guild.id, target[1:])[0]


# --- the daily post ---------------------------------------------------------------------------------


async def test_a_daily_short_answer_typed_right_and_wrong_gets_private_feedback_and_points(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    post, q = await daily_post(cohort)
    assert button_labels(post) == [BUTTON] and custom_ids(post) == [f"rb:say:p{post_id_of(post)}"]
    assert q.prompt in post.embeds[0].description
    assert "Type your answer" in post.embeds[0].description
    assert post.embeds[0].footer.text == "Press “Type your answer” to answer: only you see your feedback."

    shown = await amira.click(post, label=BUTTON)
    box = shown.modal
    assert len(box["title"]) <= 45 and box["title"] == "Type your answer"
    field = text_input(box)
    assert len(field["label"]) <= 45 and field["max_length"] == 100 and field["custom_id"] == "answer"
    right = reply(await amira.submit_modal(shown, {"answer": typed_right(q)}))
    assert right.ephemeral and "Right" in right.embeds[0].title
    text = embed_text(right)
    assert q.explanation in text and "+10 points" in text and "streak 1" in text
    assert "The answer" not in text  # a right answer needs no correction

    wrong = reply(await type_answer(ben, post, WRONG))
    assert wrong.ephemeral and "Not quite" in wrong.embeds[0].title
    fields = {f.name: f.value for f in wrong.embeds[0].fields}
    assert fields["Your answer"] == WRONG
    assert fields["The answer"].startswith(f"**{q.answers[0]}**")
    assert fields["Where it went wrong"] == q.wrong_feedback and fields["Why"] == q.explanation
    assert "+2 points" in embed_text(wrong)

    kept = await answers_kept(cohort, post_id_of(post))
    assert [(u, decode(c), r) for u, c, r in kept] == [
        (amira.id, " ".join(typed_right(q).split()), 1),  # as typed, spaces tidied
        (ben.id, WRONG, 0),
    ]
    assert (await points_of(cohort, amira.id), await points_of(cohort, ben.id)) == (10, 2)

    await env.advance_time(24 * 3600)  # the next post closes this one
    revealed = now_shown(cohort, post)
    text = embed_text(revealed)
    assert "(closed)" in revealed.embeds[0].title and revealed.components == []
    assert "How the cohort answered (2 answers)" in text
    assert "50% · Accepted answer" in text and "50% · Another answer" in text
    assert f"**{q.answers[0]}**" in text and WRONG not in text  # nobody's typing is shown to the channel


async def test_a_second_answer_is_not_counted_twice(cohort, settings):
    amira = cohort.learners[0]
    post, q = await daily_post(cohort)
    first = reply(await type_answer(amira, post, WRONG))
    assert "Not quite" in first.embeds[0].title

    again = reply(await type_answer(amira, post, q.answers[0]))
    assert again.ephemeral and "already answered" in again.embeds[0].title
    fields = {f.name: f.value for f in again.embeds[0].fields}
    assert fields["Your answer"] == WRONG  # the first answer stands
    assert "points" not in embed_text(again)

    await cohort.restart(settings)
    after = reply(await type_answer(amira, now_shown(cohort, post), q.answers[0]))
    assert "already answered" in after.embeds[0].title
    assert len(await answers_kept(cohort, post_id_of(post))) == 1
    assert await points_of(cohort, amira.id) == 2


async def test_the_button_works_after_a_restart(cohort, settings):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    post, q = await daily_post(cohort)
    await type_answer(amira, post, typed_right(q))
    await env.advance_time(3600)
    await cohort.restart(settings)
    fb = reply(await type_answer(ben, post, q.answers[-1].lower()))
    assert "Right" in fb.embeds[0].title and "+10 points" in embed_text(fb)
    assert [u for u, _, _ in await answers_kept(cohort, post_id_of(post))] == [amira.id, ben.id]


async def test_a_box_sent_after_the_post_closed_records_nothing(cohort):
    env, amira = cohort.env, cohort.learners[0]
    post, q = await daily_post(cohort, answer_hours=1)
    await env.advance_time(59 * 60)  # 09:59: the box is opened before the close ...
    shown = await amira.click(post, label=BUTTON)
    await env.advance_time(2 * 60)  # ... and sent after it
    late = reply(await amira.submit_modal(shown, {"answer": q.answers[0]}))
    assert late.ephemeral and "closed" in late.embeds[0].title
    fields = {f.name: f.value for f in late.embeds[0].fields}
    assert fields["You wrote"] == q.answers[0] and "points" not in embed_text(late)
    assert await answers_kept(cohort, post_id_of(post)) == []
    assert "Nobody answered this one." in embed_text(now_shown(cohort, post))


async def test_a_wrong_answer_with_a_misconception_offers_to_bust_the_myth(cohort):
    data = dict(PACK, questions=[q for q in PACK["questions"] if q["id"] == "sa-q01"])  # the one with a myth
    post, q = await daily_post(cohort, data)
    fb = reply(await type_answer(cohort.learners[0], post, "Sale of Goods Act 1979"))
    assert "Not quite" in fb.embeds[0].title and "Bust this myth" in button_labels(fb)
    assert f"rb:bust:{q.misconception}" in custom_ids(fb)


# --- odd input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["...", "🙂" * 100, "—  !?"])
async def test_an_answer_with_no_letter_or_digit_is_refused_and_saves_nothing(cohort, typed):
    amira = cohort.learners[0]
    post, q = await daily_post(cohort)
    refused = reply(await type_answer(amira, post, typed))
    assert refused.ephemeral and refused.content == EMPTY
    assert await answers_kept(cohort, post_id_of(post)) == []
    fb = reply(await type_answer(amira, post, q.answers[0]))  # the learner can still answer
    assert "Right" in fb.embeds[0].title


async def test_mentions_and_markdown_typed_are_shown_escaped_and_ping_nobody(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    post, _ = await daily_post(cohort)
    typed = f"<@{ben.id}> @everyone <@&{cohort.tutor_role.id}> **bold** ||x|| [a](https://x.test)"
    start = len(env.http_requests)
    fb = reply(await type_answer(amira, post, typed))
    assert "Not quite" in fb.embeds[0].title
    assert_no_ping(env, start, fb.message)
    value = {f.name: f.value for f in fb.embeds[0].fields}["Your answer"]
    assert value == (
        f"\\<\\@{ben.id}\\> \\@everyone \\<\\@&{cohort.tutor_role.id}\\> \\*\\*bold\\*\\* \\|\\|x\\|\\| "
        "\\[a\\]\\(https\\://x.test\\)"
    )
    assert [decode(c) for _, c, _ in await answers_kept(cohort, post_id_of(post))] == [typed]  # kept as typed

    report = embed_text(reply(await cohort.tutor.slash(cohort.channel, "cohort report")))
    assert "Most chosen wrong: “\\<\\@" in report  # the tutor sees it escaped too


async def test_the_box_refuses_more_than_100_characters_and_takes_100(cohort):
    import simcord

    amira = cohort.learners[0]
    post, _ = await daily_post(cohort)
    shown = await amira.click(post, label=BUTTON)
    with pytest.raises(simcord.SetupError, match="max_length"):
        await amira.submit_modal(shown, {"answer": "x" * 101})
    fb = reply(await amira.submit_modal(shown, {"answer": "🙂a" * 50}))
    assert "Not quite" in fb.embeds[0].title
    assert all(len(f.value) <= 1024 for f in fb.embeds[0].fields)


def test_typed_text_is_stored_as_json_text_apart_from_indexes():
    assert encode("Data Protection Act 2018.") == '"Data Protection Act 2018."'
    assert decode(encode("1")) == "1" and decode(encode(1)) == 1  # typed digits stay text


def test_the_button_template_accepts_only_well_formed_ids():
    template = ui.TypeAnswerButton.__discord_ui_compiled_template__
    for custom_id, matches in [
        ("rb:say:p12", True),
        ("rb:say:qsa-q01", True),
        ("rb:say:rsa-q01", True),
        ("rb:say:p12:0", False),
        ("rb:say:q@everyone", False),
        ("rb:say:p" + "9" * 20, False),
    ]:
        assert bool(template.fullmatch(custom_id)) is matches, custom_id
    assert len(ui.TypeAnswerButton("q" + "a" * 40).custom_id) <= 100


# --- practice: /quiz and /revise --------------------------------------------------------------------


async def test_quiz_serves_a_short_answer_and_revise_brings_a_wrong_one_back(cohort):
    env, amira = cohort.env, cohort.learners[0]
    await upload(cohort)
    quiz = await amira.slash(cohort.channel, "quiz", pack=PACK_ID)
    assert quiz.ephemeral and "Practice question" in quiz.response.embeds[0].title
    q = shown_question(cohort, quiz.response)
    assert custom_ids(quiz.response) == [f"rb:say:q{q.id}"]
    assert q.prompt in quiz.response.embeds[0].description

    wrong = reply(await type_answer(amira, quiz.response.message, WRONG))
    assert "Not quite" in wrong.embeds[0].title and "no leaderboard points" in embed_text(wrong)
    assert wrong.message.id == quiz.response.message.id  # the practice message became its feedback
    assert "Another question" in button_labels(wrong)

    await env.advance_time(11 * 60)
    card = await amira.slash(cohort.channel, "revise")
    assert card.ephemeral and "Revision card" in card.response.embeds[0].title
    assert q.prompt in card.response.embeds[0].description
    assert custom_ids(card.response) == [f"rb:say:r{q.id}"]
    fb = reply(await type_answer(amira, card.response.message, typed_right(q)))
    assert "Right" in fb.embeds[0].title and "no leaderboard points" in embed_text(fb)
    due = await cohort.inside.answers.next_due(cohort.guild.id, amira.id)
    assert due - env.now() >= timedelta(days=1)

    kept = await cohort.inside.db.read(
        lambda c: c.execute("SELECT source, choice, correct FROM answers ORDER BY id").fetchall()
    )
    assert [(s, decode(ch), r) for s, ch, r in kept] == [
        ("quiz", WRONG, 0),
        ("revise", " ".join(typed_right(q).split()), 1),
    ]


async def test_a_quiz_message_from_before_a_restart_still_takes_an_answer(cohort, settings):
    amira = cohort.learners[0]
    await upload(cohort)
    quiz = await amira.slash(cohort.channel, "quiz", pack=PACK_ID)
    q = shown_question(cohort, quiz.response)
    await cohort.restart(settings)
    fb = reply(await type_answer(amira, quiz.response.message, q.answers[0].lower()))
    assert "Right" in fb.embeds[0].title


# --- what tutors and learners read back ----------------------------------------------------------------


async def test_stats_the_report_and_the_export_count_short_answers(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    post, q = await daily_post(cohort)
    await type_answer(amira, post, typed_right(q))
    await type_answer(ben, post, "sale of goods act")
    await env.advance_time(3600)

    stats = reply(await amira.slash(cohort.channel, "stats"))
    assert stats.ephemeral

    report = embed_text(reply(await cohort.tutor.slash(cohort.channel, "cohort report")))
    assert "**50%** right of 2" in report and "Most chosen wrong: “sale of goods act” (1)" in report

    out = reply(await cohort.tutor.slash(cohort.channel, "cohort export"))
    text = (await out.attachments[0].read()).decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["source"] == "question"]
    got = {(r["user_id"], r["criterion"]): (r["attempts"], r["score"]) for r in rows}
    assert got == {(str(amira.id), c): ("1", "1") for c in q.criteria} | {
        (str(ben.id), c): ("1", "0") for c in q.criteria
    }
