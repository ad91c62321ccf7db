"""Daily questions, driven as a tutor and learners would, on SimCord's virtual clock
(it starts on Thursday 2026-01-01 00:00 UTC)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import yaml
from discord.ext import commands

from tests.e2e.helpers import answer, custom_ids, embed_text, post_id_of, question_of, reply

HOUR = 3600
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_text(encoding="utf-8")


async def setup_daily(cohort, **options):
    options = {"channel": cohort.channel, "time": "09:00", "timezone": "Europe/London", "days": "daily"} | options
    result = await cohort.tutor.slash(cohort.channel, "daily setup", **options)
    assert result.ephemeral and "Daily question set" in result.response.content, result.response.content
    return result


async def advance_to(env, when: datetime):
    """Move the clock to ``when`` a day at a time (each advance has its own settle deadline)."""
    while (left := (when - env.now()).total_seconds()) > 0:
        await env.advance_time(min(left, 24 * HOUR))


def bot_posts(channel):
    return [m for m in channel.history() if m.embeds and m.embeds[0].title.startswith("Daily question")]


def now_shown(cohort, message):
    """``message`` as the channel shows it now (after the bot's edits)."""
    return next(m for m in cohort.channel.history() if m.id == message.id)


async def post_only(cohort, kind: str, prompt: str | None = None):
    """The 09:00 daily post of a pack holding one question: the example pack's question of
    ``kind`` (its prompt replaced by ``prompt``); returns the post and its question."""
    data = yaml.safe_load(EXAMPLE)
    data["questions"] = [q | ({"prompt": prompt} if prompt else {}) for q in data["questions"] if q["kind"] == kind]
    data["scenarios"] = []
    pack = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    up = await cohort.tutor.slash(cohort.channel, "content upload", file=("one.yaml", pack))
    assert "is live" in reply(up).content, reply(up).content
    await setup_daily(cohort, packs=data["pack"])
    await advance_to(cohort.env, datetime(2026, 1, 1, 9, 0, 1, tzinfo=UTC))
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    assert q.kind == kind
    return post, q


async def test_the_daily_question_is_posted_answered_and_revealed(cohort):
    env, (amira, ben, chloe, _) = cohort.env, cohort.learners
    await setup_daily(cohort)
    await advance_to(env, datetime(2026, 1, 1, 9, 0, 1, tzinfo=UTC))
    posts = bot_posts(cohort.channel)
    assert len(posts) == 1
    post = posts[0]
    q = await question_of(cohort, post)
    assert q.prompt in post.embeds[0].description

    right = reply(await answer(amira, post, q, right=True))
    assert right.ephemeral and "Right" in right.embeds[0].title
    assert q.explanation in embed_text(right) and "+10 points" in embed_text(right)
    assert "streak 1" in embed_text(right)

    wrong = reply(await answer(ben, post, q, right=False))
    assert wrong.ephemeral and "Not quite" in wrong.embeds[0].title
    assert "Where it went wrong" in embed_text(wrong) and "+2 points" in embed_text(wrong)

    again = reply(await answer(amira, post, q, right=False))
    assert "already answered" in again.embeds[0].title
    assert "Right" not in again.embeds[0].title and "points" not in embed_text(again)

    await answer(chloe, post, q, right=True)

    # nothing is revealed before the close
    assert "How the cohort answered" not in embed_text(cohort.channel.last_message)
    await env.advance_time(24 * HOUR)
    assert len(bot_posts(cohort.channel)) == 2
    revealed = now_shown(cohort, post)
    text = embed_text(revealed)
    assert "(closed)" in revealed.embeds[0].title
    assert "How the cohort answered (3 answers)" in text
    assert q.explanation in text
    for learner in cohort.learners:
        assert learner.name not in text
    assert revealed.components == []  # nothing left to click on a closed post


async def test_a_closed_multiple_answer_post_keeps_no_menu(cohort):
    post, q = await post_only(cohort, "multiple")
    assert [c.placeholder for row in post.components for c in row.children] == ["Choose all that apply…"]
    await answer(cohort.learners[0], post, q, right=True)
    await cohort.env.advance_time(24 * HOUR)  # the next post closes this one
    closed = now_shown(cohort, post)
    assert "(closed)" in closed.embeds[0].title and "How the cohort answered (1 answer)" in embed_text(closed)
    assert closed.components == [] and custom_ids(closed) == []


async def test_a_late_click_on_a_closed_post_that_kept_its_menu_is_told_it_closed(cohort):
    """A post closed by an older version of the bot (or whose reveal Discord refused) still
    has its menu: a click on it is answered privately, and nothing is recorded."""
    env, late_comer = cohort.env, cohort.learners[3]
    post, q = await post_only(cohort, "multiple")
    env.inject_error("PATCH", f"/channels/{cohort.channel.id}/messages/{post.id}", status=500, times=1)
    await env.advance_time(24 * HOUR)  # closes the post; the edit to its reveal fails
    old = now_shown(cohort, post)
    assert custom_ids(old) == custom_ids(post)  # the menu is still there
    assert (await cohort.inside.posts.get(post_id_of(post))).status == "closed"
    late = reply(await answer(late_comer, old, q, right=True))
    assert late.ephemeral
    assert "closed" in late.embeds[0].title and "points" not in embed_text(late)
    kept = await cohort.inside.db.read(
        lambda c: c.execute(
            "SELECT COUNT(*) FROM answers WHERE post_id = ? AND user_id = ?", (post_id_of(post), late_comer.id)
        ).fetchone()[0]
    )
    assert kept == 0  # nothing recorded after the close


async def test_a_restart_mid_day_keeps_the_buttons_working(cohort, settings):
    env = cohort.env
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    await answer(cohort.learners[0], post, q, right=True)
    await env.advance_time(2 * HOUR)
    await cohort.restart(settings)
    fb = reply(await answer(cohort.learners[1], post, q, right=True))
    assert "Right" in fb.embeds[0].title
    again = reply(await answer(cohort.learners[0], post, q, right=True))
    assert "already answered" in again.embeds[0].title
    await env.advance_time(HOUR)
    assert len(bot_posts(cohort.channel)) == 1  # the restart did not post again


def dormant_bot():
    return commands.Bot(command_prefix="!", intents=discord.Intents.none())


async def bring_down(cohort):
    await cohort.env.bot.close()
    await cohort.env.restart_bot(dormant_bot())


async def test_a_post_missed_while_down_is_made_once_within_the_window(cohort, settings):
    env = cohort.env
    await setup_daily(cohort)
    await env.advance_time(8 * HOUR)  # 08:00
    await bring_down(cohort)
    await env.advance_time(2.5 * HOUR)  # 10:30, down across 09:00
    await cohort.env.restart_bot(__import__("bot.app", fromlist=["create_bot"]).create_bot(settings))
    await env.advance_time(60)
    assert len(bot_posts(cohort.channel)) == 1
    await cohort.restart(settings)
    await env.advance_time(2 * HOUR)
    assert len(bot_posts(cohort.channel)) == 1


async def test_a_post_missed_beyond_the_window_is_skipped(cohort, settings):
    from bot.app import create_bot

    env = cohort.env
    await setup_daily(cohort)
    await env.advance_time(8 * HOUR)
    await bring_down(cohort)
    await env.advance_time(7 * HOUR)  # 15:00: six hours late, past the 3-hour window
    await env.restart_bot(create_bot(settings))
    await env.advance_time(HOUR)
    assert bot_posts(cohort.channel) == []
    await env.advance_time(18 * HOUR)  # the next morning posts as usual
    assert len(bot_posts(cohort.channel)) == 1


async def test_the_post_stays_at_nine_local_across_the_clock_changes(cohort):
    env = cohort.env
    utc_hours = []
    # BST starts on Sun 29 March 2026 and ends on Sun 25 October 2026: check the Friday
    # before and the Monday after each change. The schedule is paused in between.
    for friday, monday in (
        (datetime(2026, 3, 27), datetime(2026, 3, 30)),
        (datetime(2026, 10, 23), datetime(2026, 10, 26)),
    ):
        await advance_to(env, (friday - timedelta(days=1)).replace(tzinfo=UTC))
        if not utc_hours:
            await setup_daily(cohort, days="mon-fri")
        else:
            await cohort.tutor.slash(cohort.channel, "daily resume")
        for day in (friday, monday):
            summer = datetime(2026, 3, 29) < day < datetime(2026, 10, 25)
            nine_local = day.replace(hour=8 if summer else 9, tzinfo=UTC)
            await advance_to(env, nine_local - timedelta(seconds=30))
            before = len(bot_posts(cohort.channel))
            await advance_to(env, nine_local + timedelta(seconds=1))
            assert len(bot_posts(cohort.channel)) == before + 1, f"no post at 09:00 local on {day:%a %d %b}"
            utc_hours.append(nine_local.hour)
        await cohort.tutor.slash(cohort.channel, "daily pause")
    assert utc_hours == [9, 8, 8, 9]


async def test_a_discord_error_on_the_first_attempt_is_retried_and_posts_once(cohort):
    env = cohort.env
    await setup_daily(cohort)
    env.inject_error("POST", f"/channels/{cohort.channel.id}/messages", status=500, times=1)
    await env.advance_time(9 * HOUR + 1)
    assert bot_posts(cohort.channel) == []
    await env.advance_time(60)
    assert len(bot_posts(cohort.channel)) == 1
    await env.advance_time(HOUR)
    assert len(bot_posts(cohort.channel)) == 1


async def test_bad_setup_input_is_explained_and_nothing_is_saved(cohort):
    import simcord

    cases = [
        ({"time": "25:00"}, "24-hour HH:MM"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"days": "someday"}, "mon-fri"),
        ({"packs": "no-such-pack"}, "Unknown or disabled pack"),
    ]
    for options, expected in cases:
        result = await setup_daily_raw(cohort, **options)
        simcord.assert_error(cohort.env)
        assert result.ephemeral and expected in result.response.content, result.response.content
    status = await cohort.tutor.slash(cohort.channel, "daily status")
    assert "No daily question is set up" in status.response.content


async def setup_daily_raw(cohort, **options):
    options = {"channel": cohort.channel, "time": "09:00", "timezone": "Europe/London"} | options
    return await cohort.tutor.slash(cohort.channel, "daily setup", **options)


async def test_status_shows_the_next_post_in_local_time(cohort):
    await setup_daily(cohort, days="mon-fri", time="08:30")
    status = await cohort.tutor.slash(cohort.channel, "daily status")
    text = status.response.content
    assert "08:30" in text and "Monday to Friday" in text
    assert f"<t:{int(datetime(2026, 1, 1, 8, 30, tzinfo=UTC).timestamp())}:F>" in text


async def test_a_post_sent_by_hand_says_why_it_does_not_count_towards_the_streak(cohort):
    env, learner = cohort.env, cohort.learners[0]
    await setup_daily(cohort)
    await env.advance_time(9 * HOUR + 1)
    scheduled = bot_posts(cohort.channel)[0]
    fb = reply(await answer(learner, scheduled, await question_of(cohort, scheduled), right=True))
    assert "streak 1 (best 1)" in embed_text(fb) and "by hand" not in embed_text(fb)

    sent = await cohort.tutor.slash(cohort.channel, "daily post")
    assert "Posted" in reply(sent).content
    by_hand = cohort.channel.last_message
    assert by_hand.id != scheduled.id
    fb = reply(await answer(learner, by_hand, await question_of(cohort, by_hand), right=True))
    footer = fb.embeds[0].footer.text
    assert "+10 points" in footer
    assert "This post was sent by hand, so it does not count towards your streak. It stays at 1." in footer
    assert "streak 0" not in footer and "best" not in footer

    first_timer = cohort.learners[1]  # no streak yet: nothing to say it stays at
    fb = reply(await answer(first_timer, by_hand, await question_of(cohort, by_hand), right=False))
    footer = fb.embeds[0].footer.text
    assert footer.endswith("does not count towards your streak."), footer
    assert "+2 points" in footer and "streak 0" not in footer
