"""Role-plays as a learner plays them: the list, choices, a written reply, the report, and resuming."""

import re

from bot.domain import roleplay as engine
from tests.e2e.helpers import button_labels, choice_button, embed_text, reply
from tests.replies import full_reply as whole_rubric

SCENARIO = "fa2cp-sc-bank"  # has a written-reply node on its best path
HOTEL = "pcc-sc-hotel"  # "The quiet room that wasn't": narration, and credit (AC4) off its best path
CUTS = " ,;:—-"  # what clip() drops before its ellipsis: a cut there is at a word's end


def scenario(cohort, scenario_id=SCENARIO):
    return cohort.inside.library.scenario(cohort.guild.id, scenario_id)[0]


def full_reply(node) -> str:
    return whole_rubric(node.reply)


async def play_best_path(cohort, learner, message, sc, *, from_move=0, stop_after=None):
    """Follow the best path from move ``from_move``; returns the last message shown and
    the number of moves made."""
    best = engine.best_path(sc)
    for i, (node_id, choice) in enumerate(best.moves):
        if i < from_move:
            continue
        if stop_after is not None and i == stop_after:
            return message, i
        if choice is None:
            shown = await learner.click(message, label="Write your reply")
            result = await learner.submit_modal(shown, {"reply": full_reply(sc.nodes[node_id])})
        else:
            result = await learner.click(message, custom_id=choice_button(message, choice))
        message = reply(result).message if reply(result) else message
    return message, len(best.moves)


def field(message, name: str) -> str:
    """The value of the embed field called ``name`` (and its continuations), or ''."""
    embed = getattr(message, "message", message).embeds[0]
    return "\n".join(f.value for f in embed.fields if f.name == name or f.name == f"{name} (continued)")


def criterion_rows(text: str) -> list[tuple[str, int, int]]:
    """(criterion, earned, the best path's) for each row of the report's score."""
    rows = re.findall(r"\*\*(\w+)\*\* (\d+) (?:of (\d+)|\(more than the best path's (\d+)\))", text)
    return [(cid, int(earned), int(of or more)) for cid, earned, of, more in rows]


def assert_whole_or_cut_at_a_word(original: str, shown: str) -> None:
    """``original`` is in ``shown`` whole, or cut at the end of a word and ended with an ellipsis."""
    if original in shown:
        return
    kept = max((n for n in range(1, len(original)) if original[:n] + "…" in shown), default=0)
    assert kept, f"{original[:60]!r} is not shown"
    assert original[kept] in CUTS, f"cut mid-word: {original[:kept]!r}…"


def assert_mood_reads_calm_to_furious(message) -> None:
    mood = next(f for f in message.embeds[0].fields if f.name.endswith("mood"))
    assert "calm" in mood.value and "furious" in mood.value, mood.value
    assert "`" not in mood.value and "/10" not in mood.value, mood.value  # no code box, no score-like 8/10


async def play_moves(learner, message, sc, moves, reply_text):
    """Play pack choice indexes in order (None: write ``reply_text``); the last message."""
    for choice in moves:
        if choice is None:
            shown = await learner.click(message, label="Write your reply")
            message = reply(await learner.submit_modal(shown, {"reply": reply_text})).message
        else:
            message = reply(await learner.click(message, custom_id=choice_button(message, choice))).message
    return message


async def test_a_learner_plays_to_the_end_and_gets_the_report(cohort):
    learner, sc = cohort.learners[0], scenario(cohort)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    assert start.ephemeral
    assert sc.customer.name in embed_text(start.response)
    assert_mood_reads_calm_to_furious(start.response.message)
    last, _ = await play_best_path(cohort, learner, start.response.message, sc)
    text = embed_text(last)
    best = engine.best_path(sc)
    assert f"Score {best.score} of {best.score}" in text
    assert sc.endings[best.ending].text in text
    # the best path is not listed again beside the learner's own, word for word
    assert "You took the best path" in field(last, "Your path")
    assert "The best path" not in text and "Another path" not in text
    # each criterion against what the best path earns: all of it, adding up to the score
    rows = criterion_rows(field(last, f"Score {best.score} of {best.score} (full marks)"))
    assert rows and all(earned == most for _, earned, most in rows), rows
    assert sum(earned for _, earned, _ in rows) == best.score
    assert "+10 points" in field(last, "Points") and "first completion" in field(last, "Points")
    session = await cohort.inside.roleplay_repo.get(1)
    assert session.status == "finished" and session.score == best.score


async def test_the_report_off_the_best_path_is_consistent_cut_at_words_and_shows_the_points(cohort):
    """The hotel role-play played by promising too much first, then recovering: the
    report's criteria add up to its score, text is cut at words with an ellipsis, the
    best path is shown with what the learner also chose, and the points are said."""
    learner, sc = cohort.learners[1], scenario(cohort, HOTEL)
    moves = [3, 0, 0, None, 1]  # promise, own the mistake, the top-floor room, a partial reply, a flat goodbye
    written = "Sorry again. I've logged it."  # partial: an apology and a record, no outcome or follow-up
    for attempt in (1, 2):
        start = await learner.slash(cohort.channel, "roleplay start", scenario=HOTEL)
        last = await play_moves(learner, start.response.message, sc, moves, written)
        played = engine.start(sc)
        for choice in moves:
            played = engine.write_reply(sc, played, written)[0] if choice is None else engine.choose(sc, played, choice)
        score, best = sum(played.credit.values()), engine.best_path(sc).score
        assert 0 < score < best
        text = embed_text(last)
        assert f"Score {score} of {best}" in text
        rows = criterion_rows(field(last, f"Score {score} of {best}"))
        assert sum(e for _, e, _ in rows) == score and sum(m for _, _, m in rows) == best, rows
        assert ("AC4", 1, 0) in rows  # credit the best path does not earn is said as such, not "1/1" or "0/1"
        path = field(last, "Your path")
        for step in (s for s in played.steps if s.choice is not None):
            assert_whole_or_cut_at_a_word(sc.nodes[step.node].choices[step.choice].text, path)
            assert_whole_or_cut_at_a_word(step.feedback, path)
        criteria = {c.id: c.text for c in scenario_pack(cohort, HOTEL).criteria}
        for cid, _, _ in rows:
            assert_whole_or_cut_at_a_word(criteria[cid], field(last, f"Score {score} of {best}"))
        shown_best = field(last, "The best path")
        assert "(you chose this too)" in shown_best  # the top-floor room was the best move too
        assert "You took the best path" not in text
        points = field(last, "Points")
        if attempt == 1:
            assert "+10 points" in points and "first completion" in points
        else:
            assert "No points this time" in points and "finished this one before" in points


def scenario_pack(cohort, scenario_id):
    return cohort.inside.library.scenario(cohort.guild.id, scenario_id)[1]


async def test_narration_is_told_apart_from_what_the_customer_says(cohort):
    learner, sc = cohort.learners[2], scenario(cohort, HOTEL)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=HOTEL)
    first = sc.nodes[sc.start]
    after = reply(await learner.click(start.response.message, custom_id=choice_button(start.response.message, 0)))
    node = sc.nodes[first.choices[0].next]
    assert node.narration
    description = after.embeds[0].description
    said = next(line for line in description.splitlines() if sc.customer.name in line and node.customer in line)
    assert node.narration not in said
    told = next(line for line in description.splitlines() if node.narration in line)
    assert sc.customer.name + ":" not in told and told.startswith("📍")
    assert_mood_reads_calm_to_furious(after)


async def play_to_the_written_reply(cohort, learner, sc):
    """Start the scenario and play its best path up to its first written-reply step."""
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    first_reply = next(k for k, (_, c) in enumerate(engine.best_path(sc).moves) if c is None)
    return await play_best_path(cohort, learner, start.response.message, sc, stop_after=first_reply)


async def test_a_written_reply_is_scored_shown_and_kept(cohort):
    learner, sc = cohort.learners[0], scenario(cohort)
    message, i = await play_to_the_written_reply(cohort, learner, sc)
    node_id = engine.best_path(sc).moves[i][0]
    shown = await learner.click(message, label="Write your reply")
    assert shown.modal is not None
    after = reply(await learner.submit_modal(shown, {"reply": "Sorry about that, @everyone **bold**"}))
    text = embed_text(after)
    assert "Your reply" in text and "missing:" in text
    session = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    kept = engine.state_from_dict(session.state).steps[-1]
    assert kept.node == node_id and kept.reply == "Sorry about that, @everyone **bold**"


async def test_a_reply_step_says_what_to_write_once(cohort):
    learner, sc = cohort.learners[0], scenario(cohort)
    message, i = await play_to_the_written_reply(cohort, learner, sc)
    prompt = sc.nodes[engine.best_path(sc).moves[i][0]].reply.prompt
    assert prompt == "Write your reply to Margaret"
    turn = next(f for f in message.embeds[0].fields if f.name.startswith("Your turn"))
    assert turn.value == f"{prompt}.", turn.value  # the pack's words, once: not "Write your own reply: Write ..."
    assert "own words" in turn.name


async def test_a_restart_mid_role_play_and_resume_continue_at_the_same_node(cohort, settings):
    learner, sc = cohort.learners[1], scenario(cohort)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    message, _ = await play_best_path(cohort, learner, start.response.message, sc, stop_after=2)
    before = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    await cohort.restart(settings)
    resumed = await learner.slash(cohort.channel, "roleplay resume")
    node = sc.nodes[before.state["node"]]
    assert node.customer[:100] in embed_text(resumed.response)
    assert "Step 3" in embed_text(resumed.response)
    # after finishing, a click on the pre-restart message is refused kindly
    last, _ = await play_best_path(cohort, learner, resumed.response.message, sc, from_move=2)
    assert "Score" in embed_text(last)
    stale = reply(await learner.click(message, label="A"))
    assert "already been played" in stale.content or "ended" in stale.content


async def test_starting_twice_and_quitting(cohort):
    import simcord

    learner = cohort.learners[2]
    await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)
    again = await learner.slash(cohort.channel, "roleplay start")
    simcord.assert_error(cohort.env)
    assert "already have a role-play" in again.response.content
    quit_ = await learner.slash(cohort.channel, "roleplay quit")
    assert "dropped" in quit_.response.content
    listed = await learner.slash(cohort.channel, "roleplay list")
    assert scenario(cohort).title in embed_text(listed.response) and "Under way" not in embed_text(listed.response)
    assert button_labels(listed.response) == []  # a menu, no buttons


async def test_choices_are_shown_in_a_shuffled_order_kept_for_the_session(cohort, settings):
    learner, sc = cohort.learners[3], scenario(cohort)
    best_first = engine.best_path(sc).moves[0][1]
    letters = []
    for _ in range(8):
        start = (await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)).response
        button = choice_button(start, best_first)
        letters.append(next(c.label for row in start.message.components for c in row.children if c.custom_id == button))
        if len(letters) == 1:  # the same letters after a restart
            await cohort.restart(settings)
            resumed = (await learner.slash(cohort.channel, "roleplay resume")).response
            assert (
                next(c.label for row in resumed.message.components for c in row.children if c.custom_id == button)
                == letters[0]
            )
            text = sc.nodes[sc.start].choices[best_first].text[:60]
            assert f"**{letters[0]}.** {text}" in embed_text(resumed)
        await learner.slash(cohort.channel, "roleplay quit")
    assert len(set(letters)) >= 2, letters  # the best move is not always at one letter


def menu_options(message) -> dict[str, object]:
    """The list's menu options by value (the scenario id), from every menu on the message."""
    message = getattr(message, "message", message)
    return {
        o.value: o
        for row in message.components
        for c in row.children
        if (c.custom_id or "").startswith("rb:rpgo:")
        for o in c.options
    }


async def test_the_list_shows_level_setting_and_status_and_starts_a_role_play(cohort, settings):
    learner, sc = cohort.learners[3], scenario(cohort)
    everything = cohort.inside.library.packs(cohort.guild.id)
    all_scenarios = [(s, p.pack) for p in everything for s in p.pack.scenarios]
    listed = (await learner.slash(cohort.channel, "roleplay list")).response
    text = embed_text(listed)
    assert listed.ephemeral and "You have not finished a role-play yet" in text
    for s, _ in all_scenarios:
        assert s.title in text and s.setting in text
    assert "Level 2 · Process customer service complaints" in text and "Level 3 · " in text
    assert "Levels 2 and 3 · " in text  # the Pearson pack is written for both
    options = menu_options(listed)
    assert set(options) == {s.id for s, _ in all_scenarios}  # every role-play can be started from the list
    assert options[SCENARIO].label == sc.title and "contact centre" in options[SCENARIO].description

    # choosing one starts it, privately
    started = reply(await learner.select(listed, [SCENARIO], custom_id=menu_id(listed, SCENARIO)))
    assert started.ephemeral and sc.customer.name in embed_text(started)
    session = await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)
    assert session.scenario_id == SCENARIO and session.steps == 0

    # the list says which one is under way; choosing it again carries on with it
    again = (await learner.slash(cohort.channel, "roleplay list")).response
    assert f"Under way: **{sc.title}**" in embed_text(again)
    assert "under way" in menu_options(again)[SCENARIO].description
    await cohort.restart(settings)  # the menu is persistent: it still works after a restart
    resumed = reply(await learner.select(again, [SCENARIO], custom_id=menu_id(again, SCENARIO)))
    assert sc.customer.name in embed_text(resumed) and "Step 1" in embed_text(resumed)
    assert (await cohort.inside.roleplay_repo.active(cohort.guild.id, learner.id)).id == session.id
    other = next(s.id for s, _ in all_scenarios if s.id != SCENARIO)
    refused = reply(await learner.select(again, [other], custom_id=menu_id(again, other)))
    assert "already have a role-play under way" in refused.content

    # finished: the list counts it
    await play_best_path(cohort, learner, resumed.message, sc)
    after = embed_text((await learner.slash(cohort.channel, "roleplay list")).response)
    assert "You have finished 1 role-play so far" in after and "Under way" not in after


def listed_line(text: str, title: str) -> str:
    """The list's line for the role-play called ``title``."""
    return next(line for line in text.splitlines() if f"**{title}** · " in line)


async def test_the_list_shows_each_finished_role_play_with_the_best_score(cohort):
    """Each role-play the learner has finished is ticked with their best score of the
    best path's, kept at the best whatever they score after; one they have not finished
    shows none."""
    learner, hotel, bank = cohort.learners[2], scenario(cohort, HOTEL), scenario(cohort)
    best = engine.best_path(hotel).score
    moves, written = [3, 0, 0, None, 1], "Sorry again. I've logged it."  # a partial score (as above)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=HOTEL)
    last = await play_moves(learner, start.response.message, hotel, moves, written)
    partial = int(re.search(r"Score (\d+) of", embed_text(last))[1])
    assert 0 < partial < best

    listed = (await learner.slash(cohort.channel, "roleplay list")).response
    text = embed_text(listed)
    assert "You have finished 1 role-play so far" in text
    assert listed_line(text, hotel.title).endswith(f"✅ best {partial} of {best}")
    assert "✅" not in listed_line(text, bank.title) and text.count("✅ best") == 1
    option = menu_options(listed)[HOTEL]
    assert option.description.startswith(f"✅ best {partial} of {best} · ") and str(option.emoji) == "✅"
    assert "best" not in menu_options(listed)[SCENARIO].description

    start = await learner.slash(cohort.channel, "roleplay start", scenario=HOTEL)
    await play_best_path(cohort, learner, start.response.message, hotel)
    start = await learner.slash(cohort.channel, "roleplay start", scenario=HOTEL)
    await play_moves(learner, start.response.message, hotel, moves, written)  # the best is kept
    start = await learner.slash(cohort.channel, "roleplay start", scenario=SCENARIO)  # under way, not finished
    text = embed_text((await learner.slash(cohort.channel, "roleplay list")).response)
    assert listed_line(text, hotel.title).endswith(f"✅ best {best} of {best} (full marks)")
    assert "You have finished 1 role-play so far" in text
    assert listed_line(text, bank.title).endswith("under way") and text.count("✅ best") == 1


def menu_id(message, value: str) -> str:
    message = getattr(message, "message", message)
    return next(
        c.custom_id
        for row in message.components
        for c in row.children
        if (c.custom_id or "").startswith("rb:rpgo:") and any(o.value == value for o in c.options)
    )


def assert_plain_where_discord_shows_text_as_is(embed) -> None:
    """Titles, field names and footers show markdown, mentions and timestamps as typed."""
    for text in [embed.title or "", embed.footer.text or "", embed.author.name or ""] + [f.name for f in embed.fields]:
        assert not any(mark in text for mark in ("**", "`", "<t:", "<@", "<#", "__", "~~")), text


def shipped_packs():
    from pathlib import Path

    from bot.packs import load_paths

    return [r.pack for r in load_paths([Path(__file__).resolve().parents[2] / "content" / "packs"])]


def test_every_step_and_the_list_keep_markup_out_of_titles_names_and_footers():
    from bot.domain.records import Session
    from bot.services.roleplay import Play, Standing
    from bot.ui import roleplay as ui

    packs = shipped_packs()
    rows = [(sc, pack) for pack in packs for sc in pack.scenarios]
    for sc, pack in rows:
        for node_id in sc.nodes:
            for steps in ((), (engine.Step(node_id, None, "Feedback."),)):
                state = engine.State(sc.id, node_id, 8, steps=steps)
                session = Session(1, 1, 1, sc.id, pack.pack, None, {}, len(steps), "active", None, None, None)
                embed = ui.step_embed(Play(session, sc, pack, state))
                assert len(embed) <= 6000 and all(len(f.value) <= 1024 for f in embed.fields)
                assert_plain_where_discord_shows_text_as_is(embed)
    everything = {sc.id: (17, 21) for sc, _ in rows}
    for standing in (
        Standing(None),
        Standing(rows[0][0].id, {rows[0][0].id: (3, 21)}),
        Standing(rows[1][0].id, everything),
    ):
        embed = ui.list_embed(rows, standing)
        assert len(embed) <= 6000 and len(embed.fields) <= 25
        assert_plain_where_discord_shows_text_as_is(embed)
        for option in (o for item in ui.list_view(rows, standing).children for o in item.item.options):
            assert len(option.label) <= 100 and len(option.description) <= 100
            # what the learner has done with it is kept whole, before the description is cut
            assert (option.value in standing.best) == (
                "best 17 of 21" in option.description or "best 3 of 21" in option.description
            )
            assert (option.value == standing.under_way) == ("under way" in option.description)


def test_every_report_of_every_shipped_path_fits_discord_and_cuts_only_at_words():
    """Not through SimCord: every ending of every shipped role-play, as the report
    embed Discord would be sent (6,000 characters, 25 fields of 1,024), with each
    choice and feedback whole or cut at a word with an ellipsis."""
    from bot.domain.records import Session
    from bot.services.roleplay import Earned, Play
    from bot.ui import roleplay as ui

    for pack in shipped_packs():
        for sc in pack.scenarios:
            paths = {  # every way through: replies earning the whole rubric, and the examples (weak ways)
                tuple((st.node, st.choice) for st in state.steps): state
                for how in (None, lambda r: [whole_rubric(r)])
                for state in engine.all_paths(sc, how)
            }
            for state in paths.values():
                session = Session(1, 1, 1, sc.id, pack.pack, None, {}, len(state.steps), "finished", None, None, None)
                embed = ui.report_embed(Play(session, sc, pack, state, earned=Earned(7, "challenge", 20)))
                assert len(embed) <= 6000 and len(embed.fields) <= 25, (sc.id, len(embed))
                assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
                assert_plain_where_discord_shows_text_as_is(embed)
                shown = "\n".join(f.value for f in embed.fields)
                for step in (s for s in state.steps if s.choice is not None):
                    assert_whole_or_cut_at_a_word(sc.nodes[step.node].choices[step.choice].text, shown)
                    assert_whole_or_cut_at_a_word(step.feedback, shown)
                report = engine.report(sc, state, {})
                assert ("You took the best path" in shown) == report.took_best
