"""Scoring a written role-play reply on what it says, not on which words appear.

A rubric lists ideas, each with phrases that show it. A phrase earns its idea only when
it is used plainly:
- word forms match ("apologies", "apologised" and "apologise" are one word here);
- a phrase with a negation shortly before it in the same clause ("I'm not going to
  apologise", "no refund", "I don't understand your problem") earns nothing and is
  reported as discounted;
- ``avoid`` phrases (blame, dismissive lines, promises beyond authority) cost credit and
  stop a reply from being strong, negated or not;
- a reply that is mostly the rubric's phrases (a list of key words, not a reply to a
  person) earns nothing.

Pure functions: no I/O, no discord.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

Level = Literal["strong", "partial", "weak"]
LEVELS: tuple[Level, ...] = ("weak", "partial", "strong")

# How far back (in words, within one clause) a negation reaches a phrase.
NEGATION_REACH = 4
# A reply reads as a list of key words, not a reply to a person, when it uses the phrases
# of several ideas and more than COVERAGE_MAX of its words are inside them (negations not
# counted). "I will call you back" is a reply; "sorry understand call you back refund
# manager" is a list. (A rule on the share of the rubric's content words was dropped: it
# marked short, good replies such as "Sorry Tom, I'll refer it to the complaints team with
# last month's note." as lists.)
COVERAGE_MAX = 0.8
COVERAGE_IDEAS = 3  # the coverage test applies once a reply uses phrases of this many ideas

_NEGATIONS = frozenset(
    "not no never nothing nobody none nor neither without cannot refuse refused refuses "
    "dont wont cant didnt doesnt isnt wasnt arent werent shouldnt wouldnt couldnt havent hasnt hadnt mustnt".split()
)
_CLAUSE_WORDS = frozenset("but however although though yet".split())
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_SUFFIXES = (
    "isations",
    "isation",
    "ising",
    "ised",
    "ises",
    "ise",
    "ies",
    "ied",
    "ying",
    "ing",
    "ed",
    "es",
    "s",
    "y",
    "e",
)


def stem(word: str) -> str:
    """A word's plain form for matching: "apologies", "apologise", "apologised" and
    "apologizing" all give "apolog". Crude on purpose: it only has to make the forms of
    one word agree, and it is applied to the rubric and the reply alike."""
    word = word.replace("iz", "is") if "iz" in word else word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                continue
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case words (keeping "don't" whole) and clause punctuation."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def _is_negation(token: str) -> bool:
    return token in _NEGATIONS or token.endswith("n't")


def _match_form(word: str) -> str:
    """What a word is compared as: its stem, but a negation stays itself ("not" must not
    match "note", whose stem it shares)."""
    return "!" + word if _is_negation(word) else stem(word)


@lru_cache(maxsize=1 << 16)
def phrase_stems(phrase: str) -> tuple[str, ...]:
    """A phrase as compared (a pack's phrases are met again on every reply scored)."""
    return tuple(_match_form(t) for t in tokens(phrase) if t[0].isalnum())


# Read-only members (properties), so that frozen models such as the pack's RubricIdea
# and Reply match them.
class _Idea(Protocol):
    @property
    def idea(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def phrases(self) -> Sequence[str]: ...
    @property
    def points(self) -> int: ...


class _Rubric(Protocol):
    @property
    def rubric(self) -> Sequence[_Idea]: ...
    @property
    def avoid(self) -> Sequence[_Idea]: ...


@dataclass(frozen=True)
class Match:
    phrase: str
    negated: bool
    start: int = 0  # the word it starts at
    length: int = 1  # in words


@dataclass(frozen=True)
class IdeaResult:
    idea: str
    criterion: str
    points: int
    matches: tuple[Match, ...]  # every use of one of its phrases, in the order written

    @property
    def found(self) -> bool:
        return any(not m.negated for m in self.matches)

    @property
    def discounted(self) -> tuple[str, ...]:
        """Phrases that were used but negated (only for ideas not otherwise found)."""
        return () if self.found else tuple(dict.fromkeys(m.phrase for m in self.matches if m.negated))


@dataclass(frozen=True)
class ReplyScore:
    level: Level
    credit: dict[str, int]  # criterion -> points earned
    ideas: tuple[IdeaResult, ...]
    avoided: tuple[IdeaResult, ...]  # avoid entries the reply used (each costs its points)
    keyword_list: bool = False  # mostly the rubric's own words: nothing earned

    @property
    def strong(self) -> bool:
        return self.level == "strong"

    @property
    def found(self) -> tuple[str, ...]:
        return tuple(i.idea for i in self.ideas if i.found)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(i.idea for i in self.ideas if not i.found)

    @property
    def discounted(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(idea, the negated phrases) for every idea that was only used negated."""
        return tuple((i.idea, i.discounted) for i in self.ideas if i.discounted)

    @property
    def earned(self) -> int:
        return sum(self.credit.values())


def _words(text: str) -> tuple[list[str], list[bool]]:
    """The reply's words, and for each whether a clause starts at it (after . , ; : ! ?
    or at "but", "however" ...)."""
    words: list[str] = []
    starts: list[bool] = []
    pending = True
    for t in tokens(text):
        if not t[0].isalnum():
            pending = True
            continue
        words.append(t)
        starts.append(pending or t in _CLAUSE_WORDS)
        pending = False
    return words, starts


def _find(words: list[str], starts: list[bool], stems: list[str], phrase: str) -> list[Match]:
    target = phrase_stems(phrase)
    n = len(target)
    if not n:
        return []
    out = []
    for i in range(len(stems) - n + 1):
        if tuple(stems[i : i + n]) != target:
            continue
        negated = False
        j = i
        while not starts[j] and j > i - NEGATION_REACH:
            j -= 1
            if _is_negation(words[j]):
                negated = True
                break
        # "I can't apologise enough" is an apology, not a refusal
        if negated and i + n < len(words) and words[i + n] == "enough":
            negated = False
        out.append(Match(phrase, negated, i, n))
    return out


def _results(ideas: Sequence[_Idea], words: list[str], starts: list[bool], stems: list[str]) -> tuple[IdeaResult, ...]:
    return tuple(
        IdeaResult(
            idea.idea,
            idea.criterion,
            idea.points,
            tuple(m for p in idea.phrases for m in _find(words, starts, stems, p)),
        )
        for idea in ideas
    )


def score_reply(reply: _Rubric, text: str) -> ReplyScore:
    words, starts = _words(text)
    stems = [_match_form(w) for w in words]
    ideas = _results(reply.rubric, words, starts, stems)
    every_avoid = _results(reply.avoid, words, starts, stems)
    avoided = tuple(r for r in every_avoid if r.matches)
    covered = {m.start + k for r in (*ideas, *every_avoid) for m in r.matches for k in range(m.length)}
    counted = sum(not _is_negation(w) for w in words)
    coverage = sum(not _is_negation(words[i]) for i in covered) / counted if counted else 0.0
    listed = sum(bool(r.matches) for r in (*ideas, *every_avoid)) >= COVERAGE_IDEAS
    if listed and coverage > COVERAGE_MAX:
        return ReplyScore("weak", {}, ideas, avoided, keyword_list=True)
    credit: dict[str, int] = {}
    for r in ideas:
        if r.found:
            credit[r.criterion] = credit.get(r.criterion, 0) + r.points
    for r in avoided:
        if r.criterion in credit:
            credit[r.criterion] = max(0, credit[r.criterion] - r.points)
    credit = {c: p for c, p in credit.items() if p}
    earned, total = sum(credit.values()), sum(i.points for i in reply.rubric)
    if earned * 2 >= total and not avoided:
        level: Level = "strong"
    elif earned:
        level = "partial"
    else:
        level = "weak"
    return ReplyScore(level, credit, ideas, avoided)
