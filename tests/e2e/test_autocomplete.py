"""Autocomplete as a learner or tutor types: choices for an empty field, words of a title
matched in any case and order, labels Discord shows cleanly, and an answer every time."""

import logging

import pytest
import simcord

from tests.e2e.helpers import embed_text, reply

HOTEL, HOTEL_TITLE = "pcc-sc-hotel", "The quiet room that wasn't"

# every command option offered through bot/ui/choices.py, and who may type into it
OPTIONS = [
    ("roleplay start", "scenario", "learner"),
    ("challenge post", "scenario", "tutor"),
    ("quiz", "pack", "learner"),
    ("leaderboard", "pack", "learner"),
    ("content enable", "pack", "tutor"),
    ("myth card", "pack", "learner"),
    ("myth post", "pack", "tutor"),
    ("daily setup", "timezone", "tutor"),
    ("settings timezone", "timezone", "tutor"),
]


def who(cohort, kind):
    return cohort.tutor if kind == "tutor" else cohort.learners[0]


def depth(label: str) -> int:
    """How deep brackets nest in ``label`` (1 for ``a (b)``, 2 for ``a (b (c))``)."""
    deepest = level = 0
    for ch in label:
        level += ch == "("
        deepest = max(deepest, level)
        level -= ch == ")"
    return deepest


def scenario_count(cohort) -> int:
    return sum(len(p.pack.scenarios) for p in cohort.inside.library.packs(cohort.guild.id))


@pytest.mark.parametrize("typed", ["", "  "])  # nothing, or only spaces
async def test_an_empty_field_offers_the_first_choices(cohort, typed):
    for command, option, kind in OPTIONS:
        offered = await who(cohort, kind).autocomplete(cohort.channel, command, option, typed)
        assert 1 <= len(offered) <= 25, (command, offered)
        if option == "scenario":
            assert len(offered) == min(25, scenario_count(cohort))


@pytest.mark.parametrize("typed", ["quiet room", "Quiet Room", "QUIET roo", "room quiet", "wasnt quiet", "quiet  room"])
async def test_words_of_a_title_find_it_in_any_case_and_order(cohort, typed):
    offered = await cohort.learners[0].autocomplete(cohort.channel, "roleplay start", "scenario", typed)
    assert [c["value"] for c in offered] == [HOTEL], offered
    assert offered[0]["name"].startswith(HOTEL_TITLE)


async def test_title_matches_come_before_setting_matches(cohort):
    offered = await cohort.learners[0].autocomplete(cohort.channel, "roleplay start", "scenario", "room")
    values = [c["value"] for c in offered]
    titled = [s.id for s, _ in cohort.svc.roleplay.scenarios(cohort.guild.id) if "room" in s.title.lower()]
    assert values[: len(titled)] == titled and len(titled) >= 2


async def test_labels_have_no_bracket_inside_a_bracket_and_fit(cohort):
    for command, option, kind in OPTIONS:
        offered = await who(cohort, kind).autocomplete(cohort.channel, command, option, "")
        for choice in offered:
            assert depth(choice["name"]) <= 1 and "((" not in choice["name"] and "))" not in choice["name"], choice
            assert 1 <= len(choice["name"]) <= 100 and len(choice["value"]) <= 100
    offered = await cohort.learners[0].autocomplete(cohort.channel, "roleplay start", "scenario", "quiet")
    assert offered == [{"name": f"{HOTEL_TITLE} · hospitality (hotel)", "value": HOTEL}]


async def test_a_typed_title_starts_that_role_play(cohort):
    learner = cohort.learners[1]
    started = await learner.slash(cohort.channel, "roleplay start", scenario="quiet room")
    assert "Mr Hale" in embed_text(started.response)
    session = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    assert session.scenario_id == HOTEL
    await learner.slash(cohort.channel, "roleplay quit")
    exact = await learner.slash(cohort.channel, "roleplay start", scenario=HOTEL_TITLE.upper())
    assert "Mr Hale" in embed_text(exact.response)


async def test_a_title_that_names_several_or_none_is_refused_with_close_matches(cohort):
    learner = cohort.learners[2]
    several = await learner.slash(cohort.channel, "roleplay start", scenario="room")
    simcord.assert_error(cohort.env)
    assert "could be any of these" in several.response.content
    assert f"{HOTEL_TITLE}: `{HOTEL}`" in several.response.content
    none = await learner.slash(cohort.channel, "roleplay start", scenario="hotle quiet")
    simcord.assert_error(cohort.env)
    assert "There is no role-play `hotle quiet` here. Did you mean" in none.response.content
    assert HOTEL in none.response.content
    assert await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id) is None


async def test_a_challenge_posted_by_title_keeps_the_scenario_id(cohort):
    """/challenge post takes words of a title, as /roleplay start does; the post holds
    the scenario's id, so it renders, is attempted and is summed up as that scenario."""
    channel = cohort.guild.create_text_channel("challenges")
    sc = cohort.inside.library.scenario(cohort.guild.id, HOTEL)[0]
    posted = await cohort.tutor.slash(
        cohort.channel, "challenge post", scenario="quiet room", channel=channel, deadline="2d"
    )
    assert "Challenge posted" in reply(posted).content
    assert sc.title in channel.last_message.embeds[0].title
    post_id = (await cohort.inside.posts.ids_of_kind(cohort.guild.id, "challenge"))[-1]
    assert (await cohort.inside.posts.get(post_id)).item_id == HOTEL
    started = reply(await cohort.learners[0].click(channel.last_message, label="Attempt"))
    assert sc.customer.name in embed_text(started)
    assert (await cohort.inside.roleplay_repo.active(cohort.guild.id, cohort.learners[0].id)).scenario_id == HOTEL

    several = await cohort.tutor.slash(
        cohort.channel, "challenge post", scenario="room", channel=channel, deadline="2d"
    )
    simcord.assert_error(cohort.env)
    assert "could be any of these" in reply(several).content
    none = await cohort.tutor.slash(
        cohort.channel, "challenge post", scenario="hotle quiet", channel=channel, deadline="2d"
    )
    simcord.assert_error(cohort.env)
    assert "There is no role-play `hotle quiet` here" in reply(none).content and f"`{HOTEL}`" in reply(none).content
    assert await cohort.inside.posts.ids_of_kind(cohort.guild.id, "challenge") == [post_id]


async def test_odd_typing_gets_an_answer_not_a_failure(cohort):
    for typed in ["x" * 100, "🙂" * 50, "(((", "'; DROP TABLE", "<@&1> @everyone", "\u200b", "-", "_"]:
        for command, option in [("roleplay start", "scenario"), ("quiz", "pack"), ("daily setup", "timezone")]:
            offered = await cohort.tutor.autocomplete(cohort.channel, command, option, typed)
            assert isinstance(offered, list) and len(offered) <= 25
    simcord.assert_no_errors(cohort.env)


async def test_a_failing_lookup_still_answers_with_nothing(cohort, monkeypatch, caplog):
    """If reading the choices fails, the learner gets an empty list (Discord shows "No
    options match"), not "Loading options failed"; the failure is logged."""

    def broken(guild_id):
        raise RuntimeError("library unavailable")

    monkeypatch.setattr(cohort.svc.roleplay, "scenarios", broken)
    with caplog.at_level(logging.ERROR, logger="bot.ui.choices"):
        offered = await cohort.learners[0].autocomplete(cohort.channel, "roleplay start", "scenario", "quiet")
    assert offered == []
    assert any("autocomplete for scenarios failed" in r.getMessage() for r in caplog.records)


async def test_autocomplete_reads_no_database(cohort, monkeypatch):
    """An autocomplete cannot defer, so it must not wait on the database."""
    db = cohort.inside.db
    calls = []
    for name in ("read", "write"):
        original = getattr(db, name)

        async def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return await _original(*args, **kwargs)

        monkeypatch.setattr(db, name, counted)
    for command, option, kind in OPTIONS:
        await who(cohort, kind).autocomplete(cohort.channel, command, option, "")
        await who(cohort, kind).autocomplete(cohort.channel, command, option, "e")
    assert calls == []
