"""/flashcards as a learner uses it: a term, its definition, a rating of their recall, the
next card; the rated card back when it is due; buttons that outlive restarts and double
clicks; a term a tutor took out; a server whose packs have no terms."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import discord
import simcord

from bot.domain.errors import UserError
from bot.services.flashcards import GONE, NO_TERMS
from bot.ui import flashcards as ui
from tests.e2e.helpers import button_labels, custom_ids, embed_text, reply

PACK = "highfield-l2-difficult-customers"
EXAMPLE = (Path(__file__).resolve().parents[1] / "data" / "example_pack.yaml").read_bytes()
RATING_LABELS = ["Again · 10 min", "Hard · 15 min", "Good · 2 days", "Easy · 8 days"]  # a new card's


def terms(cohort, pack: str = PACK):
    return cohort.inside.library.pack(cohort.guild.id, pack).pack.terms


def stamp(moment) -> str:
    return f"<t:{int(moment.timestamp())}:R>"


async def flashcards_rows(cohort, user_id: int) -> list[tuple]:
    return await cohort.inside.db.read(
        lambda c: [
            tuple(r)
            for r in c.execute(
                "SELECT pack_id, term, reviews, last_rating FROM flashcards WHERE user_id = ? ORDER BY reviewed_at",
                (user_id,),
            )
        ]
    )


async def test_a_learner_recalls_a_term_rates_it_good_sees_the_next_and_gets_it_back_when_due(cohort):
    env, learner = cohort.env, cohort.learners[0]
    first, second = terms(cohort)[:2]
    card = await learner.slash(cohort.channel, "flashcards", pack=PACK)
    assert card.ephemeral
    front = card.response
    assert first.term in front.embeds[0].description and first.definition not in embed_text(front)
    assert "New card" in front.embeds[0].footer.text and "no leaderboard points" in front.embeds[0].footer.text
    assert button_labels(front) == ["Show definition"]

    back = reply(await learner.click(front.message, label="Show definition"))
    assert first.term in back.embeds[0].description and first.definition in back.embeds[0].description
    assert button_labels(back) == RATING_LABELS
    assert all(cid.startswith("rb:fcrate:") and len(cid) <= 100 for cid in custom_ids(back))

    rated_at = env.now()
    nxt = reply(await learner.click(back.message, label="Good · 2 days"))
    assert (
        nxt.content.startswith(f"Rated **Good**: “{first.term}”.")
        and stamp(rated_at + timedelta(days=2)) in nxt.content
    )
    assert second.term in nxt.embeds[0].description and button_labels(nxt) == ["Show definition"]
    assert await flashcards_rows(cohort, learner.id) == [(PACK, first.term, 1, 3)]
    elsewhere = await cohort.inside.db.read(
        lambda c: [
            c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("answers", "cards", "points", "score_totals", "streaks")
        ]
    )
    assert elsewhere == [0] * 5  # practice: no answers, points, streaks or leaderboard totals

    await env.advance_time(timedelta(days=1).total_seconds())
    tomorrow = await learner.slash(cohort.channel, "flashcards", pack=PACK)
    assert second.term in tomorrow.response.embeds[0].description  # the first is not due yet: a new card

    await env.advance_time(timedelta(days=1, minutes=1).total_seconds())
    due = await learner.slash(cohort.channel, "flashcards", pack=PACK)
    assert first.term in due.response.embeds[0].description  # due again, before any new card
    assert "Due for review · 1 due" in due.response.embeds[0].footer.text
    again = reply(await learner.click(due.response.message, label="Show definition"))
    assert button_labels(again)[2].startswith("Good · ") and button_labels(again) != RATING_LABELS  # longer now


async def test_flashcard_buttons_keep_working_across_restarts(cohort, settings):
    learner = cohort.learners[1]
    card = await learner.slash(cohort.channel, "flashcards")  # every enabled pack's terms
    term = card.response.embeds[0].description
    await cohort.restart(settings)  # between showing the term and turning it over
    back = reply(await learner.click(card.response.message, label="Show definition"))
    assert back.embeds[0].description.startswith(term.split("\n")[0])
    await cohort.restart(settings)  # between turning it over and rating it
    nxt = reply(await learner.click(back.message, label="Easy · 8 days"))
    assert nxt.content.startswith("Rated **Easy**") and button_labels(nxt) == ["Show definition"]
    assert [r[2:] for r in await flashcards_rows(cohort, learner.id)] == [(1, 4)]


async def same_button_again(env, channel, custom_id: str) -> discord.Message:
    """A bot message carrying a button with ``custom_id``, for the second click of a double
    click: SimCord clicks only what is on a message, and the first click replaced the card.
    The view is stopped at once, so only the registered DynamicItems take the click."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="again", custom_id=custom_id))
    message = await env.bot.get_channel(channel.id).send("the same button", view=view)
    view.stop()
    return message


async def test_a_double_click_on_a_rating_records_one_review(cohort):
    learner, first = cohort.learners[2], terms(cohort)[0]
    card = await learner.slash(cohort.channel, "flashcards", pack=PACK)
    back = reply(await learner.click(card.response.message, label="Show definition"))
    good = next(cid for cid in custom_ids(back) if cid.split(":")[5] == "3")
    once = reply(await learner.click(back.message, custom_id=good))
    assert once.content.startswith(f"Rated **Good**: “{first.term}”.")
    twice = reply(await learner.click(await same_button_again(cohort.env, cohort.channel, good), custom_id=good))
    assert twice.content.startswith(f"“{first.term}” had already been rated from that card, so it was kept once.")
    assert await flashcards_rows(cohort, learner.id) == [(PACK, first.term, 1, 3)]


async def test_a_term_taken_out_of_its_pack_since_the_card_was_shown_is_explained_privately(cohort):
    learner = cohort.learners[3]
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    shown = (await learner.slash(cohort.channel, "flashcards", pack="example-heat")).response
    turned = (await learner.slash(cohort.channel, "flashcards", pack="example-heat")).response
    assert "HEAT" in shown.embeds[0].description and "HEAT" in turned.embeds[0].description
    back = reply(await learner.click(turned.message, label="Show definition"))
    assert "Hear, Empathise, Apologise, Take action" in back.embeds[0].description

    renamed = EXAMPLE.replace(b"{term: HEAT,", b"{term: The HEAT model,")
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", renamed))
    told = reply(await learner.click(back.message, label="Good · 2 days"))  # rated after the change
    assert told.content == GONE and told.message.flags.ephemeral
    revealed = await learner.click(shown.message, label="Show definition")  # turned over after it
    assert revealed.ephemeral and revealed.response.content == GONE
    assert await flashcards_rows(cohort, learner.id) == []
    fresh = await learner.slash(cohort.channel, "flashcards", pack="example-heat")
    assert "The HEAT model" in fresh.response.embeds[0].description


async def test_a_pack_whose_one_term_is_rated_says_when_the_next_card_is_due(cohort):
    env, learner = cohort.env, cohort.learners[0]
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", EXAMPLE))
    card = await learner.slash(cohort.channel, "flashcards", pack="example-heat")
    back = reply(await learner.click(card.response.message, label="Show definition"))
    done = reply(await learner.click(back.message, label="Again · 10 min"))
    due = env.now() + timedelta(minutes=10)
    assert "No flashcards are due: you have rated all 1 card here" in done.content and stamp(due) in done.content
    assert done.embeds == [] and button_labels(done) == []
    later = await learner.slash(cohort.channel, "flashcards", pack="example-heat")
    assert (
        later.ephemeral and "No flashcards are due" in later.response.content and stamp(due) in later.response.content
    )
    await env.advance_time(11 * 60)
    back_again = await learner.slash(cohort.channel, "flashcards", pack="example-heat")
    assert "HEAT" in back_again.response.embeds[0].description


async def test_a_server_whose_packs_have_no_terms_is_told_so_privately(cohort):
    for loaded in list(cohort.inside.library.packs(cohort.guild.id)):
        await cohort.tutor.slash(cohort.channel, "content disable", pack=loaded.id)
    no_terms = re.sub(rb"terms:\n(  - .*\n)+", b"", EXAMPLE)
    await cohort.tutor.slash(cohort.channel, "content upload", file=("example.yaml", no_terms))
    assert [p.id for p in cohort.inside.library.packs(cohort.guild.id)] == ["example-heat"]

    learner = cohort.learners[0]
    result = await learner.slash(cohort.channel, "flashcards")
    simcord.assert_error(cohort.env, UserError)
    assert result.ephemeral and result.response.content == NO_TERMS
    one = await learner.slash(cohort.channel, "flashcards", pack="example-heat")
    simcord.assert_error(cohort.env, UserError)
    assert one.ephemeral and "**Calming an upset customer** has no terms" in one.response.content
    assert await learner.autocomplete(cohort.channel, "flashcards", "pack", "") == []


async def test_the_pack_option_offers_the_packs_with_terms(cohort):
    offered = await cohort.learners[0].autocomplete(cohort.channel, "flashcards", "pack", "")
    assert {c["value"] for c in offered} == {p.id for p in cohort.inside.library.packs(cohort.guild.id)}
    found = await cohort.learners[0].autocomplete(cohort.channel, "flashcards", "pack", "difficult high")
    assert [c["value"] for c in found] == [PACK]


async def test_help_lists_flashcards_for_learners_after_revise(cohort):
    result = await cohort.learners[0].slash(cohort.channel, "help")
    learners = [f for f in result.response.embeds[0].fields if f.name.startswith("For learners")]
    lines = "\n".join(f.value for f in learners).splitlines()
    revise = next(i for i, line in enumerate(lines) if line.startswith("`/revise`"))
    assert lines[revise + 1].startswith("`/flashcards` Flashcards of the packs' key terms")
    assert len(result.response.embeds[0]) <= 6000
    tutor = embed_text((await cohort.tutor.slash(cohort.channel, "help")).response)
    if any(c.qualified_name == "content import" for c in cohort.env.bot.tree.walk_commands()):
        assert (
            "`/content import` Import a question bank from Moodle (GIFT, Aiken, Moodle XML) "
            "or an Anki/Quizlet term list." in tutor
        )


def test_the_longest_flashcard_ids_fit_discords_100_characters_and_their_templates():
    pack, digest = "p" * 40, "f" * 12
    rate = ui.RateCard(pack, digest, 10**9 - 1, 4, "a").custom_id
    show = ui.ShowDefinition(pack, digest, "p").custom_id
    assert len(rate) <= 100 and len(show) <= 100
    assert ui.RateCard.__discord_ui_compiled_template__.fullmatch(rate)
    assert ui.ShowDefinition.__discord_ui_compiled_template__.fullmatch(show)
    for tampered in (f"rb:fcrate:{pack}:{digest}:0:5:a", f"rb:fcrate:{pack}:{digest}:0:3:x", f"rb:fcshow:{pack}:zz:a"):
        assert not any(i.__discord_ui_compiled_template__.fullmatch(tampered) for i in ui.DYNAMIC_ITEMS), tampered
