"""Small text helpers for what Discord shows: counts that read as English, and text cut
to Discord's limits at a word, with an ellipsis, never mid-word."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 card``, ``2 cards``, ``0 cards``; ``many`` for irregular words (``person``/``people``)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: whole, or cut at the last space before the
    limit (mid-word only when one word is longer than that) and ended with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
