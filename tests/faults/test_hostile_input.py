"""Stale and hostile input: a question removed from its pack, tampered custom_ids, option
values out of range, mentions and markdown in text the bot echoes. Each gets a clear
private message, nothing is stored, and nobody is pinged.

SimCord only clicks components that are on a message. To deliver custom_ids the bot never
made, the test has the bot itself send a message carrying crafted components (the view
is stopped at once, so only the bot's registered DynamicItems can answer them): the click
then reaches the bot exactly as a tampered click from Discord would.
"""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import yaml

from bot.services.answering import GONE
from bot.ui import questions as ui
from tests.e2e.helpers import answer, embed_text, post_id_of, question_of, reply
from tests.e2e.test_daily import bot_posts, setup_daily

HOUR = 3600
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_text(encoding="utf-8")
HOSTILE = "@everyone @here <@&{role}> <@{user}> **bold** __under__ ~~gone~~ ||spoiler|| `code` [link](https://x.test)"


async def stored(inside) -> tuple[int, int, int, int]:
    return await inside.db.read(
        lambda c: tuple(
            c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("answers", "points", "cards", "score_totals")
        )
    )


async def crafted(env, channel, components) -> discord.Message:
    """A message from the bot carrying components whose custom_ids the test chose."""
    view = discord.ui.View(timeout=None)
    for item in components:
        view.add_item(item)
    message = await env.bot.get_channel(channel.id).send("crafted", view=view)
    view.stop()  # not dispatched to this view: only the registered DynamicItems can take the click
    return message


def message_payloads(env, start: int) -> list[dict]:
    """The bodies of the messages the bot sent or edited since request ``start``."""
    out = []
    for entry in env.http_requests[start:]:
        body = entry.json or {}
        if entry.path.endswith("/callback"):
            body = body.get("data") or {}
        if entry.method in ("POST", "PATCH") and ("content" in body or "embeds" in body):
            out.append(body)
    return out


def assert_no_ping(env, start: int, message: discord.Message) -> None:
    """Nothing the bot sent may ping: every message went out with no mention allowed
    (SimCord still lists the users and roles written in the text, as parsed mentions)."""
    payloads = message_payloads(env, start)
    assert payloads
    for body in payloads:
        assert body.get("allowed_mentions") == {"parse": []}, body
    assert message.mention_everyone is False


async def posted_daily(cohort):
    await setup_daily(cohort)
    await cohort.env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    return post, await question_of(cohort, post)


async def test_a_click_on_a_question_removed_from_its_pack_is_explained_and_stores_nothing(cohort):
    env, inside, amira = cohort.env, cohort.inside, cohort.learners[0]
    up = await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE.encode()))
    assert "is live" in reply(up).content
    post, q = await posted_daily_from(cohort, "example-heat")

    data = yaml.safe_load(EXAMPLE)  # version 2 of the pack, without the posted question
    data["questions"] = [x for x in data["questions"] if x["id"] != q.id]
    v2 = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    assert (
        "(version 2)"
        in reply(await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", v2))).content
    )
    before = await stored(inside)
    if q.kind == "order":
        result = await amira.click(post, label="Put in order")
        assert "no longer available" in reply(result).content
    else:
        result = await answer(amira, post, q, right=True)
        assert reply(result).content == GONE
    assert result.acknowledged and reply(result).ephemeral
    assert await stored(inside) == before

    await env.advance_time(24 * HOUR)  # closing a post whose question is gone does not crash
    assert len(bot_posts(cohort.channel)) == 2


async def posted_daily_from(cohort, pack: str):
    await setup_daily(cohort, packs=pack)
    await cohort.env.advance_time(9 * HOUR + 1)
    post = bot_posts(cohort.channel)[0]
    q = await question_of(cohort, post)
    assert q.id.startswith("ex-")
    return post, q


async def test_tampered_custom_ids_get_a_clear_private_message_and_store_nothing(cohort):
    env, inside, amira = cohort.env, cohort.inside, cohort.learners[0]
    post, q = await posted_daily(cohort)
    pid = post_id_of(post)
    other = await inside.posts.claim(cohort.guild.id + 1, "daily", "2026-01-01", q.id, 1, env.now())  # another server's
    wrong_kind = "t" if q.kind != "true_false" else "3"
    cases = {
        f"rb:ans:p{pid}:9": "does not fit this question",  # option out of range
        f"rb:ans:p{pid}:{wrong_kind}": "does not fit this question",  # a value of another kind of question
        "rb:ans:p999999:0": "cannot find that question post",  # no such post
        f"rb:ans:p{other.id}:0": "cannot find that question post",  # another server's post
        "rb:ans:p9223372036854775808:0": "cannot find that question post",  # past SQLite's integers
        "rb:ans:qno-such-question:0": "no longer available",  # practice: unknown question
        f"rb:ord:p{pid}:00": "out of date",  # order picker: a step twice
    }
    buttons = [discord.ui.Button(label=f"b{i}", custom_id=cid) for i, cid in enumerate(cases)]
    select = discord.ui.Select(
        custom_id=f"rb:sel:p{pid}",
        options=[discord.SelectOption(label=v, value=v) for v in ("0", "7", "x")],
        max_values=3,
    )
    message = await crafted(env, cohort.channel, buttons[:5])
    message2 = await crafted(env, cohort.channel, [*buttons[5:], select])
    before = await stored(inside)
    for i, (cid, expected) in enumerate(cases.items()):
        result = await amira.click(message if i < 5 else message2, custom_id=cid)
        shown = reply(result)
        assert result.acknowledged and shown.ephemeral, cid
        assert expected in shown.content, (cid, shown.content)
        assert "something went wrong" not in shown.content, cid
    for values in (["7"], ["0", "x"]):  # select values out of range, and not numbers
        result = await amira.select(message2, values, custom_id=f"rb:sel:p{pid}")
        assert result.acknowledged and reply(result).ephemeral
        assert "does not fit this question" in reply(result).content
    # Role-play and reflection ids past SQLite's integers: out of date, not an error.
    huge = ["rb:rp:9223372036854775808:0:0", "rb:rpw:9999999999999999999:0", "rb:refl:9223372036854775808"]
    message3 = await crafted(
        env, cohort.channel, [discord.ui.Button(label=f"h{i}", custom_id=cid) for i, cid in enumerate(huge)]
    )
    for cid in huge:
        shown = reply(await amira.click(message3, custom_id=cid))
        assert "out of date" in shown.content and "something went wrong" not in shown.content, cid
    assert await stored(inside) == before

    # The real button still works afterwards.
    ok = reply(await answer(amira, post, q, right=True))
    assert "Right" in ok.embeds[0].title


async def test_a_custom_id_of_ours_outside_every_template_is_explained_and_runs_nothing(cohort):
    """An "rb:" id that matches no template (an old button, or a tampered one) runs no
    handler and stores nothing; the learner is told the button is out of date. An id
    that is not ours at all is left alone."""
    env, inside = cohort.env, cohort.inside
    post, _ = await posted_daily(cohort)
    pid = post_id_of(post)
    ours = [f"rb:ans:p{pid}:0x", f"rb:ans:p{pid}:10", f"rb:ans:p{pid}", "rb:ans:q<@&1>:0", "rb:gone:1"]
    message = await crafted(
        env,
        cohort.channel,
        [discord.ui.Button(label=f"b{i}", custom_id=c) for i, c in enumerate([*ours, f"xx:ans:p{pid}:0"])],
    )
    before = await stored(inside)
    for cid in ours:
        result = await cohort.learners[0].click(message, custom_id=cid)
        assert result.acknowledged and reply(result).ephemeral, cid
        assert "out of date" in reply(result).content, cid
    assert not (await cohort.learners[0].click(message, custom_id=f"xx:ans:p{pid}:0")).acknowledged
    assert await stored(inside) == before


@pytest.mark.parametrize(
    "custom_id, matches",
    [
        ("rb:ans:p12:0", True),
        ("rb:ans:p12:t", True),
        ("rb:ans:qex-q1:3", True),
        ("rb:ans:p12:10", False),
        ("rb:ans:p12:x", False),
        ("rb:ans:p12345678901234567890:0", False),
        ("rb:ans:q" + "a" * 41 + ":0", False),
        ("rb:ans:q@everyone:0", False),
        ("rb:ans:q-lead:0", False),
        ("rb:ans:p12:0\n", False),
        ("rb:sel:p12", True),
        ("rb:sel:p12:1", False),
        ("rb:ord:p12:0123", True),
        ("rb:ord:p12:012345", False),
        ("rb:ordgo:p12", True),
    ],
)
def test_the_custom_id_templates_accept_only_well_formed_ids(custom_id, matches):
    items = (ui.AnswerButton, ui.MultipleSelect, ui.OrderStart, ui.OrderStep)
    assert any(i.__discord_ui_compiled_template__.fullmatch(custom_id) for i in items) is matches


def test_the_longest_ids_fit_discords_100_characters():
    target = "q" + "a" * 40
    assert len(ui.AnswerButton(target, "0").custom_id) <= 100
    assert len(ui.OrderStep(target, "0123", 4).custom_id) <= 100
    assert len(ui.AnswerButton("p" + "9" * 19, "t").custom_id) <= 100


async def test_mentions_and_markdown_in_uploaded_text_never_ping(cohort):
    env, inside, tutor, channel = cohort.env, cohort.inside, cohort.tutor, cohort.channel
    hostile = HOSTILE.format(role=cohort.tutor_role.id, user=cohort.learners[0].id)

    # Control: when mentions are allowed, the simulated Discord does ping, and the check sees it.
    start = len(env.http_requests)
    control = await env.bot.get_channel(channel.id).send(hostile, allowed_mentions=discord.AllowedMentions.all())
    assert control.mention_everyone is True
    with pytest.raises(AssertionError):
        assert_no_ping(env, start, control)

    # An invalid upload whose errors echo the hostile text back.
    bad = EXAMPLE.replace(
        "title: Calming an upset customer", f"title: Calming an upset customer\n{yaml.safe_dump({hostile: 1}).strip()}"
    )
    start = len(env.http_requests)
    result = await tutor.slash(channel, "content upload", file=("bad.yaml", bad.encode()))
    shown = reply(result)
    assert shown.ephemeral and "was **not** added" in shown.content and "@everyone" in shown.content
    assert_no_ping(env, start, shown.message)
    assert await inside.content_repo.latest_versions() == []

    # A valid pack whose title and questions carry it, posted to the whole channel.
    data = yaml.safe_load(EXAMPLE)
    data["title"] = hostile[:100]
    data["questions"] = [dict(x, prompt=f"{hostile} {x['prompt']}") for x in data["questions"]]
    start = len(env.http_requests)
    up = await tutor.slash(channel, "content upload", file=("x.yaml", yaml.safe_dump(data).encode()))
    assert "is live" in reply(up).content
    assert_no_ping(env, start, reply(up).message)
    await setup_daily(cohort, packs="example-heat")
    start = len(env.http_requests)
    await env.advance_time(9 * HOUR + 1)
    post = bot_posts(channel)[0]
    assert "@everyone" in embed_text(post)
    assert_no_ping(env, start, post)
    start = len(env.http_requests)
    listed = await cohort.learners[1].slash(channel, "content list")
    assert "@everyone" in embed_text(listed.response) and listed.ephemeral
    assert_no_ping(env, start, listed.response.message)
    start = len(env.http_requests)
    q = await question_of(cohort, post)
    fb = reply(await answer(cohort.learners[1], post, q, right=False))
    assert fb.ephemeral
    assert_no_ping(env, start, fb.message)


async def test_a_role_play_reply_at_its_length_limit_full_of_mentions_is_shown_safely(cohort):
    """Modal text: Discord refuses more than the field's max_length (4,000 is refused); the
    longest text allowed, full of mentions and markdown, is scored, shown within Discord's
    limits without a ping, and kept as written."""
    import simcord

    from bot.domain import roleplay as engine
    from tests.e2e.test_roleplay import SCENARIO, play_best_path, scenario

    env, learner, sc = cohort.env, cohort.learners[0], scenario(cohort)
    best = engine.best_path(sc)
    stop = next(k for k, (_, c) in enumerate(best.moves) if c is None)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    message, i = await play_best_path(cohort, learner, start.response.message, sc, stop_after=stop)
    node = sc.nodes[best.moves[i][0]]
    shown = await learner.click(message, label="Write your reply")
    with pytest.raises(simcord.SetupError, match="max_length"):
        await learner.submit_modal(shown, {"reply": "@everyone " * 400})  # 4,000 characters

    limit = node.reply.max_length
    text = ((HOSTILE.format(role=cohort.tutor_role.id, user=cohort.learners[1].id) + " ``` ") * 50)[:limit].strip()
    start_req = len(env.http_requests)
    after = reply(await learner.submit_modal(shown, {"reply": text}))
    assert after.ephemeral and "Your reply" in embed_text(after)
    assert_no_ping(env, start_req, after.message)
    for embed in after.embeds:
        assert len(embed) <= 6000 and all(len(f.value) <= 1024 for f in embed.fields)
    session = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    assert engine.state_from_dict(session.state).steps[-1].reply == text
