"""The bot starts, explains itself, knows its tutors, and keeps settings over a restart."""

import simcord

from bot.ui.errors import NotTutor
from tests.e2e.helpers import embed_text


def help_sections(result) -> dict[str, str]:
    """/help's fields by section (long sections continue in "(more)" fields)."""
    fields: dict[str, str] = {}
    for f in result.response.embeds[0].fields:
        key = f.name.removesuffix(" (more)")
        fields[key] = fields.get(key, "") + "\n" + f.value
    return fields


async def test_help_shows_a_tutor_every_command_privately(cohort):
    for tutor in (cohort.tutor, cohort.admin):  # the tutor role, or Manage Server
        result = await tutor.slash(cohort.channel, "help")
        assert result.ephemeral
        assert len(result.response.embeds[0]) <= 6000
        fields = help_sections(result)
        assert "/quiz" in fields["For learners"] and "/settings show" in fields["For learners"]
        assert "/settings tutor-role" in fields["For tutors"] and "/daily setup" in fields["For tutors"]
        assert "/settings tutor-role" not in fields["For learners"]


async def test_help_shows_a_learner_only_their_commands_and_says_tutors_have_more(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "help")
    assert result.ephemeral
    fields = help_sections(result)
    assert "/quiz" in fields["For learners"] and "/settings show" in fields["For learners"]
    tutors = fields["For tutors"].strip()
    assert len(tutors.splitlines()) == 1 and tutors.startswith("Tutors have more commands"), tutors
    text = embed_text(result.response)
    for command in ("settings tutor-role", "daily setup", "daily post", "challenge mark", "cohort report"):
        assert f"/{command}`" not in text, command


def _position(lines: list[str], command: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(f"`/{command}`"))


async def test_help_lists_commands_in_the_order_a_newcomer_needs_them(cohort):
    result = await cohort.tutor.slash(cohort.channel, "help")
    sections: dict[str, list[str]] = {}
    for f in result.response.embeds[0].fields:
        sections.setdefault(f.name.removesuffix(" (more)"), []).extend(f.value.splitlines())
    learners, tutors = sections["For learners"], sections["For tutors"]
    assert "daily question" in learners[0] and not learners[0].startswith("`/")  # answered with its buttons
    journey = ["quiz", "revise", "myth card", "roleplay start", "stats", "leaderboard", "privacy export"]
    positions = [_position(learners, c) for c in journey]
    assert positions == sorted(positions), dict(zip(journey, positions))
    assert _position(learners, "quiz") == 1  # not /content list or /daily status first
    assert _position(learners, "content list") > _position(learners, "leaderboard")
    assert learners[-1].startswith("`/privacy delete`")
    setup = ["settings tutor-role", "daily setup", "daily post", "myth post", "challenge post", "challenge mark"]
    positions = [_position(tutors, c) for c in setup]
    assert positions == sorted(positions), dict(zip(setup, positions))
    assert _position(tutors, "settings tutor-role") == 0
    assert _position(tutors, "content upload") > _position(tutors, "challenge mark")


async def test_manage_server_member_sets_the_tutor_role(cohort):
    other = cohort.guild.create_role("Assessors")
    result = await cohort.admin.slash(cohort.channel, "settings tutor-role", role=other)
    assert result.ephemeral
    assert "Tutors are now members with" in result.response.content
    assert (await cohort.inside.guilds.get(cohort.guild.id)).tutor_role_id == other.id


async def test_a_plain_member_is_refused_and_nothing_changes(cohort):
    other = cohort.guild.create_role("Learners")
    result = await cohort.learners[0].slash(cohort.channel, "settings tutor-role", role=other)
    simcord.assert_error(cohort.env, NotTutor)
    assert result.ephemeral
    assert "tutor command" in result.response.content
    assert (await cohort.inside.guilds.get(cohort.guild.id)).tutor_role_id == cohort.tutor_role.id


async def test_settings_survive_a_restart(cohort, settings):
    await cohort.restart(settings)
    result = await cohort.tutor.slash(cohort.channel, "settings show")
    assert cohort.tutor_role.mention in result.response.embeds[0].fields[0].value
    # the tutor role now grants tutor commands
    result = await cohort.tutor.slash(cohort.channel, "settings timezone", timezone="Europe/Dublin")
    assert "Europe/Dublin" in result.response.content


async def test_an_unchanged_command_tree_is_not_synced_again(cohort, settings):
    assert await cohort.env.bot.sync_commands() is False
    await cohort.restart(settings)
    assert await cohort.env.bot.sync_commands() is False


async def test_options_are_autocompleted(cohort):
    zones = await cohort.tutor.autocomplete(cohort.channel, "daily setup", "timezone", "Europe/Lon")
    assert zones[0] == {"name": "Europe/London", "value": "Europe/London"}
    packs = await cohort.learners[0].autocomplete(cohort.channel, "quiz", "pack", "focus")
    assert [p["value"] for p in packs] == ["focus-l2-complaints"]
    scenarios = await cohort.learners[0].autocomplete(cohort.channel, "roleplay start", "scenario", "hotel")
    assert scenarios and all("hotel" in s["value"] or "hotel" in s["name"].lower() for s in scenarios)
