"""Grading answers, the order steps are shown in, and choosing the next question."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from bot.packs.schema import (
    MultipleQuestion,
    OrderQuestion,
    Question,
    ShortAnswerQuestion,
    SingleQuestion,
    TrueFalseQuestion,
)

LETTERS = "ABCDEF"
# A learner's answer: an option index (single), a set of indexes (multiple), a bool
# (true/false), the step indexes in the order the learner put them (order) or the text
# they typed (short_answer). Indexes are always the pack's; the letters a learner sees
# depend on the order the options were shown in.
Choice = int | tuple[int, ...] | bool | str
TYPED_MAX = 100  # the longest typed answer (the answer box holds no more)
# The order options are shown in: ``order[position]`` is the pack's index of the option
# shown at that position (letter). Identity for kinds without options.
Order = tuple[int, ...]


class InvalidChoice(ValueError):
    """The answer does not fit the question (a stale or tampered button)."""


class EmptyAnswer(InvalidChoice):
    """A typed answer with no letter or digit in it (only spaces, punctuation or emoji)."""


# --- typed answers -----------------------------------------------------------------------------

# Removed without a trace, so the letters on either side join: apostrophes ("customer's",
# "customer’s" and "customers" are one answer) and full stops ("U.K. GDPR" is "UK GDPR").
_JOINERS = frozenset("'’‘ʼ`´.")


def normalise_answer(text: str) -> str:
    """``text`` as typed answers are compared: Unicode NFKC (full-width digits, ligatures),
    case-folded, apostrophes and full stops removed, every other punctuation mark, symbol
    (emoji too) and hyphen read as a space, and spaces collapsed. So "Data Protection Act
    2018." and "data protection act 2018" are one answer, and so are "face-to-face" and
    "face to face"; "e-mail" and "email" are not (a pack lists both). Accents are kept. An
    answer with no letter or digit normalises to ""."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    out: list[str] = []
    in_word = False  # a combining mark counts only on a letter or digit (not on an emoji)
    for ch in folded:
        category = unicodedata.category(ch)
        if ch in _JOINERS or category == "Cf":  # zero-width and direction marks: nothing
            continue
        if category[0] in "LN":
            out.append(ch)
            in_word = True
        elif category[0] == "M":
            if in_word:
                out.append(ch)
        else:
            out.append(" ")
            in_word = False
    return " ".join("".join(out).split())


@lru_cache(maxsize=256)
def _accepted(answers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise_answer(a) for a in answers)


def _typed(choice: Choice) -> str:
    """A short-answer question's answer (the typed text), as ``grade`` has accepted it."""
    if not isinstance(choice, str):
        raise InvalidChoice("not a typed answer")
    return choice


def accepts(q: ShortAnswerQuestion, text: str) -> bool:
    """Whether ``text`` matches one of ``q``'s accepted answers once normalised."""
    return normalise_answer(text) in _accepted(tuple(q.answers))


# Characters that Discord reads as markdown, mentions, timestamps or links: escaped with a
# backslash in what a learner typed, so it shows as typed and never as formatting or a ping.
_MARKUP = re.compile(r"([\\*_~`|<>#\-\[\]()@:])")


def typed_text(text: str) -> str:
    """What a learner typed, to show in Discord: on one line, its markdown escaped."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


@dataclass(frozen=True)
class Grade:
    correct: bool
    feedback: tuple[str, ...]  # why each wrong part of the answer is wrong
    misconceptions: tuple[str, ...]  # myth ids the wrong answer points at
    missed: tuple[int, ...] = ()  # right options a multiple-choice answer left out (pack indexes)


def option_order(q: Question, seed: str | None) -> Order:
    """The order ``q``'s options are shown in. With a seed (a cohort post's id, or a
    practice serve's token), single and multiple questions are shuffled, the same way for
    the same seed; without one, or for a question that opts out (``shuffle: false``), they
    keep the written order."""
    if not isinstance(q, SingleQuestion | MultipleQuestion):
        return ()
    if seed is not None and q.shuffle:
        return shuffled(len(q.options), f"{seed}:{q.id}")
    return tuple(range(len(q.options)))


def shuffled(n: int, seed: str) -> Order:
    """``range(n)`` in an order fixed by ``seed``."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return tuple(order)


def new_seed(rng: random.Random | ModuleType) -> str:
    """A practice serve's shuffle token: six hex digits (it travels in custom_ids)."""
    return f"{rng.getrandbits(24):06x}"


def shown_order(q: SingleQuestion | MultipleQuestion, order: Order) -> Order:
    """``order``, or the written order where none was given."""
    return order or tuple(range(len(q.options)))


def letter(order: Order, index: int) -> str:
    """The letter the option with the pack's ``index`` is shown under."""
    return LETTERS[order.index(index)] if index in order else LETTERS[index]


def _index(choice: Choice) -> int:
    """A single question's answer (one option index), as ``grade`` has accepted it."""
    if not isinstance(choice, int):
        raise InvalidChoice("not an option of this question")
    return choice


def _indexes(choice: Choice) -> tuple[int, ...]:
    """A multiple or order question's answer (option or step indexes), as ``grade`` has
    accepted it."""
    if not isinstance(choice, tuple):
        raise InvalidChoice("not a set of options or an order of steps")
    return choice


def grade(q: Question, choice: Choice) -> Grade:
    if isinstance(q, SingleQuestion):
        if type(choice) is not int or not 0 <= choice < len(q.options):
            raise InvalidChoice("not an option of this question")
        if choice == q.answer:
            return Grade(True, (), ())
        return Grade(False, (q.option_feedback[choice],), tuple(filter(None, [q.misconceptions.get(choice)])))
    if isinstance(q, MultipleQuestion):
        if (
            not isinstance(choice, tuple)
            or not choice
            or any(type(c) is not int or not 0 <= c < len(q.options) for c in choice)
            or len(set(choice)) != len(choice)
        ):
            raise InvalidChoice("not a set of options of this question")
        picked, right = set(choice), set(q.answer)
        wrong = sorted(picked - right)
        feedback = tuple(q.option_feedback[k] for k in wrong)
        return Grade(
            picked == right,
            feedback,
            tuple(dict.fromkeys(q.misconceptions[k] for k in wrong if k in q.misconceptions)),
            tuple(sorted(right - picked)),
        )
    if isinstance(q, TrueFalseQuestion):
        if type(choice) is not bool:
            raise InvalidChoice("not true or false")
        if choice == q.answer:
            return Grade(True, (), ())
        return Grade(False, (q.wrong_feedback,), tuple(filter(None, [q.misconception])))
    if isinstance(q, OrderQuestion):
        n = len(q.steps)
        if not isinstance(choice, tuple) or any(type(c) is not int for c in choice) or sorted(choice) != list(range(n)):
            raise InvalidChoice("not an order of this question's steps")
        if list(choice) == list(range(n)):
            return Grade(True, (), ())
        return Grade(False, (q.wrong_feedback,), tuple(filter(None, [q.misconception])))
    if isinstance(q, ShortAnswerQuestion):
        if type(choice) is not str or len(choice.strip()) > TYPED_MAX:
            raise InvalidChoice("not a typed answer that fits this question")
        if not normalise_answer(choice):
            raise EmptyAnswer("the answer has no letter or digit in it")
        if accepts(q, choice):
            return Grade(True, (), ())
        return Grade(False, (q.wrong_feedback,), tuple(filter(None, [q.misconception])))
    raise InvalidChoice(f"unknown question kind {q.kind!r}")


def display_order(q: OrderQuestion) -> list[int]:
    """The steps' indexes in the order they are shown: shuffled, the same for everyone
    and every restart (seeded by the question id), and never already in the right order."""
    order = list(range(len(q.steps)))
    random.Random(q.id).shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return order


def answer_text(q: Question, order: Order = ()) -> str:
    """The right answer, written out with the letters it was shown under."""
    if isinstance(q, SingleQuestion):
        return f"**{letter(order, q.answer)}**. {q.options[q.answer]}"
    if isinstance(q, MultipleQuestion):
        return "\n".join(f"**{letter(order, k)}**. {q.options[k]}" for k in _shown(order, q.answer))
    if isinstance(q, TrueFalseQuestion):
        return "**True**" if q.answer else "**False**"
    if isinstance(q, ShortAnswerQuestion):
        return _accepted_text(q)
    return " → ".join(f"**{s}**" for s in q.steps)


ALSO_ACCEPTED_MAX = 600  # characters of the other accepted answers shown under the first


def _accepted_text(q: ShortAnswerQuestion) -> str:
    """The first accepted answer, and as many of the others as fit a few lines."""
    first, *others = q.answers
    shown: list[str] = []
    for k, other in enumerate(others):
        if sum(len(t) + 2 for t in shown) + len(other) > ALSO_ACCEPTED_MAX:
            shown.append(f"and {len(others) - k} more")
            break
        shown.append(other)
    return f"**{first}**" + (f"\nAlso accepted: {', '.join(shown)}" if shown else "")


def choice_text(q: Question, choice: Choice, order: Order = ()) -> str:
    """What the learner answered, written out with the letters they saw."""
    if isinstance(q, TrueFalseQuestion):
        return "True" if choice else "False"
    if isinstance(q, SingleQuestion):
        k = _index(choice)
        return f"{letter(order, k)}. {q.options[k]}"
    if isinstance(q, MultipleQuestion):
        return "\n".join(f"{letter(order, k)}. {q.options[k]}" for k in _shown(order, _indexes(choice)))
    if isinstance(q, ShortAnswerQuestion):
        return typed_text(_typed(choice))
    return " → ".join(q.steps[k] for k in _indexes(choice))


def option_text(q: Question, choice: Choice) -> str:
    """An answer by what it says, not where it stood (for reports across posts, whose
    letters differ)."""
    if isinstance(q, TrueFalseQuestion):
        return "True" if choice else "False"
    if isinstance(q, SingleQuestion):
        return f"“{q.options[_index(choice)]}”"
    if isinstance(q, MultipleQuestion):
        return " + ".join(f"“{q.options[k]}”" for k in sorted(_indexes(choice)))
    if isinstance(q, ShortAnswerQuestion):
        return f"“{typed_text(_typed(choice))}”"
    return "the order " + " → ".join(q.steps[k] for k in _indexes(choice))


def _shown(order: Order, indexes: Iterable[int]) -> list[int]:
    """Pack indexes sorted by where they were shown."""
    return sorted(indexes, key=lambda k: order.index(k) if k in order else k)


def option_labels(q: Question, order: Order = ()) -> list[str]:
    """The labels the per-option answer counts are shown under, in the order shown."""
    if isinstance(q, SingleQuestion | MultipleQuestion):
        return [f"{LETTERS[pos]}. {q.options[k]}" for pos, k in enumerate(shown_order(q, order))]
    if isinstance(q, TrueFalseQuestion):
        return ["True", "False"]
    if isinstance(q, ShortAnswerQuestion):
        return ["Accepted answer", "Another answer"]
    return ["Right order", "Another order"]


def tally_key(q: Question, choice: Choice, order: Order = ()) -> list[int]:
    """Which of ``option_labels`` an answer counts under (several for multiple choice)."""
    if isinstance(q, SingleQuestion | MultipleQuestion):
        picked = [_index(choice)] if isinstance(q, SingleQuestion) else list(_indexes(choice))
        return sorted(shown_order(q, order).index(k) for k in picked)
    if isinstance(q, TrueFalseQuestion):
        return [0 if choice else 1]
    if isinstance(q, ShortAnswerQuestion):
        return [0 if accepts(q, _typed(choice)) else 1]
    return [0 if list(_indexes(choice)) == list(range(len(q.steps))) else 1]


@dataclass(frozen=True)
class PoolItem:
    question_id: str
    pack_id: str
    kind: str


def pick_question(pool: list[PoolItem], used: list[str], rng: random.Random) -> PoolItem | None:
    """The next cohort question: none repeats until the pool is used up, and packs and
    kinds alternate where they can. ``used`` is the server's past questions, oldest first."""
    if not pool:
        return None
    ids = {p.question_id for p in pool}
    used_in_pool = [u for u in used if u in ids]
    recent: set[str] = set()  # the questions used since the pool last ran out
    for u in used_in_pool:
        recent.add(u)
        if recent >= ids:
            recent = set()
    fresh = [p for p in pool if p.question_id not in recent]
    last = next((p for p in pool if used_in_pool and p.question_id == used_in_pool[-1]), None)
    if last is not None and len(fresh) > 1:
        fresh = [p for p in fresh if p.question_id != last.question_id] or fresh
        for differs in (
            lambda p: p.pack_id != last.pack_id and p.kind != last.kind,
            lambda p: p.kind != last.kind,
            lambda p: p.pack_id != last.pack_id,
        ):
            better = [p for p in fresh if differs(p)]
            if better:
                fresh = better
                break
    return rng.choice(sorted(fresh, key=lambda p: p.question_id))


@dataclass(frozen=True)
class Tally:
    labels: list[str]
    counts: list[int]
    total: int  # answers (a multiple-choice answer counts under each option picked)

    def percent(self, i: int) -> int:
        return round(100 * self.counts[i] / self.total) if self.total else 0


def tally(q: Question, choices: list[Choice], order: Order = ()) -> Tally:
    labels = option_labels(q, order)
    counts = [0] * len(labels)
    total = 0
    for choice in choices:
        try:
            grade(q, choice)
        except InvalidChoice:
            continue  # an answer from before the question changed: not counted at all
        total += 1
        for k in tally_key(q, choice, order):
            counts[k] += 1
    return Tally(labels, counts, total)
