"""Myth-busting: cards, cohort myth posts, and misconceptions shown and busted."""

from pathlib import Path

import discord
import simcord

from bot.ui.errors import NotTutor
from tests.e2e.helpers import answer, button_labels, custom_ids, embed_text, option_button, reply

EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()


def other(verdict):
    return "fact" if verdict == "myth" else "myth"


async def myth_on(cohort, message):
    cid = custom_ids(message)[0]
    target = cid.split(":")[2]
    if target.startswith("p"):
        target = (await cohort.inside.posts.get(int(target[1:]))).item_id
    else:
        target = target[1:]
    return cohort.inside.library.myth(cohort.guild.id, target)[0]


async def test_a_learner_answers_cards_right_and_wrong_and_sees_the_correction(cohort):
    learner = cohort.learners[0]
    card = await learner.slash(cohort.channel, "myth card", pack="focus-l2-complaints")
    assert card.ephemeral and button_labels(card.response) == ["Myth", "Fact"]
    myth = await myth_on(cohort, card.response)
    right = reply(await learner.click(card.response.message, label=myth.verdict.capitalize()))
    assert f"Right: it is a {myth.verdict.upper()}" in right.embeds[0].title
    assert myth.correction in embed_text(right) and "no leaderboard points" in embed_text(right)

    card = await learner.slash(cohort.channel, "myth card", pack="focus-l2-complaints")
    myth = await myth_on(cohort, card.response)
    wrong = reply(await learner.click(card.response.message, label=other(myth.verdict).capitalize()))
    assert f"Not quite: it is a {myth.verdict.upper()}" in wrong.embeds[0].title
    assert myth.explanation in embed_text(wrong)


def button_styles(message) -> dict[str, object]:
    message = getattr(message, "message", message)
    return {c.label: c.style for row in message.components for c in row.children}


async def test_myth_and_fact_buttons_look_the_same_so_they_give_no_hint(cohort):
    card = await cohort.learners[0].slash(cohort.channel, "myth card", pack="focus-l2-complaints")
    styles = button_styles(card.response)
    assert styles["Myth"] == styles["Fact"] == discord.ButtonStyle.secondary
    await cohort.tutor.slash(cohort.channel, "myth post", pack="focus-l2-complaints", hours=24)
    styles = button_styles(cohort.channel.last_message)
    assert styles["Myth"] == styles["Fact"] == discord.ButtonStyle.secondary


async def test_a_misconception_is_recorded_and_busting_the_myth_clears_it(cohort):
    learner = cohort.learners[0]
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    for _ in range(40):  # /quiz picks at random; two of the pack's four questions carry a misconception
        quiz = await learner.slash(cohort.channel, "quiz", pack="example-heat")
        if quiz.response.embeds[0].description.startswith(("A customer raises", "You should promise")):
            break
    q_id = "ex-q1" if quiz.response.embeds[0].description.startswith("A customer") else "ex-q3"
    q = cohort.inside.library.question(cohort.guild.id, q_id)[0]
    if q.kind == "single":  # option 2 is linked to ex-fix-fast
        fb = reply(await learner.click(quiz.response.message, custom_id=option_button(quiz.response.message, 2)))
    else:
        fb = reply(await answer(learner, quiz.response.message, q, right=False))
    assert "Bust this myth" in button_labels(fb)
    held = await cohort.svc.myths.open_misconceptions(cohort.guild.id, learner.id)
    assert [m.id for m, _ in held] == ["ex-fix-fast"]

    card = reply(await learner.click(fb.message, label="Bust this myth"))
    assert "The fastest fix is always the best service." in embed_text(card)
    busted = reply(await learner.click(card.message, label="Myth"))
    assert "Right" in busted.embeds[0].title and "misconception busted" in embed_text(busted)
    assert await cohort.svc.myths.open_misconceptions(cohort.guild.id, learner.id) == []


async def test_a_cohort_myth_post_closes_with_the_split_even_across_a_restart(cohort, settings):
    env, (amira, ben, chloe, _) = cohort.env, cohort.learners
    result = await cohort.tutor.slash(cohort.channel, "myth post", pack="focus-l2-complaints", hours=24)
    assert "Posted" in reply(result).content
    post = cohort.channel.last_message
    myth = await myth_on(cohort, post)
    right, wrong = myth.verdict.capitalize(), other(myth.verdict).capitalize()
    fb = reply(await amira.click(post, label=right))
    assert "Right" in fb.embeds[0].title and "+5 points" in embed_text(fb)
    await ben.click(post, label=right)
    await chloe.click(post, label=wrong)
    again = reply(await chloe.click(post, label=right))
    assert f"You already answered: {other(myth.verdict)}" in again.embeds[0].title

    await env.advance_time(6 * 3600)
    await cohort.restart(settings)
    assert "closed" not in cohort.channel.last_message.embeds[0].title
    await env.advance_time(18 * 3600 + 1)
    closed = next(m for m in cohort.channel.history() if m.id == post.id)
    text = embed_text(closed)
    assert "(closed)" in closed.embeds[0].title
    assert "How the cohort split (3 answers)" in text
    assert f"67% said {myth.verdict}" in text and f"33% said {other(myth.verdict)}" in text


async def test_a_plain_member_cannot_post_a_myth(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "myth post")
    simcord.assert_error(cohort.env, NotTutor)
    assert "tutor command" in result.response.content
    assert cohort.channel.last_message is None


async def test_the_weekly_myth_is_posted_once_on_its_day(cohort, settings):
    env = cohort.env
    await cohort.tutor.slash(
        cohort.channel, "daily setup", channel=cohort.channel, time="09:00", timezone="Europe/London", days="mon-fri"
    )
    result = await cohort.tutor.slash(cohort.channel, "myth schedule", day=4)  # Friday 2 Jan 2026
    assert "every Friday" in result.response.content
    await env.advance_time(33 * 3600 + 1)  # Friday 09:00:01
    myth_posts = [m for m in cohort.channel.history() if m.embeds[0].title.startswith("Cohort myth")]
    assert len(myth_posts) == 1
    await cohort.restart(settings)
    await env.advance_time(3600)
    assert len([m for m in cohort.channel.history() if m.embeds[0].title.startswith("Cohort myth")]) == 1
