"""AnswerService without Discord: practice questions, revision and the post a button names."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import UserError
from bot.packs.schema import SingleQuestion

G, CH, LEARNER = 31, 32, 33
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _single(services, pack_id: str | None = None) -> tuple[SingleQuestion, str]:
    for lp in services.content.packs(G):
        for q in lp.pack.questions:
            if isinstance(q, SingleQuestion) and pack_id in (None, lp.id):
                return q, lp.id
    raise AssertionError("the shipped packs have a single-choice question")


async def test_quiz_picks_only_from_the_pack_asked_for_and_refuses_an_unknown_one(built):
    services = built[0]
    pack_id = services.content.packs(G)[0].id
    rng = random.Random(7)
    picked = {services.answering.pick_practice(G, pack_id, rng)[1].pack for _ in range(20)}
    assert picked == {pack_id}
    with pytest.raises(UserError, match="no enabled pack `nope`"):
        services.answering.pick_practice(G, "nope", rng)


async def test_revision_offers_due_cards_and_skips_those_whose_question_left_the_packs(built):
    services, inside = built
    q, _ = _single(services)
    wrong = next(i for i in range(len(q.options)) if i != q.answer)
    fb = await services.answering.answer_practice(G, LEARNER, q.id, "quiz", wrong, T0)
    assert not fb.grade.correct and fb.points == 0

    assert (await services.answering.revision(G, LEARNER, T0)).due == []  # due after the learning step
    later = T0 + timedelta(minutes=11)
    revision = await services.answering.revision(G, LEARNER, later)
    assert [found[0].id for found in revision.due] == [q.id]

    # The pack is revised and the question taken out: the learner's card stays, unoffered.
    await inside.db.write(
        lambda c: c.execute("UPDATE cards SET question_id = 'retired-q' WHERE user_id = ?", (LEARNER,))
    )
    gone = await services.answering.revision(G, LEARNER, later)
    assert gone.due == [] and gone.next_due is not None  # the card is kept, its question not offered


async def test_a_button_naming_another_servers_post_finds_nothing(built):
    services, inside = built
    q, _ = _single(services)
    post = await inside.posts.claim(G + 1, "daily", "2026-03-02", q.id, CH, T0)
    with pytest.raises(UserError, match="cannot find that question post"):
        await services.answering.post_question(G, post.id)
    assert (await services.answering.post_question(G + 1, post.id))[0].id == q.id
