"""The text helpers: plurals, and cuts at a word with an ellipsis."""

from bot.ui.text import clip, plural


def test_plurals_read_as_english():
    assert [plural(n, "card") for n in (0, 1, 2)] == ["0 cards", "1 card", "2 cards"]
    assert plural(1, "person", "people") == "1 person" and plural(3, "person", "people") == "3 people"
    assert plural(1200, "answer") == "1,200 answers"


def test_clip_cuts_at_a_word_and_says_so():
    assert clip("short enough", 20) == "short enough"
    text = "I've logged your complaint and the manager will call you today"
    cut = clip(text, 24)
    assert cut == "I've logged your…" and len(cut) <= 24
    assert clip("x" * 50, 10) == "x" * 9 + "…"  # one long word: cut inside it
