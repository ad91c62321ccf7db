"""What every importer reads a question bank into, and how that becomes a pack.

An importer (``gift``, ``aiken``, ``moodle_xml``, ``delimited``) turns a file's text into
a ``Bank``: the questions it could hold, each as the fields of a pack question (``kind``,
``prompt``, ``options``/``answer``/..., and whatever feedback the file had), the terms, and
everything it could not hold as a ``Skipped`` with its line and why. A file it cannot read
at all raises ``Unreadable`` with the line.

``to_pack`` then gives each question an id and criteria, fills what the formats lack with
the stand-ins in ``defaults.py`` (the linter names each one, so the tutor sees what to
write), checks each question on its own (one bad question is skipped with its line, the
rest still arrive) and returns the pack's data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from pydantic import TypeAdapter, ValidationError

from bot.packs.checks import check_pack
from bot.packs.messages import explain
from bot.packs.schema import Pack, Question, Term

from .defaults import (
    DEFAULT_AWARDING_BODY,
    DEFAULT_CRITERION,
    DEFAULT_EXPLANATION,
    DEFAULT_FEEDBACK,
    DEFAULT_QUALIFICATION,
)

DEFAULT_CRITERION_ID = "imported"

# Our exports write the pack's criteria as comments of this form so that a round trip
# keeps them; other files never have them, and the importers read them when they do.
CRITERION_NOTE = re.compile(r"^\s*criterion ([A-Za-z0-9][A-Za-z0-9_.-]{0,39}): (.+?)\s*$")

ID_MAX = 40
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
MAX_CRITERIA = 25


class Unreadable(ValueError):
    """The file cannot be read as the format at all (broken XML, an unclosed brace)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Skipped:
    """Something in the file that did not become part of the pack, and why."""

    line: int | None  # None for what has no line (an export's question)
    what: str  # "matching question 'Capitals'", "an embedded image"
    why: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.what}: {self.why}"


@dataclass
class Item:
    """One question as the file wrote it, in the pack's field names."""

    line: int
    fields: dict[str, Any]  # kind, prompt, options, answer, option_feedback, explanation, ...
    title: str | None = None  # GIFT's ::title::, Moodle XML's <name>
    id: str | None = None  # GIFT's [id:...], Moodle XML's <idnumber>
    category: str | None = None  # GIFT's $CATEGORY:, Moodle XML's category, as a path "a/b"
    tags: tuple[str, ...] = ()  # GIFT's [tag:...], Moodle XML's <tags>: criterion ids where they are ours


@dataclass
class Bank:
    format: str
    items: list[Item] = field(default_factory=list)
    terms: list[tuple[int, str, str]] = field(default_factory=list)  # (line, term, definition)
    skipped: list[Skipped] = field(default_factory=list)
    criteria: dict[str, str] = field(default_factory=dict)  # id -> text, from CRITERION_NOTE comments
    title: str | None = None  # the bank's own name, where the format has one


@dataclass
class Converted:
    """A bank as a pack: its data (ready to write as YAML), what was left out, and how
    many fields still hold a stand-in."""

    data: dict[str, Any]
    questions: int
    terms: int
    skipped: list[Skipped]
    defaults: int


@dataclass(frozen=True)
class Written:
    """A pack written in another format: the file's text, how many questions it holds,
    and what of the pack it does not (each with why)."""

    text: str
    questions: int
    left_out: list[Skipped]


def not_questions(pack: Pack, format_name: str) -> list[Skipped]:
    """What a question bank format cannot hold of any pack: misconception links,
    difficulty, terms, myths and role-plays."""
    out: list[Skipped] = []
    linked = sum(1 for q in pack.questions if getattr(q, "misconceptions", None) or getattr(q, "misconception", None))
    if linked:
        what = f"the misconception links of {linked} question{'' if linked == 1 else 's'}"
        out.append(Skipped(None, what, f"{format_name} has no place for them"))
    if any(q.difficulty != 2 for q in pack.questions):
        out.append(Skipped(None, "the questions' difficulty", f"{format_name} has none; an import gets the default, 2"))
    for section, what in (("terms", "terms"), ("myths", "myth-or-fact cards"), ("scenarios", "role-plays")):
        if getattr(pack, section):
            out.append(Skipped(None, f"the pack's {what}", f"{format_name} holds questions only"))
    return out


_question: TypeAdapter[Any] = TypeAdapter(Question)
_term = TypeAdapter(Term)


def slug(text: str, max_length: int = ID_MAX) -> str:
    """An id from free text: ASCII letters, digits and dashes, lower case."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:max_length].rstrip("-")


def is_id(text: str | None) -> TypeGuard[str]:
    return text is not None and len(text) <= ID_MAX and _ID.fullmatch(text) is not None


def to_pack(bank: Bank, pack_id: str, title: str | None = None) -> Converted:
    """The pack ``pack_id`` holding ``bank``'s questions and terms."""
    skipped = list(bank.skipped)
    criteria: dict[str, str] = dict(bank.criteria)
    kept: list[tuple[Item, dict[str, Any], int]] = []  # (item, question, stand-ins filled)
    used_ids: set[str] = set()
    prefix = pack_id[: ID_MAX - 6].rstrip("-_.")
    for n, item in enumerate(bank.items, start=1):
        q = dict(item.fields)
        filled = _fill_defaults(q)
        q["criteria"] = _criteria_for(item, criteria, skipped)
        qid = item.id if is_id(item.id) and item.id not in used_ids else _new_id(prefix, n, used_ids)
        q = {"id": qid, **q}
        try:
            _question.validate_python(q)
        except ValidationError as exc:
            skipped.append(Skipped(item.line, _name(item), _first_error(exc, q)))
            continue
        used_ids.add(qid)
        kept.append((item, q, filled))
    if not criteria or any(q["criteria"] == [DEFAULT_CRITERION_ID] for _, q, _ in kept):
        criteria.setdefault(DEFAULT_CRITERION_ID, DEFAULT_CRITERION)
    terms: list[dict[str, str]] = []
    for line, term, definition in bank.terms:
        t = {"term": term, "definition": definition}
        try:
            _term.validate_python(t)
        except ValidationError as exc:
            skipped.append(Skipped(line, f"term {term[:40]!r}", _first_error(exc, t)))
            continue
        terms.append(t)
    data: dict[str, Any] = {
        "pack": pack_id,
        "title": (title or bank.title or pack_id)[:100],
        "awarding_body": DEFAULT_AWARDING_BODY,
        "qualification": DEFAULT_QUALIFICATION,
        "criteria": [{"id": cid, "text": text} for cid, text in criteria.items()],
    }
    if terms:
        data["terms"] = terms
    kept = _drop_failing_checks(data, kept, skipped)
    if kept:
        data["questions"] = [q for _, q, _ in kept]
    defaults = sum(f for _, _, f in kept) + sum(t == DEFAULT_CRITERION for t in criteria.values()) + 2
    return Converted(data, len(kept), len(terms), skipped, defaults)


def _drop_failing_checks(
    data: dict[str, Any], kept: list[tuple[Item, dict[str, Any], int]], skipped: list[Skipped]
) -> list[tuple[Item, dict[str, Any], int]]:
    """The questions that also pass the checks across fields (an answer that is one of
    the options, options not repeated, ...); each other one is reported with its line."""
    pack = Pack.model_validate({**data, "questions": [q for _, q, _ in kept]})
    failing: dict[int, str] = {}
    for path, message in check_pack(pack):
        if len(path) > 1 and path[0] == "questions" and isinstance(path[1], int):
            field_name = ".".join(str(p) for p in path[2:])
            failing.setdefault(path[1], f"{field_name}: {message}" if field_name else message)
    for i, why in failing.items():
        skipped.append(Skipped(kept[i][0].line, _name(kept[i][0]), why))
    return [k for i, k in enumerate(kept) if i not in failing]


def _first_error(exc: ValidationError, data: dict[str, Any]) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"] if p != data.get("kind"))
    return f"{where}: {explain(err, data)}" if where else explain(err, data)


def _fill_defaults(q: dict[str, Any]) -> int:
    """Put in what the file left out; returns how many fields got a stand-in."""
    filled = 0
    if not q.get("explanation"):
        q["explanation"] = DEFAULT_EXPLANATION
        filled += 1
    kind = q.get("kind")
    if kind in ("single", "multiple"):
        right = {q["answer"]} if kind == "single" else set(q["answer"])
        feedback = {k: v for k, v in (q.get("option_feedback") or {}).items() if k not in right and v}
        for k in range(len(q.get("options", []))):
            if k not in right and k not in feedback:
                feedback[k] = DEFAULT_FEEDBACK
                filled += 1
        q["option_feedback"] = dict(sorted(feedback.items()))
    elif kind in ("true_false", "order", "short_answer") and not q.get("wrong_feedback"):
        q["wrong_feedback"] = DEFAULT_FEEDBACK
        filled += 1
    return filled


def _criteria_for(item: Item, criteria: dict[str, str], skipped: list[Skipped]) -> list[str]:
    """The question's criteria: its tags that name a criterion of ours, else its category
    (made a criterion of its own while the pack has room), else the default criterion."""
    tagged = [t for t in dict.fromkeys(item.tags) if t in criteria][:5]
    if tagged:
        return tagged
    if item.category:
        cid = _category_id(item.category, criteria)
        if cid in criteria:
            return [cid]
        if len(criteria) < MAX_CRITERIA - 1:  # room left for the default criterion
            criteria[cid] = item.category[:1000]
            return [cid]
        what = f"category {item.category!r}"
        if not any(s.what == what for s in skipped):
            why = f"a pack holds at most {MAX_CRITERIA} criteria; its questions are under {DEFAULT_CRITERION_ID!r}"
            skipped.append(Skipped(item.line, what, why))
    return [DEFAULT_CRITERION_ID]


def _category_id(category: str, criteria: dict[str, str]) -> str:
    """A category's criterion id: its last part ("legal-requirements" for
    "Complaints/Legal requirements"), or the whole path where another category has that."""
    last = slug(category.rsplit("/", 1)[-1]) or DEFAULT_CRITERION_ID
    if criteria.get(last, category[:1000]) == category[:1000]:
        return last
    return slug(category) or DEFAULT_CRITERION_ID


def _new_id(prefix: str, n: int, used: set[str]) -> str:
    qid, extra = f"{prefix}-q{n}", 1
    while qid in used:
        qid, extra = f"{prefix}-q{n}-{extra}", extra + 1
    return qid


def _name(item: Item) -> str:
    kind = str(item.fields.get("kind", "question")).replace("_", " ")
    return f"{kind} question {item.title!r}" if item.title else f"{kind} question"
