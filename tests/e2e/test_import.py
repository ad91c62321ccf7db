"""Tutors bring their own question banks: /content import and /content export, as a tutor
and a learner meet them."""

from pathlib import Path

import simcord
import yaml

from bot.packs import parse_pack
from bot.ui.errors import NotTutor
from tests.e2e.helpers import embed_text, option_button, reply

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
GIFT = (DATA / "e2e" / "complaints_bank.gift").read_bytes()
TERMS = (DATA / "delimited" / "quizlet_tab.txt").read_bytes()


async def import_(cohort, filename: str, data: bytes, **options):
    return await cohort.tutor.slash(cohort.channel, "content import", file=(filename, data), **options)


async def test_a_tutor_installs_a_gift_bank_and_a_learner_answers_its_question(cohort):
    result = await import_(cohort, "complaints_bank.gift", GIFT, then="install")
    shown = reply(result)
    assert result.ephemeral
    text = shown.content
    assert "📥 `complaints_bank.gift`, read as GIFT: 3 questions became pack `complaints-bank`." in text
    assert "✅ It is live in this server as version 1" in text
    assert "• line 21: matching question 'Match the terms': the bot has no matching kind" in text
    assert "**To write or fix** (3, from the linter):" in text, text
    assert ": awarding\\_body: still the importer's stand-in text: name the awarding body" in text
    assert len(text) <= 2000
    [attachment] = shown.attachments
    assert attachment.filename == "complaints-bank.yaml"
    attached = (await attachment.read()).decode()
    assert parse_pack(attached, "complaints-bank.yaml").pack is not None
    stored = await cohort.inside.content_repo.latest_versions()
    assert [(pack_id, version) for _, pack_id, version in stored] == [("complaints-bank", 1)]

    pack = cohort.inside.library.pack(cohort.guild.id, "complaints-bank")
    assert pack is not None
    faulty_goods = next(q for q in pack.pack.questions if q.kind == "single")
    learner = cohort.learners[0]
    for _ in range(20):  # /quiz picks at random; ask until the single-choice question comes
        quiz = (await learner.slash(cohort.channel, "quiz", pack="complaints-bank")).response
        if faulty_goods.prompt in embed_text(quiz):
            break
    else:
        raise AssertionError("the imported single-choice question never came up")
    wrong = reply(await learner.click(quiz, custom_id=option_button(quiz, 2)))
    feedback = embed_text(wrong)
    assert "That Act protects people from discrimination; it gives no remedy for faulty goods." in feedback
    assert "The Consumer Rights Act 2015" in feedback

    heat = next(q for q in pack.pack.questions if q.kind == "short_answer")
    for _ in range(20):
        quiz = (await learner.slash(cohort.channel, "quiz", pack="complaints-bank")).response
        if heat.prompt in embed_text(quiz):
            break
    else:
        raise AssertionError("the imported short-answer question never came up")
    box = await learner.click(quiz, label="Type your answer")
    # An accepted answer typed in odd case, with a full stop, is marked right and explained.
    right = reply(await learner.submit_modal(box, {"answer": "take ACTION."}))
    assert "Right" in right.embeds[0].title
    assert "HEAT: hear the customer out, empathise, apologise, then take action" in embed_text(right)


async def test_by_default_the_yaml_comes_back_to_finish_and_nothing_is_installed(cohort):
    result = await import_(cohort, "complaints_bank.gift", GIFT, pack_id="my-bank")
    shown = reply(result)
    assert (
        "📝 Not installed yet: finish `my-bank.yaml` (attached), then add it with `/content upload`." in shown.content
    )
    assert cohort.inside.library.pack(cohort.guild.id, "my-bank") is None
    assert await cohort.inside.content_repo.latest_versions() == []
    data = yaml.safe_load((await shown.attachments[0].read()).decode())
    assert data["pack"] == "my-bank" and [q["id"] for q in data["questions"]] == [
        "my-bank-q1",
        "my-bank-q2",
        "my-bank-q3",
    ]


async def test_a_term_list_installs_and_a_learner_rates_a_flashcard(cohort):
    result = await import_(cohort, "quizlet terms.txt", TERMS, pack_id="my-terms", then="install")
    text = reply(result).content
    assert "read as a term list: 4 terms became pack `my-terms`" in text
    assert "• line 6: row 'Empathy': needs a term and a definition" in text
    learner = cohort.learners[1]
    card = reply(await learner.slash(cohort.channel, "flashcards", pack="my-terms"))
    assert "Complaint" in embed_text(card)
    revealed = reply(await learner.click(card, label="Show definition"))
    assert "Any expression of dissatisfaction with a product" in embed_text(revealed)
    good = next(label for label in _labels(revealed) if label.startswith("Good"))
    after = reply(await learner.click(revealed, label=good))
    assert "De-escalation" in embed_text(after)


def _labels(message) -> list[str]:
    msg = getattr(message, "message", message)
    return [child.label for row in msg.components for child in row.children if getattr(child, "label", None)]


async def test_a_bad_file_is_refused_privately_and_installs_nothing(cohort):
    cases = [
        ("deck.apkg", b"PK\x03\x04\x14\x00\x00\x00binary", "this is a zip archive"),
        ("bank.gift", b"::Q1:: Which Act covers faulty goods? {\n=The Consumer Rights Act 2015\n", "line 1:"),
        ("bank.xml", b"<?xml version='1.0'?>\n<quiz>\n<question type='truefalse'>\n</quiz>\n", "line 4:"),
        ("empty.txt", b"", "the file is empty"),
        ("latin1.txt", "Caf\u00e9\tA place to eat\n".encode("cp1252"), "not UTF-8"),
    ]
    for filename, data, says in cases:
        result = await import_(cohort, filename, data, then="install")
        text = reply(result).content
        assert result.ephemeral
        assert text.startswith(f"❌ `{filename}` was **not** imported: ") and says in text, text
        assert "Nothing has changed." in text and "Traceback" not in text
        assert not reply(result).attachments
    assert await cohort.inside.content_repo.latest_versions() == []


async def test_an_entity_expansion_attack_is_refused(cohort):
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<quiz>&lol2;</quiz>\n'
    )
    text = reply(await import_(cohort, "bank.xml", bomb, then="install")).content
    assert "was **not** imported: line 2: the file has a <!DOCTYPE> (or <!ENTITY>) declaration" in text
    assert "lollol" not in text


async def test_a_learner_cannot_import(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "content import", file=("complaints_bank.gift", GIFT))
    simcord.assert_error(cohort.env, NotTutor)
    assert "tutor command" in result.response.content
    assert await cohort.inside.content_repo.latest_versions() == []


async def test_a_tutor_exports_a_shipped_pack_for_moodle_and_it_imports_back(cohort):
    result = await cohort.tutor.slash(cohort.channel, "content export", pack="focus-l2-complaints", format="gift")
    assert result.ephemeral
    shown = result.response
    [attachment] = shown.attachments
    assert attachment.filename == "focus-l2-complaints.gift"
    gift = await attachment.read()
    shipped = cohort.inside.library.pack(cohort.guild.id, "focus-l2-complaints").pack
    back = reply(await import_(cohort, "focus-l2-complaints.gift", gift, pack_id="focus-again"))
    data = yaml.safe_load((await back.attachments[0].read()).decode())
    exported_kinds = [q for q in shipped.questions if q.kind != "order"]
    assert [q["id"] for q in data["questions"]] == [q.id for q in exported_kinds]
    assert [q["prompt"] for q in data["questions"]] == [q.prompt for q in exported_kinds]


async def test_a_long_report_fits_one_message_and_says_how_much_more_there_is(cohort):
    good = "Which Act covers faulty goods?\nA. The Consumer Rights Act 2015\nB. The Equality Act 2010\nANSWER: A\n\n"
    bad = "".join(
        f"Malformed question number {n} with a long stem to fill the report\nA. One\nANSWER: A\n\n" for n in range(40)
    )
    text = reply(await import_(cohort, "bank.txt", (good + bad).encode(), format="aiken")).content
    assert len(text) <= 2000
    assert "**Not imported** (40):" in text and "more." in text
    assert "The YAML's header lists what was not imported" in text
