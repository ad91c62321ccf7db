"""Moodle XML: the ``<quiz>`` file Moodle's question bank imports and exports.

Reading (``read_moodle_xml``), each ``<question type="...">`` becomes:

- ``multichoice`` -> ``single`` when ``<single>`` is ``true``/``1`` (or, without ``<single>``,
  when at most one answer scores), the right option being the answer with the highest
  fraction (other answers with credit are reported: partial credit is not held);
  ``<single>false</single>`` -> ``multiple``, right = every answer with a fraction above 0.
  ``<shuffleanswers>`` -> ``shuffle``; each wrong answer's ``<feedback>`` ->
  ``option_feedback`` (a wrong answer without one gets ``<incorrectfeedback>``, the
  question's "any wrong answer" feedback, when that is not Moodle's stock sentence).
- ``truefalse`` -> ``true_false``: the ``true``/``false`` answer with the higher fraction
  (100) is the key; the other answer's feedback -> ``wrong_feedback``.
- ``shortanswer`` -> ``short_answer``: the answers at 100% -> ``answers``; the catch-all
  answer ``*`` at 0% -> ``wrong_feedback``. Answers with partial credit, answers using the
  ``*`` wildcard, feedback on particular wrong answers and ``<usecase>1`` (the bot always
  ignores case) are reported; the question is kept.
- ``ordering`` (core Moodle since 4.4, the qtype_ordering plugin before) -> ``order``: the
  answers in the file's order are the steps (Moodle's own import reads them so);
  ``<incorrectfeedback>`` -> ``wrong_feedback``. Showing only some of the items, and partial
  credit for a partly right order, are reported.
- For all of them: ``<questiontext>`` -> ``prompt``, ``<generalfeedback>`` -> ``explanation``
  (else the right answer's feedback, else ``<correctfeedback>``), ``<name>`` ->
  ``Item.title``, ``<idnumber>`` -> ``Item.id``, ``<tags><tag><text>`` -> ``Item.tags``. A
  ``<question type="category">`` sets ``Item.category`` of the questions after it, as the
  path without Moodle's ``$course$/``, ``$system$/``... and ``top/`` prefixes ("a/b").
- Text in ``format="html"`` (or ``moodle_auto_format``, whose line breaks count) is turned
  into Discord markdown by ``html.to_markdown``; ``plain_text`` has its markdown characters
  escaped; ``markdown`` is kept as written (two spaces before a line break, markdown's hard
  break, are dropped: Discord breaks lines as written). Images and other media (``<img>``,
  ``<file>`` elements, links to ``@@PLUGINFILE@@``), TeX formulas and hints are reported
  as not imported; the question is kept without them.
- ``<!-- criterion ID: TEXT -->`` comments (``bank.CRITERION_NOTE``) -> ``Bank.criteria``.
- Every other type (matching, numerical, essay, description, cloze, calculated...,
  drag-and-drop, select missing words, random, anything unknown) -> ``Skipped`` with the
  ``<question>`` element's line, the type and the question's name.

A file that is not well-formed XML, whose root is not ``<quiz>``, or that has a
``<!DOCTYPE>`` at all raises ``Unreadable`` with the line. Moodle never writes a DOCTYPE,
and refusing it as soon as the parser meets it means no entity is ever declared: no
"billion laughs" expansion and no external entity (XXE) is ever read.

Writing (``write_moodle_xml``) is the reverse, for a file Moodle imports: the pack's
criteria as ``criterion`` comments, a category named after the pack, then every question:
``<name>`` is the start of the prompt (what the tutor reads in Moodle's question bank),
``<idnumber>`` the question's id, ``<tags>`` its criteria ids; texts are written as
``format="markdown"`` (our text is Discord markdown, which Moodle renders as markdown, and
reading it back gives the very same text), escaped rather than in CDATA. ``multiple``: the
right options share 100%, each wrong option takes -100% / the number of wrong options, so
ticking every box scores 0 (every fraction is one Moodle's grade list holds). ``order`` is
written as an ``ordering`` question, all items shown, all-or-nothing marking. What Moodle
XML cannot hold (misconception links, difficulty, terms, myths, role-plays) is returned as
``Skipped`` entries with no line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import unquote
from xml.parsers import expat

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

FORMAT = "moodle-xml"

# Types the bot holds, as the reports name them.
_HELD = {
    "multichoice": "multiple choice",
    "truefalse": "true/false",
    "shortanswer": "short answer",
    "ordering": "ordering",
}
# Types it does not, as the reports name them, and why.
_NOT_HELD: dict[str, tuple[str, str]] = {
    "matching": ("matching", "matching questions are not held; each pair could be a single-answer question"),
    "match": ("matching", "matching questions are not held; each pair could be a single-answer question"),
    "randomsamatch": ("random short-answer matching", "Moodle builds it from other questions when a quiz runs"),
    "numerical": (
        "numerical",
        "numbers marked within a tolerance are not held; a short-answer question holds exact ones",
    ),
    "essay": ("essay", "an essay is marked by a person; the bot only asks what it can mark"),
    "description": ("description", "it is text shown between questions, not a question"),
    "cloze": ("embedded answers (cloze)", "answers embedded in the text are not held"),
    "multianswer": ("embedded answers (cloze)", "answers embedded in the text are not held"),
    "calculated": ("calculated", "questions computed from a formula are not held"),
    "calculatedsimple": ("simple calculated", "questions computed from a formula are not held"),
    "calculatedmulti": ("calculated multichoice", "questions computed from a formula are not held"),
    "ddwtos": ("drag and drop into text", "dragging words into gaps is not held"),
    "gapselect": ("select missing words", "choosing words for gaps is not held"),
    "ddimageortext": ("drag and drop onto image", "questions on an image are not held"),
    "ddmarker": ("drag and drop markers", "questions on an image are not held"),
    "random": ("random", "Moodle draws it from a category when a quiz runs; the file holds no question"),
}
# Moodle's stock combined feedback ("Show standard feedback"): saying nothing of the question.
_STOCK_FEEDBACK = {"your answer is correct.", "your answer is partially correct.", "your answer is incorrect."}
_CONTEXT = re.compile(r"^\$[a-z]+\$/?")  # $course$/, $system$/, $module$/, $coursecategory$/
_TEX = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'?#<>\s]+)")
_TEX_LOST = "a formula written in TeX"
# Why each thing the text conversion could not keep is reported (the rest: not imported).
_WHY_LOST = {
    _TEX_LOST: "Discord does not show formulas: it is kept as its TeX source",
    "a table": "its layout is not kept: each row is a line, its cells separated by dashes",
    "a link to a file stored in Moodle": "the link is not imported (the file stays in Moodle); its text is kept",
    "a link that is not a web address": "the link is not imported; its text is kept",
}
_HARD_BREAK = re.compile(r" {2,}\n")
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAME_MAX = 60
_DEPTH_MAX = 100  # a Moodle file is 6 deep, with HTML in its text perhaps 20
# Our kinds as Moodle's question types.
_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "order": "ordering",
}

# --- Parsing -------------------------------------------------------------------------


@dataclass
class _Node:
    """An element: its tag, attributes, the line of its start tag, its child elements, and
    its content (text and child elements, in order)."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    content: list[str | _Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text directly inside the element."""
        return "".join(piece for piece in self.content if isinstance(piece, str))

    def markup(self) -> str:
        """The content as markup: HTML written into ``<text>`` without CDATA parses as
        elements, and is written back as the tags it was."""
        out: list[str] = []
        for piece in self.content:
            if isinstance(piece, str):
                out.append(escape(piece, quote=False))
            else:
                attrs = "".join(f' {name}="{escape(value)}"' for name, value in piece.attrs.items())
                out.append(f"<{piece.tag}{attrs}>{piece.markup()}</{piece.tag}>")
        return "".join(out)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str) -> str:
        """The stripped text of the child ``tag`` ("" when there is none)."""
        child = self.find(tag)
        return child.text.strip() if child is not None else ""

    def text_of(self, tag: str) -> str:
        """The text of ``<tag><text>...</text></tag>`` (Moodle's way of holding text)."""
        child = self.find(tag)
        return child.value("text") if child is not None else ""


def _parse(text: str) -> tuple[_Node, list[str]]:
    """The root element and every comment's text. Raises ``Unreadable`` for XML that is not
    well-formed and for any DOCTYPE (which is where entities would be declared)."""
    if not text.strip():
        raise Unreadable(1, "the file is empty")
    parser = expat.ParserCreate()
    parser.buffer_text = True
    stack: list[_Node] = []
    roots: list[_Node] = []
    comments: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        if len(stack) >= _DEPTH_MAX:
            raise Unreadable(node.line, f"elements are nested more than {_DEPTH_MAX} deep; Moodle XML is not")
        if stack:
            stack[-1].children.append(node)
            stack[-1].content.append(node)
        else:
            roots.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def data(chunk: str) -> None:
        if stack:
            stack[-1].content.append(chunk)

    def refuse(*_: object) -> None:
        raise Unreadable(
            parser.CurrentLineNumber,
            "the file has a <!DOCTYPE> (or <!ENTITY>) declaration, which Moodle XML never has; "
            "it is refused so that no entity is expanded or fetched",
        )

    def refuse_external(*_: object) -> int:
        refuse()
        return 0

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.CommentHandler = comments.append
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(text.removeprefix("\ufeff"), True)
    except expat.ExpatError as exc:
        raise Unreadable(exc.lineno, _xml_error(exc)) from None
    return roots[0], comments


def _xml_error(exc: expat.ExpatError) -> str:
    reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
    message = f"the file is not well-formed XML ({reason}, column {exc.offset + 1})"
    if exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
        message += "; HTML entities such as &nbsp; must be inside <![CDATA[ ... ]]>"
    return message


# --- Reading -------------------------------------------------------------------------


def read_moodle_xml(text: str) -> Bank:
    """The questions of a Moodle XML export (see the module's docstring for the mapping)."""
    root, comments = _parse(text)
    if root.tag != "quiz":
        raise Unreadable(
            root.line, f"the root element is <{root.tag}>, not <quiz>: this is not a Moodle XML question file"
        )
    bank = Bank(format=FORMAT)
    for comment in comments:
        if note := CRITERION_NOTE.match(comment):
            bank.criteria[note.group(1)] = note.group(2)
    category: str | None = None
    for node in root.findall("question"):
        qtype = node.attrs.get("type", "").strip().lower()
        if qtype == "category":
            category, name = _category(node.text_of("category"))
            if bank.title is None and name:
                bank.title = name
            continue
        item, skipped = _read_question(node, qtype, category)
        if item is not None:
            bank.items.append(item)
        bank.skipped.extend(skipped)
    return bank


def _category(path: str) -> tuple[str | None, str | None]:
    """A category path without its context and ``top`` ("$course$/top/a/b" -> "a/b"), and
    its last part. Moodle writes a "/" inside a name as "//"."""
    path = _CONTEXT.sub("", path.strip()).strip("/")
    parts = [p.replace("//", "/").strip() for p in re.split(r"(?<!/)/(?!/)", path) if p.strip()]
    if parts and parts[0] == "top":
        parts = parts[1:]
    if not parts:
        return None, None
    return "/".join(parts), parts[-1]


def _read_question(node: _Node, qtype: str, category: str | None) -> tuple[Item | None, list[Skipped]]:
    name = node.text_of("name")
    if qtype not in _HELD:
        if not qtype:
            return None, [Skipped(node.line, _label("untyped", name), "the <question> has no type")]
        label, why = _NOT_HELD.get(qtype, (repr(qtype), "the bot does not know this question type"))
        return None, [Skipped(node.line, _label(label, name), why)]
    reading = _Reading(node, _label(_HELD[qtype], name))
    fields = _KINDS[qtype](reading)
    if isinstance(fields, str):
        return None, [Skipped(node.line, reading.label, fields)]
    for hint in node.findall("hint"):
        if hint.value("text"):
            reading.lose("a hint", "hints are not held")
    tags = tuple(t for t in (tag.value("text") for tag in _children(node, "tags", "tag")) if t)
    idnumber = node.value("idnumber") or None
    item = Item(node.line, fields, title=name or None, id=idnumber, category=category, tags=tags)
    return item, reading.skipped()


def _label(kind: str, name: str) -> str:
    """How reports name a question: "matching question 'Capitals'"."""
    return f"{kind} question {name!r}" if name else f"{kind} question"


def _children(node: _Node, tag: str, child: str) -> list[_Node]:
    holder = node.find(tag)
    return holder.findall(child) if holder is not None else []


@dataclass
class _Reading:
    """One question being read: its element, how reports name it, and what it lost."""

    node: _Node
    label: str
    lost: dict[str, str] = field(default_factory=dict)  # what -> why, in the order met
    general: str = ""  # <generalfeedback>, read by ``common``

    @property
    def format(self) -> str:
        """The question text's format: the default for its answers and feedback."""
        text = self.node.find("questiontext")
        return text.attrs.get("format", "moodle_auto_format") if text is not None else "moodle_auto_format"

    def lose(self, what: str, why: str) -> None:
        self.lost.setdefault(what, why)

    def skipped(self) -> list[Skipped]:
        return [Skipped(self.node.line, f"{what} in {self.label}", why) for what, why in self.lost.items()]

    def rich(self, element: _Node | None) -> str:
        """The markdown of an element holding ``<text>`` in its ``format`` (and maybe
        ``<file>``s); what it cannot keep is recorded. A file the text shows or links to is
        reported as what the text lost (an image, a link); any other file by its name."""
        if element is None:
            return ""
        holder = element.find("text")
        raw = "" if holder is None else holder.markup() if holder.children else holder.text
        text, lost = _convert(raw.strip(), element.attrs.get("format", self.format))
        used = {unquote(name) for name in _PLUGINFILE.findall(raw)}
        for attached in element.findall("file"):
            if (name := attached.attrs.get("name", "")) not in used:
                self.lose(f"the embedded file {name!r}", "files are not imported")
        for what in lost:
            self.lose(
                what, _WHY_LOST.get(what, "not imported (the bot shows text only); the question is kept without it")
            )
        return text

    def feedback(self, element: _Node | None) -> str:
        """An element's ``<feedback>``, or a combined feedback element itself, as markdown;
        Moodle's stock sentences count as none."""
        text = self.rich(element)
        return "" if text.lower() in _STOCK_FEEDBACK else text

    def common(self) -> dict[str, Any]:
        """The prompt; the general feedback is read with it, in the file's order."""
        prompt = self.rich(self.node.find("questiontext"))
        self.general = self.rich(self.node.find("generalfeedback"))
        return {"prompt": prompt}

    def explanation(self, right_feedback: list[str]) -> str:
        """``<generalfeedback>``. Feedback for a right answer is reported, not used: Moodle
        shows it only to whoever answered right ("Well done"), and the bot shows the
        explanation to everyone, those who got it wrong too."""
        general = self.general
        candidates = [("the feedback for the right answer", text) for text in right_feedback if text]
        correct = self.feedback(self.node.find("correctfeedback"))
        if correct:
            candidates.append(("the feedback for a right answer (correct feedback)", correct))
        partly = self.feedback(self.node.find("partiallycorrectfeedback"))
        if partly:
            self.lose("the feedback for a partly right answer", "not held: an answer is right or wrong")
        for what, text in candidates:
            if text != general:
                self.lose(
                    what,
                    f"not the explanation, which everyone sees (write that as the general feedback): {_quote(text)!r}",
                )
        return general


def _convert(text: str, fmt: str) -> tuple[str, list[str]]:
    """Text written in Moodle's ``fmt`` as Discord markdown, and what it could not keep."""
    fmt = fmt.strip().lower()
    if fmt == "markdown":
        return _HARD_BREAK.sub("\n", text.replace("\r\n", "\n")).strip(), []
    if fmt == "plain_text":
        return escape_markdown(text.replace("\r\n", "\n").strip()), []
    if fmt in ("moodle_auto_format", "moodle"):
        text = re.sub(r"\r?\n", "<br>", text.strip())
    markdown, lost = to_markdown(text)
    if _TEX.search(text):
        lost.append(_TEX_LOST)
    return markdown, lost


def _fraction(answer: _Node) -> float:
    try:
        return float(answer.attrs.get("fraction", "0"))
    except ValueError:
        return 0.0


def _flag(value: str, default: bool) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    return default


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)


def _multichoice(r: _Reading) -> dict[str, Any] | str:
    """``multichoice`` -> ``single`` or ``multiple`` (see the module's docstring)."""
    common = r.common()
    answers = r.node.findall("answer")
    if not answers:
        return "it has no answers"
    options = [_one_line(r.rich(a)) for a in answers]
    fractions = [_fraction(a) for a in answers]
    feedback = {i: text for i, a in enumerate(answers) if (text := r.feedback(a.find("feedback")))}
    single = _flag(r.node.value("single"), default=sum(f > 0 for f in fractions) <= 1)
    if max(fractions) <= 0:
        return "no answer is marked right (none has a fraction above 0)"
    if single:
        key = fractions.index(max(fractions))
        right = [key]
        for i, f in enumerate(fractions):
            if i != key and f > 0:
                r.lose(f"the option {options[i]!r} ({f:g}% credit)", "partial credit is not held; it counts as wrong")
    else:
        right = [i for i, f in enumerate(fractions) if f > 0]
    any_wrong = r.feedback(r.node.find("incorrectfeedback"))  # for a wrong option without its own
    option_feedback: dict[int, str] = {}
    for i in range(len(answers)):
        if i not in right and (text := feedback.get(i) or any_wrong):
            option_feedback[i] = text
    fields: dict[str, Any] = {
        "kind": "single" if single else "multiple",
        **common,
        "options": options,
        "answer": right[0] if single else right,
        "option_feedback": option_feedback,
        "shuffle": _flag(r.node.value("shuffleanswers"), default=True),
    }
    fields["explanation"] = r.explanation([feedback[i] for i in right if i in feedback])
    return fields


def _truefalse(r: _Reading) -> dict[str, Any] | str:
    """``truefalse`` -> ``true_false``: the answer at the higher fraction is the key."""
    common = r.common()
    by_value: dict[bool, tuple[float, str]] = {}
    for answer in r.node.findall("answer"):
        value = answer.value("text").lower()
        if value in ("true", "false"):
            by_value[value == "true"] = (_fraction(answer), r.feedback(answer.find("feedback")))
    if set(by_value) != {True, False}:
        return "it needs both a 'true' and a 'false' answer"
    if by_value[True][0] == by_value[False][0]:
        return "neither 'true' nor 'false' is marked right"
    key = by_value[True][0] > by_value[False][0]
    fields: dict[str, Any] = {"kind": "true_false", **common, "answer": key, "wrong_feedback": by_value[not key][1]}
    fields["explanation"] = r.explanation([by_value[key][1]])
    return fields


def _shortanswer(r: _Reading) -> dict[str, Any] | str:
    """``shortanswer`` -> ``short_answer``: the answers at 100%; ``*`` at 0% is the
    feedback for every other answer."""
    common = r.common()
    answers: list[str] = []
    right_feedback: list[str] = []
    wrong_feedback = ""
    for answer in r.node.findall("answer"):
        text, fraction = answer.value("text"), _fraction(answer)
        feedback = r.feedback(answer.find("feedback"))
        if not text:
            continue
        if text == "*" and fraction <= 0:
            wrong_feedback = wrong_feedback or feedback
        elif fraction >= 100:
            if "*" in text:
                r.lose(f"the answer {text!r}", "the * wildcard is not held: the bot compares whole answers")
            elif text not in answers:
                answers.append(text)
                right_feedback.append(feedback)
        elif fraction > 0:
            r.lose(f"the answer {text!r} ({fraction:g}% credit)", "partial credit is not held; it counts as wrong")
        elif feedback:
            r.lose(f"the feedback for the wrong answer {text!r}", "not held: every wrong answer gets the same feedback")
    if not answers:
        return "no answer is worth full marks (100%)"
    if r.node.value("usecase") == "1":
        r.lose("case-sensitive marking", "not held: the bot always ignores case (and spaces and punctuation)")
    fields: dict[str, Any] = {
        "kind": "short_answer",
        **common,
        "answers": answers,
        "wrong_feedback": wrong_feedback,
    }
    fields["explanation"] = r.explanation(right_feedback)
    return fields


def _ordering(r: _Reading) -> dict[str, Any] | str:
    """``ordering`` -> ``order``: the answers, in the file's order, are the steps."""
    common = r.common()
    steps = [_one_line(r.rich(a)) for a in r.node.findall("answer")]
    if not steps:
        return "it has no items to put in order"
    select = (r.node.value("selecttype") or r.node.value("logical") or "RANDOM").upper()
    count = r.node.value("selectcount") or r.node.value("studentsee") or "6"  # Moodle's defaults
    if select not in ("ALL", "EXACT", "0") and count.isdigit() and 0 < int(count) < len(steps):
        r.lose(f"showing {count} of the {len(steps)} items", "not held: the bot asks for every item in order")
    grading = r.node.value("gradingtype").upper()
    if grading and grading != "ALL_OR_NOTHING":
        r.lose("partial credit for a partly right order", "not held: an order is right or wrong")
    fields: dict[str, Any] = {
        "kind": "order",
        **common,
        "steps": steps,
        "wrong_feedback": r.feedback(r.node.find("incorrectfeedback")),
    }
    fields["explanation"] = r.explanation([])
    return fields


_KINDS: dict[str, Callable[[_Reading], dict[str, Any] | str]] = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "ordering": _ordering,
}

# --- Writing -------------------------------------------------------------------------


def _quote(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def write_moodle_xml(pack: Pack) -> Written:
    """``pack`` as a Moodle XML file, and what of it the file cannot hold."""
    skipped: list[Skipped] = []
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    lines.append("  " + _comment(f"The revision bot's pack {pack.pack}: {pack.title}", skipped))
    for criterion in pack.criteria:
        lines.append("  " + _comment(f"criterion {criterion.id}: {criterion.text}", skipped))
    lines += _category_xml(pack)
    for question in pack.questions:
        lines += _question_xml(question)
    lines.append("</quiz>")
    return Written("\n".join(lines) + "\n", len(pack.questions), skipped + not_questions(pack, "Moodle XML"))


def _comment(text: str, skipped: list[Skipped]) -> str:
    """An XML comment: it may not hold "--" nor a line break (a criterion note is one line)."""
    safe = " ".join(text.split())
    while "--" in safe:
        safe = safe.replace("--", "- -")
    if safe != text:
        skipped.append(Skipped(None, f"the comment {text[:40]!r}", "written with '- -' for '--' and one line"))
    return f"<!-- {_xml_chars(safe)} -->"


def _category_xml(pack: Pack) -> list[str]:
    path = "$course$/top/" + pack.title.replace("/", "//")
    info = f"{pack.qualification} ({pack.awarding_body})"
    return [
        '  <question type="category">',
        "    <category>",
        f"      <text>{_escape(path)}</text>",
        "    </category>",
        '    <info format="markdown">',
        f"      <text>{_escape(info)}</text>",
        "    </info>",
        "  </question>",
    ]


def _question_xml(q: Question) -> list[str]:
    """One ``<question>``: the parts every type has, then its type's own."""
    out = [
        f'  <question type="{_TYPES[q.kind]}">',
        "    <name>",
        f"      <text>{_escape(_short(q.prompt))}</text>",
        "    </name>",
    ]
    out += _rich("questiontext", q.prompt, 4)
    out += _rich("generalfeedback", q.explanation, 4)
    out += ["    <defaultgrade>1</defaultgrade>", f"    <idnumber>{_escape(q.id)}</idnumber>"]
    if isinstance(q, SingleQuestion | MultipleQuestion):
        out += _multichoice_xml(q)
    elif isinstance(q, TrueFalseQuestion):
        out += _truefalse_xml(q)
    elif isinstance(q, ShortAnswerQuestion):
        out += _shortanswer_xml(q)
    else:
        out += _ordering_xml(q)
    out += ["    <tags>"] + [f"      <tag><text>{_escape(c)}</text></tag>" for c in q.criteria] + ["    </tags>"]
    out.append("  </question>")
    return out


def _multichoice_xml(q: SingleQuestion | MultipleQuestion) -> list[str]:
    """single: the right option 100%, the others 0. multiple: the right ones share 100%,
    the wrong ones share -100%, so ticking everything scores nothing."""
    right = {q.answer} if isinstance(q, SingleQuestion) else set(q.answer)
    wrong = len(q.options) - len(right)
    out = [
        f"    <single>{'true' if isinstance(q, SingleQuestion) else 'false'}</single>",
        f"    <shuffleanswers>{int(q.shuffle)}</shuffleanswers>",
        "    <answernumbering>abc</answernumbering>",
    ]
    for i, option in enumerate(q.options):
        if isinstance(q, SingleQuestion):
            fraction = 100.0 if i in right else 0.0
        else:
            fraction = 100 / len(right) if i in right else -100 / wrong
        out.append(f'    <answer fraction="{_percent(fraction)}" format="markdown">')
        out.append(f"      <text>{_escape(option)}</text>")
        out += _rich("feedback", q.option_feedback.get(i, ""), 6)
        out.append("    </answer>")
    return out


def _truefalse_xml(q: TrueFalseQuestion) -> list[str]:
    out: list[str] = []
    for value in (True, False):
        out.append(f'    <answer fraction="{100 if value == q.answer else 0}" format="moodle_auto_format">')
        out.append(f"      <text>{'true' if value else 'false'}</text>")
        out += _rich("feedback", "" if value == q.answer else q.wrong_feedback, 6)
        out.append("    </answer>")
    return out


def _shortanswer_xml(q: ShortAnswerQuestion) -> list[str]:
    """Every answer at 100%, then ``*`` at 0% holding the feedback for anything else."""
    out = ["    <usecase>0</usecase>"]
    for text, fraction, feedback in [(a, 100, "") for a in q.answers] + [("*", 0, q.wrong_feedback)]:
        out.append(f'    <answer fraction="{fraction}" format="moodle_auto_format">')
        out.append(f"      <text>{_escape(text)}</text>")
        out += _rich("feedback", feedback, 6)
        out.append("    </answer>")
    return out


def _ordering_xml(q: OrderQuestion) -> list[str]:
    """Every step shown, vertically, marked all or nothing; the steps in their order."""
    out = [
        "    <layouttype>VERTICAL</layouttype>",
        "    <selecttype>ALL</selecttype>",
        f"    <selectcount>{len(q.steps)}</selectcount>",
        "    <gradingtype>ALL_OR_NOTHING</gradingtype>",
        "    <showgrading>SHOW</showgrading>",
        "    <numberingstyle>none</numberingstyle>",
    ]
    out += _rich("correctfeedback", "", 4) + _rich("partiallycorrectfeedback", "", 4)
    out += _rich("incorrectfeedback", q.wrong_feedback, 4)
    for n, step in enumerate(q.steps, start=1):
        out += [
            f'    <answer fraction="{n}" format="markdown">',
            f"      <text>{_escape(step)}</text>",
            "    </answer>",
        ]
    return out


def _has_misconception(q: Question) -> bool:
    if isinstance(q, SingleQuestion | MultipleQuestion):
        return bool(q.misconceptions)
    return q.misconception is not None


def _rich(tag: str, text: str, indent: int) -> list[str]:
    """``<tag format="markdown"><text>...</text></tag>``. A lone line break gets markdown's
    two spaces before it, so Moodle breaks the line where Discord does."""
    pad = " " * indent
    body = re.sub(r"(?<!\n)\n(?!\n)", "  \n", text)
    return [f'{pad}<{tag} format="markdown">', f"{pad}  <text>{_escape(body)}</text>", f"{pad}</{tag}>"]


def _short(prompt: str) -> str:
    """The question's name in Moodle: the prompt's first line, cut at a word."""
    line = prompt.strip().split("\n", 1)[0]
    if len(line) <= _NAME_MAX:
        return line
    cut = line[: _NAME_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _percent(value: float) -> str:
    """A fraction as Moodle writes it: "100", "50", "33.33333", "-25"."""
    return f"{value:.5f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _xml_chars(text: str) -> str:
    return _NOT_XML_CHAR.sub("", text)


def _escape(text: str) -> str:
    """Text for an element's content: ``&``, ``<``, ``>`` escaped, a carriage return kept as
    a character reference (a parser would turn a raw one into a line feed)."""
    text = _xml_chars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")
