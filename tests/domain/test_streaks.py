"""Streaks over the scheduled posts a learner answered."""

from bot.domain.streaks import Streak, streak

DAYS = [f"2026-03-{d:02d}" for d in range(2, 14)]


def closed(*slots: str) -> list[tuple[str, bool]]:
    return [(s, False) for s in slots]


def test_no_posts_no_streak():
    assert streak([], set()) == Streak(0, 0)


def test_no_posts_answered():
    assert streak(closed(*DAYS[:3]), set()) == Streak(0, 0)


def test_consecutive_answered_posts_count():
    assert streak(closed(*DAYS[:4]), set(DAYS[:4])) == Streak(4, 4)


def test_a_missed_post_breaks_the_run():
    posts = closed(*DAYS[:5])
    answered = {DAYS[0], DAYS[1], DAYS[3], DAYS[4]}  # missed DAYS[2]
    assert streak(posts, answered) == Streak(2, 2)


def test_a_missed_latest_closed_post_ends_the_current_streak():
    posts = closed(*DAYS[:4])
    assert streak(posts, set(DAYS[:3])) == Streak(0, 3)


def test_an_open_latest_post_does_not_break_the_run():
    posts = closed(*DAYS[:3]) + [(DAYS[3], True)]
    assert streak(posts, set(DAYS[:3])) == Streak(3, 3)


def test_an_open_latest_post_answered_counts():
    posts = closed(*DAYS[:3]) + [(DAYS[3], True)]
    assert streak(posts, set(DAYS[:4])) == Streak(4, 4)


def test_only_the_latest_open_post_is_excused():
    # An earlier post still open but unanswered breaks the run like any other miss.
    posts = [(DAYS[0], False), (DAYS[1], True), (DAYS[2], True)]
    assert streak(posts, {DAYS[0]}) == Streak(0, 1)


def test_best_is_kept_after_a_break():
    posts = closed(*DAYS[:8])
    answered = {DAYS[0], DAYS[1], DAYS[2], DAYS[3], DAYS[5], DAYS[6], DAYS[7]}  # missed DAYS[4]
    assert streak(posts, answered) == Streak(3, 4)


def test_best_is_kept_when_the_current_streak_is_zero():
    posts = closed(*DAYS[:6])
    answered = {DAYS[0], DAYS[1], DAYS[2]}
    assert streak(posts, answered) == Streak(0, 3)


def test_answers_to_slots_that_are_not_posts_are_ignored():
    posts = closed(DAYS[0], DAYS[2])
    assert streak(posts, {DAYS[0], DAYS[1], DAYS[2]}) == Streak(2, 2)
