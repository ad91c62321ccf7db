"""What a newcomer reads: markup only where Discord renders it (a footer, a title, an
author or a field name shows ``<t:...>``, mentions and markdown as raw text), close times
on live posts, criteria short on a post and in full in the feedback, and counts that
read as English ("1 card", never "1 card(s)")."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.helpers import answer, embed_text, question_of, reply
from tests.e2e.test_challenges import play_first_choices
from tests.e2e.test_daily import advance_to, bot_posts, post_only, setup_daily
from tests.e2e.test_roleplay import SCENARIO, scenario

HOUR = 3600
# A timestamp, a user, role or channel mention, bold, underline or code: raw text outside
# a description or a field value.
MARKUP = re.compile(r"<t:-?\d+(:[tTdDfFR])?>|<@[!&]?\d+>|<#\d+>|\*\*|__|`")


def unrendered_markup(message) -> list[str]:
    """Where ``message``'s embeds put markup that Discord shows as it is written."""
    found = []
    for e in getattr(message, "embeds", []):
        places = [("title", e.title), ("footer", e.footer.text), ("author", e.author.name)]
        places += [("field name", f.name) for f in e.fields]
        found += [f"{where}: {text!r}" for where, text in places if text and MARKUP.search(text)]
    return found


def ts(when: datetime, style: str) -> str:
    return f"<t:{int(when.timestamp())}:{style}>"


def no_plural_hedges(text: str) -> None:
    assert "(s)" not in text, text
    assert not re.search(r"\b1 (points|cards|answers|attempts|problems|things|questions|myths|terms)\b", text), text


async def test_a_closed_daily_post_shows_when_it_closed_where_discord_renders_it(cohort):
    env, (amira, ben, *_) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await advance_to(env, datetime(2026, 1, 1, 9, 0, 1, tzinfo=UTC))
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    fbs = [reply(await answer(amira, post, q, right=True)), reply(await answer(ben, post, q, right=False))]
    fbs.append(reply(await answer(amira, post, q, right=False)))  # already answered
    await env.advance_time(24 * HOUR)  # the next post closes this one
    closed = next(m for m in cohort.channel.history() if m.id == post.id)
    assert "(closed)" in closed.embeds[0].title
    assert unrendered_markup(closed) == []
    closed_at = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    description = closed.embeds[0].description
    assert re.search(r"Answers closed <t:(\d+):f>", description)
    stamp = int(re.search(r"Answers closed <t:(\d+):f>", description)[1])
    assert abs(stamp - closed_at.timestamp()) < 60
    no_plural_hedges(embed_text(closed))
    for fb in fbs:
        assert unrendered_markup(fb) == [], fb.embeds[0].to_dict()
        no_plural_hedges(embed_text(fb))


@pytest.mark.parametrize(
    ("kind", "says", "not_said"),
    [
        ("single", "Answer with the buttons", "menu"),
        ("true_false", "Answer with the buttons", "menu"),
        ("multiple", "Answer with the menu below", "button"),
        ("order", "Press “Put in order”", "menu"),
    ],
)
async def test_a_daily_post_says_how_to_answer_with_what_it_has(cohort, kind, says, not_said):
    post, _ = await post_only(cohort, kind)
    footer = post.embeds[0].footer.text
    assert footer.startswith(says) and footer.endswith("only you see your feedback."), footer
    assert not_said not in footer.lower(), footer
    kinds = {type(c).__name__ for row in post.components for c in row.children}
    assert kinds == ({"SelectMenu"} if kind == "multiple" else {"Button"}), kinds


@pytest.mark.parametrize(
    "prompt",
    [
        "Which of these are de-escalation techniques? Choose all that apply.",  # as the shipped packs write it
        "Which of these are de-escalation techniques?",
    ],
)
async def test_a_multiple_answer_post_says_choose_all_that_apply_once(cohort, prompt):
    post, _ = await post_only(cohort, "multiple", prompt)
    description = post.embeds[0].description
    assert description.startswith(prompt)
    assert embed_text(post).lower().count("all that apply") == 1, description


async def test_the_already_answered_reply_does_not_repeat_discords_only_you_can_see_this(cohort):
    env, learner = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    await answer(learner, post, q, right=True)
    again = reply(await answer(learner, post, q, right=True))
    assert again.ephemeral and "already answered" in again.embeds[0].title
    assert "Only you can see this" not in embed_text(again)  # Discord writes it under the reply itself


async def test_a_live_daily_post_shows_when_answers_close(cohort):
    env = cohort.env
    await setup_daily(cohort)  # no answer_hours: a post closes when the next one goes out
    await advance_to(env, datetime(2026, 1, 1, 9, 0, 1, tzinfo=UTC))
    live = bot_posts(cohort.channel)[0]
    next_post = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    assert f"Answers close when the next question is posted, due {ts(next_post, 'f')}" in live.embeds[0].description
    assert ts(next_post, "R") in live.embeds[0].description
    assert "No answers yet" in live.embeds[0].description
    assert unrendered_markup(live) == []

    await setup_daily(cohort, answer_hours=3)
    await advance_to(env, datetime(2026, 1, 2, 9, 0, 1, tzinfo=UTC))
    timed = cohort.channel.last_message
    assert timed.id != live.id
    description = timed.embeds[0].description
    found = re.search(r"Answers close <t:(\d+):f> \(<t:(\d+):R>\)\.", description)
    assert found and found[1] == found[2], description
    assert abs(int(found[1]) - datetime(2026, 1, 2, 12, 0, tzinfo=UTC).timestamp()) < 5
    assert "next question" not in description
    assert unrendered_markup(timed) == []
    # the post from yesterday had no deadline: this one closed it
    assert "(closed)" in next(m for m in cohort.channel.history() if m.id == live.id).embeds[0].title


async def test_a_post_shows_criteria_short_and_the_feedback_in_full(cohort):
    env, learner = cohort.env, cohort.learners[0]
    await setup_daily(cohort, packs="highfield-l2-difficult-customers")
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    pack = cohort.inside.library.question(cohort.guild.id, q.id)[1]
    texts = {c.id: c.text for c in pack.criteria}
    on_post = next(f.value for f in post.embeds[0].fields if f.name == "Assessment criteria")
    for cid in q.criteria:
        assert f"**{cid}**" in on_post
        assert texts[cid] not in on_post  # cut short: every criterion here is longer than that
    fb = reply(await answer(learner, post, q, right=True))
    in_feedback = next(f.value for f in fb.embeds[0].fields if f.name == "Assessment criteria")
    for cid in q.criteria:
        assert f"**{cid}** {texts[cid]}" in in_feedback


async def test_a_cohort_myth_shows_its_close_time_in_the_description(cohort):
    await cohort.tutor.slash(cohort.channel, "myth post", pack="focus-l2-complaints", hours=24)
    post = cohort.channel.last_message
    closes = cohort.env.now() + timedelta(hours=24)
    description = post.embeds[0].description
    stamp = int(re.search(r"Answers close <t:(\d+):f>", description)[1])
    assert abs(stamp - closes.timestamp()) < 5
    assert unrendered_markup(post) == []
    fb = reply(await cohort.learners[0].click(post, label="Myth"))
    assert unrendered_markup(fb) == []
    no_plural_hedges(embed_text(fb))


async def test_challenge_texts_read_as_english_for_one_attempt(cohort):
    env, amira = cohort.env, cohort.learners[0]
    sc = scenario(cohort)
    await cohort.tutor.slash(
        cohort.channel, "challenge post", scenario=SCENARIO, channel=cohort.channel, deadline="1d", points=1
    )
    post = cohort.channel.last_message
    assert "up to 1 point." in embed_text(post)
    assert unrendered_markup(post) == []
    start = reply(await amira.click(post, label="Attempt"))
    await play_first_choices(amira, start.message, sc)
    results = await cohort.tutor.slash(cohort.channel, "challenge results")
    text = embed_text(results.response)
    assert "1 attempt." in text
    no_plural_hedges(text)
    assert unrendered_markup(results.response) == []
    await env.advance_time(24 * HOUR + 1)
    closed = next(m for m in cohort.channel.history() if m.id == post.id)
    assert "1 attempt, 1 finished" in embed_text(closed)
    no_plural_hedges(embed_text(closed))
    assert unrendered_markup(closed) == []


async def test_revise_counts_one_card_as_one_card(cohort):
    env, learner = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    await answer(learner, post, q, right=False)
    await env.advance_time(11 * 60)
    card = await learner.slash(cohort.channel, "revise")
    assert card.response.embeds[0].footer.text.startswith("1 card due."), card.response.embeds[0].footer.text
    no_plural_hedges(embed_text(card.response))


async def test_help_and_settings_keep_markup_out_of_titles_and_footers(cohort):
    for who, command in ((cohort.learners[0], "help"), (cohort.tutor, "settings show"), (cohort.tutor, "content list")):
        result = await who.slash(cohort.channel, command)
        assert unrendered_markup(result.response) == [], command
        no_plural_hedges(embed_text(result.response))


async def test_daily_status_has_a_heading_and_names_packs_by_title(cohort):
    await setup_daily(cohort, packs="focus-l2-complaints")
    status = await cohort.tutor.slash(cohort.channel, "daily status")
    text = status.response.content
    assert text.splitlines()[0] == "📅 **The daily question**"
    title = cohort.inside.library.pack(cohort.guild.id, "focus-l2-complaints").pack.title
    assert f"Packs: **{title}**" in text and "focus-l2-complaints" not in text
