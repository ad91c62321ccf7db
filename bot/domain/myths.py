"""Myth-or-fact cards: which card next, and how the cohort split."""

from __future__ import annotations

import random
from dataclasses import dataclass

UNBUSTED_WEIGHT, BUSTED_WEIGHT = 3, 1  # busted myths come up a third as often


def pick_myth(myth_ids: list[str], busted: set[str], rng: random.Random) -> str | None:
    if not myth_ids:
        return None
    ids = sorted(myth_ids)
    weights = [BUSTED_WEIGHT if m in busted else UNBUSTED_WEIGHT for m in ids]
    return rng.choices(ids, weights=weights, k=1)[0]


@dataclass(frozen=True)
class Split:
    myth: int
    fact: int

    @property
    def total(self) -> int:
        return self.myth + self.fact

    def percent(self, verdict: str) -> int:
        n = self.myth if verdict == "myth" else self.fact
        return round(100 * n / self.total) if self.total else 0


def split(verdicts: list[str]) -> Split:
    return Split(sum(v == "myth" for v in verdicts), sum(v == "fact" for v in verdicts))
