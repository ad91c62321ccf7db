"""Pydantic's errors said in a pack's own terms: what is wrong and what to write instead.

``explain(err, data)`` turns one pydantic error into the message a tutor reads. It finds
the pack's model and field that the error's location names (``questions[0].options`` is
the ``options`` of a ``single`` question), so a count or a range can be said with its
noun and both of its bounds. Anything it does not know keeps pydantic's own wording.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .schema import (
    Choice,
    Criterion,
    Customer,
    Ending,
    Myth,
    Node,
    Pack,
    Reply,
    ReplyExample,
    RubricIdea,
    Scenario,
    Term,
)

KINDS = "single, multiple, true_false, order, short_answer"

SUBJECTS: dict[type[BaseModel], str] = {
    Pack: "a pack",
    Criterion: "a criterion",
    Term: "a term",
    Myth: "a myth",
    Scenario: "a scenario",
    Customer: "a scenario's customer",
    Node: "a node",
    Choice: "a choice",
    Reply: "a reply step",
    RubricIdea: "a rubric or avoid entry",
    ReplyExample: "an example reply",
    Ending: "an ending",
}

# A counted field's noun, singular and plural.
NOUNS: dict[str, tuple[str, str]] = {
    "options": ("option", "options"),
    "steps": ("step", "steps"),
    "criteria": ("criterion", "criteria"),
    "choices": ("choice", "choices"),
    "nodes": ("node", "nodes"),
    "endings": ("ending", "endings"),
    "rubric": ("rubric idea", "rubric ideas"),
    "phrases": ("phrase", "phrases"),
    "answer": ("right option", "right options"),
    "answers": ("accepted answer", "accepted answers"),
}

ID_RULE = "an id may use letters, digits, '.', '_' and '-' and must start with a letter or digit"


def explain(err: ErrorDetails, data: object = None) -> str:
    """The message for one pydantic error on a pack; ``data`` is the YAML data that was
    validated (it lets an unknown key be compared with the keys already written)."""
    kind, loc, value = err["type"], err["loc"], err.get("input")
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    if kind == "union_tag_invalid":
        return f"unknown kind {ctx.get('tag')!r}; expected one of {KINDS}"
    if kind == "union_tag_not_found":
        return f"missing `kind`; expected one of {KINDS}"
    if kind == "extra_forbidden":
        return _unknown_key(loc, data)
    if kind == "invalid_key":
        return f"a key must be a name (text), not {describe(value)}"
    if kind == "missing":
        owner = _resolve(loc).owner
        needs = f": {_subject(owner)} needs `{loc[-1]}`" if owner is not None else ""
        return "required field is missing" + needs
    if kind == "string_type":
        if isinstance(value, bool):
            return "expected text, got a YAML boolean (yes/no/on/off/true/false are booleans): put the text in quotes"
        if isinstance(value, (int, float)):
            return f"expected text, got the number {value!r}: put it in quotes"
        return f"expected text, got {describe(value)}" + (": put it in quotes" if _is_scalar(value) else "")
    if kind == "int_type":
        hint = ": remove the quotes" if isinstance(value, str) and value.strip().lstrip("-").isdigit() else ""
        return f"expected a whole number, got {describe(value)}{hint}"
    if kind == "bool_type":
        hint = ": remove the quotes" if isinstance(value, str) and value.strip().lower() in ("true", "false") else ""
        return f"expected true or false, got {describe(value)}{hint}"
    if kind == "list_type":
        return f"expected a list (written [a, b], or one '- ' line per item), got {describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a block of `key: value` lines, got {describe(value)}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', 'one of the allowed values')} (got {_shown(value)})"
    if kind == "string_pattern_mismatch":
        return f"{ID_RULE} (got {_shown(value)})"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long" and isinstance(value, str):
        return f"is {len(value.strip())} characters long; at most {ctx['max_length']} fit here"
    if kind in ("too_short", "too_long") and {"actual_length", "min_length", "max_length"} & ctx.keys():
        return _count(kind, loc, ctx)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _bounds(loc, ctx, value)
    got = "" if isinstance(value, (dict, list)) else f" (got {_shown(value)})"
    return err["msg"] + got


def describe(value: object) -> str:
    """What a YAML value is, in a tutor's words."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "a YAML boolean (yes/no/on/off/true/false are booleans)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_shown(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of `key: value` lines"
    return f"the YAML {type(value).__name__} {str(value)[:40]}"  # a date, a time, a set ...


def _is_scalar(value: object) -> bool:
    return value is not None and not isinstance(value, (list, dict, str))


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _subject(model: type[BaseModel] | None) -> str:
    if model is None:
        return "this"
    if model in SUBJECTS:
        return SUBJECTS[model]
    kind = model.model_fields.get("kind")
    if kind is not None and get_origin(kind.annotation) is Literal:
        name = get_args(kind.annotation)[0]
        return f"{'an' if name[0] in 'aeiou' else 'a'} `{name}` question"
    return f"a {model.__name__.lower()}"


def _unknown_key(loc: tuple[int | str, ...], data: object) -> str:
    owner = _resolve(loc[:-1]).at
    if owner is None:
        return "unknown key; check its spelling against the pack format in the README"
    written = _mapping_at(data, loc[:-1])
    free = [name for name in owner.model_fields if name not in written]  # only a key not written yet
    close = difflib.get_close_matches(str(loc[-1]), free, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean `{close[0]}`?"
    return f"unknown key; check its spelling ({_subject(owner)} may have: {', '.join(owner.model_fields)})"


def _mapping_at(data: object, loc: tuple[int | str, ...]) -> dict:
    """The mapping of the YAML data at a pydantic location ({} when it is not there)."""
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif not (isinstance(part, str) and (part.startswith(("[", "function-")) or _is_kind(part))):
            return {}
    return data if isinstance(data, dict) else {}


def _is_kind(part: str) -> bool:
    return part in KINDS.split(", ")


def _count(kind: str, loc: tuple[int | str, ...], ctx: dict[str, Any]) -> str:
    field = str(loc[-1]) if loc else ""
    owner = _resolve(loc).owner
    one, many = NOUNS.get(field, ("item", "items"))
    actual = ctx.get("actual_length")
    has = f"; this one has {actual}" if actual is not None else ""
    if kind == "too_short":
        n = ctx["min_length"]
        return f"{_subject(owner)} needs at least {n} {one if n == 1 else many}{has}"
    n = ctx["max_length"]
    return f"{_subject(owner)} may have at most {n} {one if n == 1 else many}{has}"


def _bounds(loc: tuple[int | str, ...], ctx: dict[str, Any], value: object) -> str:
    found = _resolve(loc)
    low = next((m.ge for m in found.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in found.metadata if isinstance(m, Le)), None)
    low = ctx.get("ge", low)
    high = ctx.get("le", high)
    got = f" (got {_shown(value)})"
    if low is not None and high is not None:
        return f"must be from {low} to {high}{got}"
    if low is not None:
        return f"must be {low} or more{got}"
    if high is not None:
        return f"must be {high} or less{got}"
    if "gt" in ctx:
        return f"must be more than {ctx['gt']}{got}"
    if "lt" in ctx:
        return f"must be less than {ctx['lt']}{got}"
    return f"is out of range{got}"


class _Found:
    """Where a location leads: ``owner``, the model whose field it names last; ``at``, the
    model it ends inside (when it ends on one); ``metadata``, the constraints on its value."""

    def __init__(self, owner: type[BaseModel] | None, at: object, metadata: list[object]) -> None:
        self.owner, self.metadata = owner, metadata
        self.at = at if isinstance(at, type) and issubclass(at, BaseModel) else None


def _resolve(loc: tuple[int | str, ...]) -> _Found:
    """Walk the schema from ``Pack`` along a pydantic location (with its tags: the kind
    after a question's index, '[key]' after a mapping key). A walk that leaves the schema
    stops where it left it."""
    tp: object = Pack
    owner: type[BaseModel] | None = None
    metadata: list[object] = []
    for part in loc:
        tp, extra = _unwrap(tp)
        metadata += extra
        if isinstance(part, str) and part.startswith(("[", "function-")):
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return _Found(owner, tp, [])
            owner, tp, metadata = tp, field.annotation, list(field.metadata)
            continue
        origin, args = get_origin(tp), get_args(tp)
        if origin is list and args:
            tp, metadata = args[0], []
        elif origin is dict and len(args) == 2:
            tp, metadata = args[1], []
        elif origin in (Union, types.UnionType) and (member := next((m for m in args if _kind_of(m) == part), None)):
            tp, metadata = member, []
        else:
            return _Found(owner, None, [])
    tp, extra = _unwrap(tp)
    return _Found(owner, tp, metadata + extra)


def _unwrap(tp: object) -> tuple[object, list[object]]:
    """``tp`` without ``Annotated`` and ``| None``, and the constraints that were on it."""
    metadata: list[object] = []
    while True:
        origin, args = get_origin(tp), get_args(tp)
        if origin is Annotated:
            tp = args[0]
            for meta in args[1:]:
                metadata.extend(meta.metadata if isinstance(meta, FieldInfo) else [meta])
        elif origin in (Union, types.UnionType) and type(None) in args and len(args) == 2:
            tp = next(a for a in args if a is not type(None))
        else:
            return tp, metadata


def _kind_of(model: object) -> object:
    """A question model's ``kind`` (the tag pydantic puts in a question's location)."""
    if isinstance(model, type) and issubclass(model, BaseModel) and "kind" in model.model_fields:
        args = get_args(model.model_fields["kind"].annotation)
        return args[0] if args else None
    return None
