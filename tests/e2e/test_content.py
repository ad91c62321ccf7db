"""Tutors' own content packs: upload, validation errors, refusal, and persistence."""

from pathlib import Path

import simcord

from bot.ui.errors import NotTutor
from tests.e2e.helpers import embed_text, reply

EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()


async def test_content_list_shows_the_shipped_packs(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "content list")
    text = embed_text(result.response)
    assert result.ephemeral
    assert "highfield-l2-difficult-customers" in text and "shipped" in text


async def test_a_tutor_uploads_a_pack_and_a_learner_gets_its_questions_at_once(cohort):
    result = await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    assert (
        "**Calming an upset customer** (version 1) is live in this server as pack `example-heat`"
        in reply(result).content
    )
    quiz = await cohort.learners[0].slash(cohort.channel, "quiz", pack="example-heat")
    assert quiz.ephemeral
    assert "Calming an upset customer" in quiz.response.embeds[0].title


async def test_an_invalid_upload_lists_its_errors_and_changes_nothing(cohort):
    bad = EXAMPLE.replace(b"title: Calming an upset customer", b"title: yes\nsubtitle: Calming")
    result = await cohort.tutor.slash(cohort.channel, "content upload", file=("bad.yaml", bad))
    text = reply(result).content
    assert "was **not** added: 2 problems." in text and "Nothing has changed" in text and "(s)" not in text
    assert "bad.yaml:3: title: expected text" in text and "bad.yaml:4: subtitle: unknown key" in text
    assert cohort.inside.library.pack(cohort.guild.id, "example-heat") is None
    assert await cohort.inside.content_repo.latest_versions() == []


async def test_a_plain_member_cannot_upload(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    simcord.assert_error(cohort.env, NotTutor)
    assert "tutor command" in result.response.content
    assert cohort.inside.library.pack(cohort.guild.id, "example-heat") is None


async def test_a_shipped_pack_id_is_refused(cohort):
    clash = EXAMPLE.replace(b"pack: example-heat", b"pack: focus-l2-complaints")
    result = await cohort.tutor.slash(cohort.channel, "content upload", file=("clash.yaml", clash))
    assert "id of a shipped pack" in reply(result).content


async def test_uploads_are_versioned_and_survive_a_restart(cohort, settings):
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    v2 = EXAMPLE.replace(b"title: Calming an upset customer", b"title: Calming an upset customer v2")
    result = await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", v2))
    assert "(version 2) is live" in reply(result).content
    await cohort.restart(settings)
    listed = embed_text((await cohort.learners[0].slash(cohort.channel, "content list")).response)
    assert "Calming an upset customer v2" in listed and "uploaded, version 2" in listed
    quiz = await cohort.learners[0].slash(cohort.channel, "quiz", pack="example-heat")
    assert "v2" in quiz.response.embeds[0].title


async def test_a_disabled_pack_is_not_served(cohort):
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    result = await cohort.tutor.slash(cohort.channel, "content disable", pack="example-heat")
    assert result.response.content.startswith("**Calming an upset customer** (pack `example-heat`) is now **disabled**")
    quiz = await cohort.learners[0].slash(cohort.channel, "quiz", pack="example-heat")
    simcord.assert_error(cohort.env)
    assert "no enabled pack" in quiz.response.content


async def test_an_upload_with_linter_warnings_goes_live_and_says_what_to_fix(cohort):
    flat = EXAMPLE.replace(b"    difficulty: 3\n", b"")
    result = await cohort.tutor.slash(cohort.channel, "content upload", file=("flat.yaml", flat))
    text = reply(result).content
    assert "is live" in text and "The linter found 1 thing that lets learners" in text and "difficulty 3" in text
    quiz = await cohort.learners[0].slash(cohort.channel, "quiz", pack="example-heat")
    assert "Calming an upset customer" in quiz.response.embeds[0].title
