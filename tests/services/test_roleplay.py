"""RoleplayService and ChallengeService without Discord: the points a finished role-play
says it earned are the points the ledger got, and where a learner stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import roleplay as engine
from bot.domain.errors import UserError

G, CH, LEARNER = 41, 42, 43
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
HOTEL = "pcc-sc-hotel"


async def play(services, start, moves=None, written=None):
    """Play the session ``start`` began, choosing the pack's choice indexes ``moves`` in
    turn (None: write ``written``, or the whole rubric), by default its best path; the
    last Play."""
    from tests.replies import full_reply

    current, sc = start, start.scenario
    for i, choice in enumerate(moves or [c for _, c in engine.best_path(sc).moves]):
        at, sid, step = T0 + timedelta(minutes=i + 1), current.session.id, current.session.steps
        if choice is None:
            text = written or full_reply(sc.nodes[current.state.node].reply)
            current = await services.roleplay.reply(sid, LEARNER, step, text, at)
        else:
            current = await services.roleplay.choose(sid, LEARNER, step, choice, at)
    assert current.state.finished
    return current


async def ledger(inside) -> list[tuple[str, str, int]]:
    rows = await inside.db.read(
        lambda c: c.execute(
            "SELECT source, ref, points FROM points WHERE user_id = ? ORDER BY id", (LEARNER,)
        ).fetchall()
    )
    return [tuple(r) for r in rows]


async def test_a_free_play_after_a_challenge_is_told_the_points_it_is_given(built):
    services, inside = built
    post = await services.challenges.create(G, "quiet room", CH, "2d", 20, T0)  # by title: the post keeps the id
    assert post.item_id == HOTEL
    attempt = await play(services, await services.challenges.attempt(G, LEARNER, post.id, T0))
    assert attempt.earned is not None and attempt.earned.why == "challenge" and attempt.earned.points == 20

    free = await play(services, await services.roleplay.start(G, LEARNER, HOTEL, T0))
    assert free.earned is not None and (free.earned.why, free.earned.points) == ("first", 10)
    again = await play(services, await services.roleplay.start(G, LEARNER, HOTEL, T0))
    assert again.earned is not None and (again.earned.why, again.earned.points) == ("repeat", 0)
    assert await ledger(inside) == [("challenge", f"post:{post.id}", 20), ("roleplay", f"scenario:{HOTEL}", 10)]


async def test_standing_has_the_best_score_of_each_finished_scenario(built):
    services, _ = built
    best = engine.best_path(services.roleplay.find_scenario(G, HOTEL)[0]).score
    assert (await services.roleplay.standing(G, LEARNER)).best == {}
    weak = await play(
        services,
        await services.roleplay.start(G, LEARNER, HOTEL, T0),
        [3, 0, 0, None, 1],
        "Sorry again. I've logged it.",
    )
    await play(services, await services.roleplay.start(G, LEARNER, HOTEL, T0))
    await services.roleplay.start(G, LEARNER, "fa2cp-sc-bank", T0)  # under way: not finished
    standing = await services.roleplay.standing(G, LEARNER)
    assert weak.report.score < best
    assert standing.best == {HOTEL: (best, best)} and standing.finished == 1 and standing.under_way == "fa2cp-sc-bank"
    assert (await services.roleplay.standing(G, LEARNER + 1)).best == {}  # another learner's are not theirs


async def test_a_step_played_twice_is_refused_and_saves_nothing(built):
    services, inside = built
    start = await services.roleplay.start(G, LEARNER, HOTEL, T0)
    await services.roleplay.choose(start.session.id, LEARNER, 0, 0, T0)
    with pytest.raises(UserError, match="already been played"):
        await services.roleplay.choose(start.session.id, LEARNER, 0, 1, T0)
    assert (await inside.roleplay_repo.get(start.session.id)).steps == 1
