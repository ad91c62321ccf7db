"""Streaks over the scheduled posts a learner answered."""

from hypothesis import given
from hypothesis import strategies as hs

from bot.domain.streaks import Run, Streak, extend, from_history, shown, streak

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


# -- the kept run agrees with the history ----------------------------------------------------
def oracle(posts: list[tuple[str, bool]], answered: set[str]) -> Streak:
    """The definition, walked step by step: the longest run, and the run back from the newest
    post (today's open post, if unanswered, is skipped)."""
    best = run = 0
    for slot, _ in posts:
        run = run + 1 if slot in answered else 0
        best = max(best, run)
    current = 0
    for i, (slot, is_open) in enumerate(reversed(posts)):
        if slot in answered:
            current += 1
        elif i == 0 and is_open:
            continue
        else:
            break
    return Streak(current, max(best, current))


histories = hs.lists(hs.tuples(hs.booleans(), hs.booleans()), max_size=30).map(
    lambda days: (
        [(d, False) for d in DAYS_LONG[: len(days)]],
        [d for d, (answered, _) in zip(DAYS_LONG, days) if answered],
    )
)
DAYS_LONG = [f"2026-{m:02d}-{d:02d}" for m in (1, 2) for d in range(1, 29)]


@given(histories, hs.booleans(), hs.randoms())
def test_a_run_kept_answer_by_answer_shows_what_the_history_says(history, last_open, rnd):
    posts, answered = history
    if posts and last_open:
        posts[-1] = (posts[-1][0], True)
    slots = [s for s, _ in posts]
    order = list(answered)
    rnd.shuffle(order)  # answers may come in any order (long answer windows)
    run = None
    for i, slot in enumerate(order):
        run = extend(run, slots, slot) or from_history(slots, set(order[: i + 1]))
    assert shown(run, posts) == oracle(posts, set(answered)) == streak(posts, set(answered))


def test_answering_an_older_post_asks_for_the_history():
    run = Run("2026-03-05", 2, 4)
    assert extend(run, DAYS, "2026-03-03") is None
    assert extend(run, DAYS, "2026-03-06") == Run("2026-03-06", 3, 4)
    assert extend(run, DAYS, "2026-03-08") == Run("2026-03-08", 1, 4)
