"""Moodle's GIFT format: a question bank read into a ``Bank``, and a pack written out.

Reading follows Moodle's GIFT documentation (docs.moodle.org, "GIFT format"):

- Questions are separated by blank lines. A line starting ``//`` is a comment. In a
  question's comments ``[id:...]`` is the question's id (the first one counts) and each
  ``[tag:...]`` a tag, as Moodle reads them; anywhere, ``// criterion ID: TEXT`` (what our
  exports write, ``bank.CRITERION_NOTE``) defines a criterion.
- ``::title::`` names a question. ``$CATEGORY: $course$/top/a/b`` puts the questions after
  it in the category "a/b" (the ``$course$``-style prefix and ``top`` are dropped).
- ``\\~ \\= \\# \\{ \\} \\:`` are those characters, ``\\\\`` is a backslash and ``\\n`` a line break.
- ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` at the start of a text sets its
  format; answers and feedback take the question text's unless they say otherwise. HTML
  becomes Discord markdown (``html.to_markdown``) and what it drops (an image, a table) is
  reported with the question's line while the question still imports. ``[moodle]`` (the
  default) is Moodle's auto-format: HTML is allowed, so it is converted the same way, with
  ``\\n`` as a line break. ``[plain]`` is shown as written (markdown characters escaped) and
  ``[markdown]`` kept as written. The lines a text is written over are joined by spaces,
  except in markdown, where line breaks matter.

The answer block ``{...}`` decides the kind:

- ``{=right ~wrong ~wrong}`` (exactly one ``=``): ``single``, the options in their order;
  a wrong option's ``#feedback`` is its ``option_feedback``. A ``~%50%`` partial credit is
  reported as not held (the option is simply wrong).
- ``{~%50%a ~%50%b ~%-100%c}`` (weights, no ``=``): ``multiple``; the options with a
  positive weight are the right ones.
- ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` (any case): ``true_false``. Moodle shows the first
  ``#feedback`` to whoever answers wrongly: it is ``wrong_feedback``.
- ``{=answer =other}`` or ``{answer}`` (only ``=`` answers): ``short_answer``, its ``answers``
  the 100% ones. ``=%0%*#feedback`` (Moodle's "any other answer") gives ``wrong_feedback``;
  partial credit, and a wrong answer with feedback of its own, are reported as not held.
- ``####general feedback``: the ``explanation``. Feedback on a right answer (the second
  ``#`` of a true/false, ``#`` after a right option) is not used as the explanation: Moodle
  shows it only to whoever answered right ("Well done!"), while the bot shows the
  explanation to everyone, including those who got it wrong; it is reported instead, so
  the tutor can move it into the explanation where it explains.

Not held, each reported as ``Skipped`` with the line where the question starts (its first
line that is not a comment) and its title or first words: essay (``{}``), numerical
(``{#...}``), matching (``{=a -> b}``), description (no answer block), missing word (text
after the closing ``}``, or several answer blocks), multiple choice with several ``=``
(Moodle gives full marks for any one of them, which neither kind holds) and multiple
choice with no right answer. A ``{`` left open (a blank line or the file's end comes
first) or a ``}`` that closes nothing makes the file ``Unreadable`` with its line.

Writing gives a file Moodle imports: a header comment naming the pack, the criteria as
``// criterion ID: TEXT`` lines, a ``$CATEGORY`` named after the pack, then each question
as ``// [id:QID] [tag:CRITERION]...`` and ``::QID::[markdown]prompt{...}``. The title is
the question's id: unique, short and stable, so a question keeps its name in Moodle across
exports. Our text is Discord markdown, so every text is ``[markdown]``, with the GIFT
characters escaped and line breaks written ``\\n``; the explanation is the general
feedback (``####``). A ``multiple`` question's right options share 100% (``%50%`` each for
two) and its wrong ones share -100%, so ticking every option scores nothing; the weights
are among those Moodle accepts (100/n for n = 1..6). A ``short_answer`` writes its answers
as ``=`` and its wrong feedback as ``=%0%*#...``. Order questions have no GIFT form and
are returned as skipped, as is a short answer with ``->`` in its answers or feedback (GIFT
would read it as a matching question, and has no escape for ``->``). Misconceptions,
difficulty and ``shuffle`` have no GIFT form and are not written; nor are the pack's
terms, myths and role-plays (a GIFT file is questions only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.packs.schema import (
    MultipleQuestion,
    OrderQuestion,
    Pack,
    Question,
    ShortAnswerQuestion,
    SingleQuestion,
    TrueFalseQuestion,
)

from .bank import CRITERION_NOTE, Bank, Item, Skipped, Unreadable, Written, not_questions
from .html import escape_markdown, to_markdown

Line = tuple[int, str]  # (1-based line number, the line's text)

# While a question is taken apart, each escaped character stands in as a private-use
# character, so that only unescaped ones are syntax; a finished text gets them back.
_PLACEHOLDERS = {c: chr(0xE000 + i) for i, c in enumerate("\\~=#{}:n")}
_ESCAPED = re.compile(r"\\([\\~=#{}:n])")
_RESTORE = str.maketrans({p: "\n" if c == "n" else c for c, p in _PLACEHOLDERS.items()})
_STRAY = str.maketrans(dict.fromkeys(_PLACEHOLDERS.values()))  # in the file itself: dropped

_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?(?:\d+(?:\.\d*)?|\.\d+))%")
_ID = re.compile(r"\[id:((?:\\.|[^\]\\])*)\]")
_TAG = re.compile(r"\[tag:((?:\\.|[^\]\\])*)\]")
_CATEGORY = "$CATEGORY:"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_LABEL_MAX = 50

# What each kind the bot cannot hold is called, and why it is not held.
_NOT_HELD = {
    "description": (
        "description",
        "it has no answer block { }, so it is text shown between questions (Moodle's description), not a question",
    ),
    "essay": ("essay question", "an essay ({}) needs a person to mark it; the bot marks every answer itself"),
    "numerical": (
        "numerical question",
        "the bot has no numerical kind ({#...}: a number within a tolerance); write it as a short answer",
    ),
    "matching": ("matching question", "the bot has no matching kind (=item -> match)"),
    "missing_word": (
        "missing-word question",
        "its answers sit inside the sentence (there is text after the closing }); "
        "the bot shows the answers after the question, so put the { } at the end",
    ),
}


# Reading.


def read_gift(text: str) -> Bank:
    bank = Bank(format="gift")
    category: str | None = None
    for block in _blocks(text):
        comments = [line.lstrip()[2:] for _, line in block if _is_comment(line)]
        body = [(n, line) for n, line in block if not _is_comment(line)]
        bank.criteria.update(_criteria(comments))
        if body and body[0][1].lstrip().startswith(_CATEGORY):
            category = _category(body[0][1].lstrip()[len(_CATEGORY) :])
            body = body[1:]
        if body:
            _read_question(body, comments, category, bank)
    return bank


def _blocks(text: str) -> list[list[Line]]:
    """The file's blank-line-separated blocks, each a list of its lines."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            current.append((n, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("//")


def _criteria(comments: list[str]) -> dict[str, str]:
    return {m.group(1): m.group(2) for c in comments if (m := CRITERION_NOTE.match(c))}


def _category(path: str) -> str | None:
    """A Moodle category path as "a/b": ``$course$/top/a/b`` -> "a/b" (``//`` is a slash in a name)."""
    names = [name.replace("\0", "/").strip() for name in path.strip().replace("//", "\0").split("/")]
    names = [name for name in names if name]
    if names and re.fullmatch(r"\$\w+\$", names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return "/".join(names) or None


def _id_and_tags(comments: list[str]) -> tuple[str | None, tuple[str, ...]]:
    joined = "\n".join(comments)
    found = _ID.search(joined)
    ident = found.group(1).replace("\\]", "]").strip() if found else None
    tags = (t.replace("\\]", "]").strip() for t in _TAG.findall(joined))
    return ident or None, tuple(t for t in tags if t)


@dataclass(frozen=True)
class _Parts:
    """A question taken apart; the texts still hold the escape placeholders."""

    title: str | None
    fmt: str  # the question text's format, the default for its other texts
    stem: str  # the text before the answer block (all of it for a description)
    answers: str | None  # inside the first { }, before any ####; None when there is no block
    general: str | None  # the general feedback, after ####
    after: str  # the text after the first }


def _read_question(body: list[Line], comments: list[str], category: str | None, bank: Bank) -> None:
    text = _protect("\n".join(line for _, line in body))
    line = body[0][0]
    parts = _parts(text, _answer_blocks(text, body))
    kind = _kind(parts)
    if kind in _NOT_HELD:
        what, why = _NOT_HELD[kind]
        bank.skipped.append(Skipped(line, f"{what} {_name(parts)!r}", why))
        return
    texts = _Texts(parts.fmt)
    built = _BUILDERS[kind](parts, texts)
    name = f"{built.what} {_name(parts)!r}"
    if built.fields is None:
        bank.skipped.append(Skipped(line, name, built.why))
        return
    ident, tags = _id_and_tags(comments)
    bank.items.append(Item(line, built.fields, parts.title, ident, category, tags))
    bank.skipped.extend(Skipped(line, f"{what} in {name}", why) for what, why in built.notes)
    bank.skipped.extend(
        Skipped(line, f"{lost} in {name}", "Discord shows text only; the rest of the question is imported")
        for lost in dict.fromkeys(texts.dropped)
    )


def _protect(text: str) -> str:
    return _ESCAPED.sub(lambda m: _PLACEHOLDERS[m.group(1)], text.translate(_STRAY))


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _answer_blocks(text: str, body: list[Line]) -> list[tuple[int, int]]:
    """The (start, end) offsets of each ``{ }`` in the question; raises ``Unreadable`` for a
    brace left open or one that closes nothing."""

    def line_at(offset: int) -> int:
        return body[text.count("\n", 0, offset)][0]

    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, ch in enumerate(text):
        if ch == "{":
            if start is not None:
                raise Unreadable(
                    line_at(start), "this { is not closed before the next { (write \\{ for a brace in text)"
                )
            start = i
        elif ch == "}":
            if start is None:
                raise Unreadable(line_at(i), "this } closes no { (write \\} for a brace in text)")
            spans.append((start, i))
            start = None
    if start is not None:
        raise Unreadable(
            line_at(start),
            "this { is not closed: a blank line or the end of the file comes before its } "
            "(write \\{ for a brace in text)",
        )
    return spans


def _parts(text: str, spans: list[tuple[int, int]]) -> _Parts:
    head = text[: spans[0][0]] if spans else text
    title, head = _title(head)
    fmt, stem = _format(head, "moodle")
    if not spans:
        return _Parts(title, fmt, stem, None, None, "")
    start, end = spans[0]
    answers, separator, general = text[start + 1 : end].partition("####")
    return _Parts(title, fmt, stem, answers, general if separator else None, text[end + 1 :])


def _title(text: str) -> tuple[str | None, str]:
    """``::title::`` at the start, and the rest (Moodle reads an unclosed ``::`` as no title)."""
    stripped = text.lstrip()
    if not stripped.startswith("::"):
        return None, text
    end = stripped.find("::", 2)
    if end < 0:
        return None, stripped[2:]
    title = " ".join(_restore(stripped[2:end]).split())
    return title or None, stripped[end + 2 :]


def _format(text: str, default: str) -> tuple[str, str]:
    found = _FORMAT.match(text)
    return (found.group(1).lower(), text[found.end() :]) if found else (default, text)


def _kind(parts: _Parts) -> str:
    """What the answer block makes the question, in Moodle's order of tests."""
    if parts.answers is None:
        return "description"
    answers = parts.answers.strip()
    if not answers:
        kind = "essay"
    elif answers.startswith("#"):
        kind = "numerical"
    elif "~" in answers:
        kind = "choice"
    elif "=" in answers and "->" in answers:
        kind = "matching"
    elif answers.partition("#")[0].strip().upper() in _TRUE_FALSE:
        kind = "true_false"
    else:
        kind = "short_answer"
    if kind in ("choice", "true_false", "short_answer") and parts.after.strip():
        return "missing_word"
    return kind


def _name(parts: _Parts) -> str:
    """The question's title, else its first words (a blank where a missing word's answers are)."""
    if parts.title:
        return parts.title
    after = re.sub(r"\{[^{}]*\}", "_____", parts.after)  # further answer blocks, as blanks too
    text = parts.stem + (" _____ " + after if after.strip() else "")
    plain = to_markdown(_restore(text))[0] if parts.fmt in ("html", "moodle") else _restore(text)
    words = " ".join(plain.replace("\\", "").split())
    return words if len(words) <= _LABEL_MAX else words[: _LABEL_MAX - 1].rstrip() + "…"


class _Texts:
    """Turns a question's texts into Discord markdown, each in its own format or the
    question's, keeping what the HTML conversion drops."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.dropped: list[str] = []

    def __call__(self, raw: str | None) -> str:
        """A text that may start with its own format marker."""
        if raw is None:
            return ""
        return self.convert(*_format(raw, self.fmt))

    def stem(self, parts: _Parts) -> str:
        """The question text, whose marker ``_parts`` has already read."""
        return self.convert(parts.fmt, parts.stem)

    def convert(self, fmt: str, text: str) -> str:
        if fmt == "markdown":
            return _restore("\n".join(line.rstrip() for line in text.split("\n"))).strip()
        if fmt == "html":  # its own line breaks are spaces, but a <pre> keeps them
            return self._converted(_restore(text))
        joined = _restore(" ".join(line.strip() for line in text.split("\n"))).strip()
        if fmt == "plain":
            return escape_markdown(joined)
        return self._converted(joined.replace("\n", "<br>"))  # Moodle's auto-format: HTML, \n a line break

    def _converted(self, html: str) -> str:
        markdown, dropped = to_markdown(html)
        self.dropped.extend(dropped)
        return markdown


@dataclass(frozen=True)
class _Answer:
    mark: str  # "=", "~", or "" for a short answer written without "="
    weight: float | None  # the %n% before the text, if any
    text: str
    feedback: str
    anything: bool  # the text is "*": Moodle's short answer that matches any text

    @property
    def partial(self) -> bool:
        return self.weight is not None and 0 < self.weight < 100


def _answers(block: str, marks: str, texts: _Texts) -> tuple[str, list[_Answer]]:
    """The text before the first mark, and the answers the marks start."""
    pieces = re.split(f"([{re.escape(marks)}])", block)
    return pieces[0], [_answer(mark, raw, texts) for mark, raw in zip(pieces[1::2], pieces[2::2])]


def _answer(mark: str, raw: str, texts: _Texts) -> _Answer:
    weight: float | None = None
    if found := _WEIGHT.match(raw):
        weight, raw = float(found.group(1)), raw[found.end() :]
    text, _, feedback = raw.partition("#")
    return _Answer(mark, weight, texts(text), texts(feedback), _format(text, "")[1].strip() == "*")


@dataclass
class _Built:
    """A held kind's fields, or why the question is skipped after all (``fields`` None),
    and the parts of it not held: (what, why) pairs."""

    what: str  # "single question", ...
    fields: dict[str, Any] | None = None
    why: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)


def _choice(parts: _Parts, texts: _Texts) -> _Built:
    lead, options = _answers(parts.answers or "", "=~", texts)
    if lead.strip():
        return _Built("multiple choice question", why=f"{texts(lead)!r} comes before its first = or ~ answer")
    right = [i for i, a in enumerate(options) if a.mark == "="]
    if len(right) > 1:
        return _Built(
            "multiple choice question",
            why=f"it has {len(right)} right answers (=), and Moodle gives full marks for any one of them, which "
            "neither a one-answer nor a choose-all-that-apply question holds; to make it choose-all-that-apply, "
            "give the right ones weights (~%50%...)",
        )
    kind = "single" if right else "multiple"
    if not right:
        right = [i for i, a in enumerate(options) if (a.weight or 0) > 0]
        if not right:
            return _Built("multiple choice question", why="no answer is right: none has = or a positive ~%n% weight")
    fields: dict[str, Any] = {
        "kind": kind,
        "prompt": texts.stem(parts),
        "options": [a.text for a in options],
        "answer": right[0] if kind == "single" else right,
        "option_feedback": {i: a.feedback for i, a in enumerate(options) if i not in right and a.feedback},
    }
    built = _Built(f"{kind} question", _with_explanation(fields, texts(parts.general)))
    if kind == "single":
        built.notes += [_partial_note(a) for a in options if a.mark != "=" and a.partial]
    built.notes += _right_feedback_notes([options[i].feedback for i in right])
    return built


def _true_false(parts: _Parts, texts: _Texts) -> _Built:
    value, _, feedback = (parts.answers or "").partition("#")
    wrong, _, right = feedback.partition("#")
    fields: dict[str, Any] = {
        "kind": "true_false",
        "prompt": texts.stem(parts),
        "answer": _TRUE_FALSE[value.strip().upper()],
    }
    if wrong_feedback := texts(wrong):
        fields["wrong_feedback"] = wrong_feedback
    built = _Built("true/false question", _with_explanation(fields, texts(parts.general)))
    built.notes += _right_feedback_notes([texts(right)])
    return built


def _short_answer(parts: _Parts, texts: _Texts) -> _Built:
    lead, marked = _answers(parts.answers or "", "=", texts)
    written = ([_answer("", lead, texts)] if lead.strip() else []) + marked
    right = [a for a in written if not a.anything and (a.weight is None or a.weight >= 100)]
    if not right:
        return _Built("short answer question", why="none of its answers is worth 100%")
    fields: dict[str, Any] = {"kind": "short_answer", "prompt": texts.stem(parts), "answers": [a.text for a in right]}
    built = _Built("short answer question", _with_explanation(fields, texts(parts.general)))
    for a in written:
        if a in right:
            continue
        if a.anything and a.weight is not None and a.weight <= 0:  # "any other answer": the wrong feedback
            if a.feedback:
                fields.setdefault("wrong_feedback", a.feedback)
        elif a.anything:
            built.notes.append(("the answer * (any text)", "not held: an answer that accepts anything marks nothing"))
        elif a.partial:
            built.notes.append(_partial_note(a))
        elif a.feedback:
            built.notes.append(
                (
                    f"the wrong answer {a.text!r} and its feedback",
                    "not held: one wrong_feedback serves every wrong answer",
                )
            )
    built.notes += _right_feedback_notes([a.feedback for a in right])
    return built


def _with_explanation(fields: dict[str, Any], general: str) -> dict[str, Any]:
    if general:
        fields["explanation"] = general
    return fields


def _partial_note(answer: _Answer) -> tuple[str, str]:
    return (
        f"partial credit ({answer.weight:g}%) for {answer.text!r}",
        "not held: a pack question's answers are right or wrong, so this one counts as wrong",
    )


def _right_feedback_notes(feedback: list[str]) -> list[tuple[str, str]]:
    """One note for the feedback written on right answers, quoting the first."""
    given = [f for f in feedback if f]
    if not given:
        return []
    quote = given[0] if len(given[0]) <= 80 else given[0][:79] + "…"
    return [
        (
            "feedback on the right answer" + ("s" if len(given) > 1 else ""),
            f"not the explanation, which everyone sees (write that after ####): {quote!r}",
        )
    ]


_BUILDERS = {"choice": _choice, "true_false": _true_false, "short_answer": _short_answer}


# Writing.

_ORDER_WHY = "GIFT has no question that puts steps in order (Moodle's ordering question type has no GIFT form)"
_ARROW_WHY = (
    "GIFT reads '->' among a short answer's answers or feedback as a matching question, and has no escape for it"
)
_MOODLE_PERCENT_PLACES = 5  # Moodle lists its grades to five places: 33.33333, 16.66667


def write_gift(pack: Pack) -> Written:
    blocks = [_header(pack), f"{_CATEGORY} $course$/top/{_one_line(pack.title).replace('/', '//')}"]
    skipped: list[Skipped] = []
    for q in pack.questions:
        why = _not_writable(q)
        if why:
            skipped.append(Skipped(None, f"{q.kind.replace('_', ' ')} question {q.id}", why))
        else:
            blocks.append(_write_question(q))
    return Written("\n\n".join(blocks) + "\n", len(blocks) - 2, skipped + not_questions(pack, "GIFT"))


def _not_writable(q: Question) -> str | None:
    if isinstance(q, OrderQuestion):
        return _ORDER_WHY
    if isinstance(q, ShortAnswerQuestion) and any("->" in t for t in [*q.answers, q.wrong_feedback]):
        return _ARROW_WHY
    return None


def _header(pack: Pack) -> str:
    lines = [
        f"// {_one_line(pack.title)} (pack {pack.pack}), written as Moodle GIFT by the revision bot.",
        "// The criterion lines below let the bot import this file again with its criteria.",
    ]
    lines += [f"// criterion {c.id}: {_one_line(c.text)}" for c in pack.criteria]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)


def _write_question(q: Question) -> str:
    tags = "".join(f" [tag:{c}]" for c in q.criteria)
    head = f"// [id:{q.id}]{tags}\n::{q.id}::[markdown]{_escape(q.prompt)}"
    general = f"####{_text(q.explanation)}"
    if isinstance(q, TrueFalseQuestion):
        return f"{head}{{{'TRUE' if q.answer else 'FALSE'}#{_text(q.wrong_feedback)}{general}}}"
    if isinstance(q, SingleQuestion):
        lines = [
            _option("=", o) if i == q.answer else _option("~", o, q.option_feedback.get(i))
            for i, o in enumerate(q.options)
        ]
    elif isinstance(q, MultipleQuestion):
        lines = _multiple_lines(q)
    elif isinstance(q, ShortAnswerQuestion):  # its answers, then Moodle's "any other answer" with the feedback
        lines = [_option("=", a) for a in q.answers] + [f"=%0%*#{_text(q.wrong_feedback)}"]
    else:
        raise ValueError(f"GIFT has no form for a {q.kind} question")
    body = "\n".join(f"\t{line}" for line in [*lines, general])
    return f"{head}{{\n{body}\n}}"


def _multiple_lines(q: MultipleQuestion) -> list[str]:
    right = set(q.answer)
    wrong_count = len(q.options) - len(right)
    weights = {True: _percent(100 / len(right)), False: _percent(-100 / wrong_count) if wrong_count else "0"}
    return [
        f"~%{weights[i in right]}%{_text(o)}" + _feedback(None if i in right else q.option_feedback.get(i))
        for i, o in enumerate(q.options)
    ]


def _option(mark: str, text: str, feedback: str | None = None) -> str:
    body = _text(text)
    if body.startswith("%"):  # it would read as a weight: write the weight it has
        body = ("%100%" if mark == "=" else "%0%") + body
    return f"{mark}{body}{_feedback(feedback)}"


def _feedback(text: str | None) -> str:
    return f"#{_text(text)}" if text else ""


def _text(text: str) -> str:
    """A text after a mark: escaped, and kept from reading as a format marker of its own."""
    escaped = _escape(text)
    return f"[markdown]{escaped}" if _FORMAT.match(escaped) else escaped


def _escape(text: str) -> str:
    return re.sub(r"[\\~=#{}:]", lambda m: "\\" + m.group(0), text).replace("\n", "\\n")


def _percent(weight: float) -> str:
    return f"{weight:.{_MOODLE_PERCENT_PLACES}f}".rstrip("0").rstrip(".")
