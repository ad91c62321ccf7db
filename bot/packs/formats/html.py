"""HTML, as Moodle stores question text, turned into Discord markdown.

``to_markdown(html)`` returns the text and the list of what it could not keep. The mapping:

- ``<b>``/``<strong>`` -> ``**``, ``<i>``/``<em>`` -> ``*``, ``<u>``/``<ins>`` -> ``__``,
  ``<s>``/``<del>``/``<strike>`` -> ``~~``, ``<code>``/``<kbd>``/``<samp>``/``<tt>`` -> backticks,
  ``<pre>`` -> a fenced code block, ``<h1>``-``<h6>`` -> a bold paragraph. A style whose text
  starts or ends with spaces keeps the spaces outside its markers (``** x **`` does not
  render), a style inside the same style is not doubled, and two runs of one style that
  touch are joined (``*a**b*`` would read as bold).
- ``<a href="URL">text</a>`` -> ``text (URL)``: a bare URL, which Discord links everywhere
  (embeds, messages, and the select menus and buttons that show no markdown at all), not
  a masked ``[text](URL)``. A link whose text is its URL is written once. Only ``http``,
  ``https`` and ``mailto`` addresses are kept; a link to anything else (a file stored in
  Moodle, ``javascript:``, a relative path) keeps its text and is named as lost.
- ``<br>`` -> a line break; ``<p>``, ``<div>``, headings, tables and other blocks -> their own
  lines, a paragraph with a blank line around it, never more than one blank line in a row.
- ``<li>`` -> a ``- `` line (``1. ``, ``2. ``... in an ``<ol>``), indented two spaces a level
  (three levels at most).
- ``<blockquote>`` -> ``> `` lines. ``<table>`` -> a line a row, its cells joined by " – "
  (the table itself is named as lost).
- Entities are decoded (``&amp;`` ``&nbsp;`` ``&#39;``...); whitespace is collapsed as a
  browser would (runs of spaces, tabs and newlines are one space, none at a line's start or
  end); non-breaking spaces become ordinary spaces.
- ``<script>``, ``<style>``, ``<head>`` and ``<template>`` are dropped silently; ``<img>``,
  ``<video>``, ``<audio>``, ``<iframe>``, ``<object>``/``<embed>``, ``<svg>``, ``<math>``,
  ``<canvas>`` and form fields are dropped and named ("an embedded image"...).
- In the text itself, characters that Discord would read as markdown are escaped with a
  backslash where they would format: ``*`` (not between two spaces), ``_`` (not inside a
  word), `````, ``~~``, ``||``, ``\\`` before punctuation, ``[`` of what reads as a masked
  link, ``<`` of what reads as a mention, and at a line's start ``>``, ``#`` headings and
  ``-``/``+``/``1.`` list markers.

- A ``<`` that starts no complete tag is text, as in a browser; comments, ``<!DOCTYPE>``
  and ``<?...?>`` are dropped. Tags are tidied before ``HTMLParser`` reads them (see
  ``_tidy_tags``), so hostile markup costs linear time, not the parser's quadratic.

``escape_markdown(text)`` is that escaping alone, for plain text (Moodle's ``plain_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["escape_markdown", "to_markdown"]

_WHITESPACE = re.compile(r"[ \t\n\r\f\v\xa0]+")
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LINE_START = re.compile(r"^(?:(>)|(#{1,3})(?= )|([-+])(?= )|(\d+)(\.)(?= ))")
_MASKED_LINK = re.compile(r"\[([^\[\]]*)\]\(")
_MENTION = re.compile(r"<(?=[@#:]|a:|t:|/)")

_STYLES = {
    "b": "**",
    "strong": "**",
    "i": "*",
    "em": "*",
    "cite": "*",
    "var": "*",
    "dfn": "*",
    "u": "__",
    "ins": "__",
    "s": "~~",
    "del": "~~",
    "strike": "~~",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CODE = {"code", "kbd", "samp", "tt"}
_PARAGRAPHS = {"p", "blockquote", "pre", "table", "dl", "figure", "hr", "address", "fieldset"} | _HEADINGS
_LINES = {
    "div", "section", "article", "header", "footer", "main", "nav", "aside", "ul", "ol", "li",
    "tr", "caption", "dt", "dd", "figcaption", "details", "summary", "legend", "center",
}  # fmt: skip
_DROPPED = {"script", "style", "head", "title", "template", "noscript"}
# Elements whose content is dropped, and what the reader is told they lost.
_LOST_WITH_CONTENT = {
    "video": "an embedded video",
    "audio": "an embedded audio clip",
    "iframe": "an embedded web page",
    "object": "an embedded object",
    "svg": "a drawing",
    "math": "a formula",
    "canvas": "a drawing",
    "select": "a form field",
    "textarea": "a form field",
}
_LOST_VOID = {"img": "an embedded image", "embed": "an embedded object", "input": "a form field"}
_VOID = {"br", "hr", "img", "input", "embed", "source", "track", "wbr", "meta", "link", "area", "col", "param", "base"}
_STYLES_MAX = 16
_INDENT_MAX = 3  # list levels indented; deeper ones stay at the third
# A complete tag: its name, then anything but "<" and ">" outside quotes, then ">".
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(r"""([^\s"'=/<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_KEPT_ATTRS = {"href", "start"}
_WEB = re.compile(r"^(?:https?://|mailto:)\S", re.IGNORECASE)


def to_markdown(html: str) -> tuple[str, list[str]]:
    """``html`` as Discord markdown, and what it held that could not be kept (each named
    once, in the order met: "an embedded image", "a table"...)."""
    converter = _Converter()
    converter.feed(_tidy_tags(html))
    converter.close()
    return converter.result()


def _tidy_tags(html: str) -> str:
    """``html`` with every tag rewritten plainly (``<name href="..." start="...">``: the only
    attributes read), comments, declarations and processing instructions dropped, and each
    ``<`` that starts no complete tag escaped as ``&lt;``. Python's ``HTMLParser`` rescans
    the rest of the text for every tag it cannot finish, so a file of half-tags would take
    hours to read; after this every tag it meets ends where it starts, and the work is linear."""
    out: list[str] = []
    i = 0
    while (j := html.find("<", i)) >= 0:
        out.append(html[i:j])
        if html.startswith("<!--", j):  # a comment runs to "-->", or to the end (as in a browser)
            end = html.find("-->", j + 4)
            i = len(html) if end < 0 else end + 3
            continue
        if html.startswith(("<!", "<?"), j):  # <!DOCTYPE>, <![if ...]>, <?xml ...?>
            end = html.find(">", j)
            if end >= 0 and html.find("<", j + 1, end) < 0:
                i = end + 1
                continue
        elif tag := _TAG.match(html, j):
            out.append(_plain_tag(tag))
            i = tag.end()
            continue
        out.append("&lt;")
        i = j + 1
    out.append(html[i:])
    return "".join(out)


def _plain_tag(tag: re.Match[str]) -> str:
    closing, name, rest = tag.group(1), tag.group(2).lower(), tag.group(3)
    if closing:
        return f"</{name}>"
    attrs = ""
    for attr in _ATTR.finditer(rest):
        key = attr.group(1).lower()
        if key in _KEPT_ATTRS:
            value = next((v for v in attr.group(2, 3, 4) if v is not None), "")
            attrs += f' {key}="{value.replace(chr(34), "&quot;")}"'
    return f"<{name}{attrs}{'/' if rest.rstrip().endswith('/') else ''}>"


def escape_markdown(text: str) -> str:
    """Plain ``text`` with the characters Discord would read as markdown escaped, line by
    line (spaces and line breaks are kept as they are)."""
    return "\n".join(_escape(line, line_start=True) for line in text.split("\n"))


def _escape(text: str, line_start: bool) -> str:
    """Backslashes before the characters of ``text`` that would format in Discord. The
    characters either side of ``text`` are unknown, so its edges are escaped as if they
    could touch anything."""
    out: list[str] = []
    n = len(text)
    masked = {m.start() for m in _MASKED_LINK.finditer(text)}
    mentions = {m.start() for m in _MENTION.finditer(text)}
    for i, ch in enumerate(text):
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < n else ""
        if _needs_escape(ch, before, after) or (ch == "[" and i in masked) or (ch == "<" and i in mentions):
            out.append("\\")
        out.append(ch)
    escaped = "".join(out)
    if line_start:
        escaped = _LINE_START.sub(_escape_line_start, escaped, count=1)
    return escaped


def _needs_escape(ch: str, before: str, after: str) -> bool:
    """Whether ``ch`` between ``before`` and ``after`` ("" for unknown) would format."""
    if ch == "`":
        return True
    if ch == "\\":
        return after == "" or after in _PUNCTUATION
    if ch == "*":
        return not (before.isspace() and after.isspace())  # "2 * 3" cannot open or close
    if ch == "_":
        return not (before.isalnum() and after.isalnum())  # snake_case stays as written
    if ch in "~|":
        return before in ("", ch) or after in ("", ch)  # only doubled, ~~ and ||, format
    return False


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(4):  # "1. " would start a numbered list
        return f"{match.group(4)}\\."
    return "\\" + match.group(0)


@dataclass
class _Style:
    tag: str
    marker: str
    active: bool  # False for a style inside the same style: it adds no markers
    opened: bool = False  # its opening marker is written (it is written with its first text)


class _Converter(HTMLParser):
    """Writes pieces of markdown as the parser meets tags and text. Line breaks, spaces and
    opening markers wait until the next text, so none is left dangling at a line's end,
    before a closing marker or at the end of the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lost: dict[str, None] = {}
        self.newlines = 0  # line breaks waiting for the next text (at most 2: one blank line)
        self.space = False  # a space waiting for the next text on this line
        self.line_empty = True  # nothing, not even a prefix, is written on the current line
        self.item: str | None = None  # a list item's marker, waiting for the item's text
        self.closed: list[int] = []  # indexes in ``out`` of the closing markers that end it
        self.styles: list[_Style] = []
        self.ignored: dict[str, int] = {}  # style tags opened beyond _STYLES_MAX, still open
        self.lists: list[int | None] = []  # None for <ul>, the last number for <ol>
        self.quote = 0
        self.cells = 0  # cells so far in the table row
        self.links: list[tuple[str, int]] = []  # (href, index in ``out`` where its text starts)
        self.capture: list[str] | None = None  # the raw text of a <code> or <pre>
        self.capture_tag = ""
        self.skip: list[str] = []  # the elements whose content is being dropped
        self.text: list[str] = []  # text met since the last tag (the parser may split it)

    # The parser's callbacks.

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush_text()
        if self.skip:
            if tag == self.skip[0] and tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in _DROPPED or tag in _LOST_WITH_CONTENT:
            if tag in _LOST_WITH_CONTENT:
                self.lost[_LOST_WITH_CONTENT[tag]] = None
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in _LOST_VOID:
            self.lost[_LOST_VOID[tag]] = None
            return
        if self.capture is not None:
            if tag == "br":
                self.capture.append("\n")
            return
        if tag == "br":
            self._line_break()
        elif tag in _CODE or tag == "pre":
            if tag == "pre":
                self._block(2)
            self.capture, self.capture_tag = [], tag
        elif tag in _STYLES:
            self._open_style(tag, _STYLES[tag])
        elif tag in _HEADINGS:
            self._block(2)
            self._open_style(tag, "**")
        elif tag == "a":
            if self.links:  # links do not nest: a browser ends the open one
                self._end_link(*self.links.pop())
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        else:
            self._start_block(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._flush_text()
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
            return
        if self.capture is not None:
            if tag == self.capture_tag:
                self._end_capture()
            return
        if tag in _STYLES or tag in _HEADINGS:
            self._close_style(tag)
            if tag in _HEADINGS:
                self._block(2)
        elif tag == "a":
            if self.links:
                self._end_link(*self.links.pop())
        else:
            self._end_block(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def _flush_text(self) -> None:
        data = "".join(self.text)
        self.text = []
        if self.skip or not data:
            return
        if self.capture is not None:
            self.capture.append(data)
            return
        text = _WHITESPACE.sub(" ", data)
        if text.startswith(" "):
            self._space()
        words = text.strip(" ")
        if words:
            self._write(_escape(words, self._at_line_start()))
            if text.endswith(" "):
                self._space()

    def result(self) -> tuple[str, list[str]]:
        self._flush_text()
        if self.capture is not None:
            self._end_capture()
        while self.links:
            self._end_link(*self.links.pop())
        for style in reversed(self.styles):
            if style.opened:
                self._put(style.marker, closing=True)
        self.styles = []
        return "".join(self.out).strip(), list(self.lost)

    # Blocks.

    def _start_block(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in ("ul", "ol"):
            self._block(1)
            start = attrs.get("start") or "1"
            self.lists.append(int(start) - 1 if tag == "ol" and start.isdigit() else None)
        elif tag == "li":
            self._block(1)
            depth = max(len(self.lists), 1)
            marker = "- "
            if self.lists and self.lists[-1] is not None:
                number = (self.lists[-1] or 0) + 1
                self.lists[-1] = number
                marker = f"{number}. "
            self.item = "  " * min(depth - 1, _INDENT_MAX) + marker
        elif tag == "blockquote":
            self._block(2)
            self.quote += 1
        elif tag == "table":
            self.lost["a table"] = None
            self._block(2)
        elif tag == "tr":
            self._block(1)
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self.space = not self._at_line_start()
                self._write("–")
                self.space = True
            self.cells += 1
        elif tag in _PARAGRAPHS:
            self._block(2)
        elif tag in _LINES:
            self._block(1)

    def _end_block(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._block(1)
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
            self._block(2)
        elif tag in _PARAGRAPHS:
            self._block(2)
        elif tag in _LINES:
            self._block(1)
            if tag == "li":
                self.item = None

    def _block(self, lines: int) -> None:
        """The next text starts ``lines`` line breaks on (2: after a blank line)."""
        self.space = False
        if self.out:
            self.newlines = max(self.newlines, min(lines, self._most_newlines()))

    def _line_break(self) -> None:
        self.space = False
        if self.out:
            self.newlines = min(self.newlines + 1, self._most_newlines())

    def _most_newlines(self) -> int:
        """No blank lines inside a quote (each line is quoted) or a list (items stay tight)."""
        return 1 if self.quote or self.lists or self.item is not None else 2

    def _space(self) -> None:
        if not self._at_line_start():
            self.space = True

    def _at_line_start(self) -> bool:
        return self.item is None and (self.line_empty or self.newlines > 0 or not self.out)

    # Inline styles, code and links.

    def _open_style(self, tag: str, marker: str) -> None:
        if len(self.styles) >= _STYLES_MAX:  # no text is styled 16 deep: keep the work linear
            self.ignored[tag] = self.ignored.get(tag, 0) + 1
            return
        active = self.capture is None and not any(s.active and s.marker == marker for s in self.styles)
        self.styles.append(_Style(tag, marker, active))

    def _close_style(self, tag: str) -> None:
        """Closes ``tag`` and every style opened inside it and still open."""
        if self.ignored.get(tag):
            self.ignored[tag] -= 1
            return
        index = next((i for i in range(len(self.styles) - 1, -1, -1) if self.styles[i].tag == tag), None)
        if index is None:
            return
        for style in reversed(self.styles[index:]):
            if style.opened:
                self._put(style.marker, closing=True)
        del self.styles[index:]

    def _end_capture(self) -> None:
        raw = "".join(self.capture or [])
        tag = self.capture_tag
        self.capture, self.capture_tag = None, ""
        if tag == "pre":
            code = raw.strip("\n")
            if code.strip():
                self._write("```\n" + code.replace("```", "`\u200b``") + "\n```")
            self._block(2)
            return
        if raw[:1].isspace():
            self._space()
        code = _WHITESPACE.sub(" ", raw).strip()
        if code:
            fence = "``" if "`" in code else "`"
            padded = f" {code} " if fence == "``" else code
            self._write(f"{fence}{padded}{fence}")
            if raw[-1:].isspace():
                self._space()

    def _end_link(self, href: str, start: int) -> None:
        href = href.strip().replace(" ", "%20")
        text = re.sub(r"\\(.)", r"\1", "".join(self.out[start:])).strip("*_~` ")
        if _WEB.match(href):
            if text in (href, href.removeprefix("mailto:")):
                return
            self.space = True if text else self.space
            self._write(f"({href})" if text else href)
        elif href.startswith("@@PLUGINFILE@@"):
            self.lost["a link to a file stored in Moodle"] = None
        elif href and not href.startswith("#"):
            self.lost["a link that is not a web address"] = None

    # Writing.

    def _write(self, piece: str) -> None:
        """Writes text (never empty, never starting or ending with a space) with whatever
        waits for it: line breaks, the line's prefix, a space, opening markers."""
        if self.newlines and self.out:
            self._put("\n" * self.newlines)
            self.line_empty = True
        self.newlines = 0
        if self.line_empty:
            if self.quote:
                self._put("> ")
            self.line_empty = False
            self.space = False
        if self.item is not None:
            self._put(self.item)
            self.item = None
            self.space = False
        if self.space:
            self._put(" ")
            self.space = False
        for style in self.styles:
            if style.active and not style.opened:
                style.opened = True
                if self.closed and self.closed[-1] == len(self.out) - 1 and self.out[-1] == style.marker:
                    self.out.pop()  # "*a*" then "*b*" would be "*a**b*": make it "*ab*"
                    self.closed.pop()
                else:
                    self._put(style.marker)
        self._put(piece)

    def _put(self, piece: str, closing: bool = False) -> None:
        if closing:
            self.closed.append(len(self.out))
        else:
            self.closed = []
        self.out.append(piece)
