"""Term lists as Anki and Quizlet export them: one term and its definition per line.

The columns are separated by a tab, a comma or a semicolon. Anki's header lines say
which (``#separator:tab`` / ``comma`` / ``semicolon`` / a literal character) and whether
fields are HTML (``#html:true``); its other ``#key:value`` headers are skipped. Without a
header, the separator is the one that splits every line into two or more columns (tab
first, as Quizlet's default). Fields may be quoted, as a spreadsheet writes them, to hold
the separator or a line break. The first column is the term, the second its definition;
further columns (Anki's tags, a deck) are not imported and said so once. A first row
that only names the columns ("Term", "Definition") is not a term.
"""

from __future__ import annotations

import csv
import io
import re

from .bank import Bank, Skipped, Unreadable
from .html import to_markdown

_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_HEADER = re.compile(r"^#([a-z ]+):(.*)$", re.IGNORECASE)


def read_delimited(text: str) -> Bank:
    bank = Bank(format="delimited")
    lines = text.splitlines(keepends=True)
    separator, html, body_start = _header(lines)
    body = lines[body_start:]
    separator = separator or _guess_separator(body)
    reader = csv.reader(io.StringIO("".join(body)), delimiter=separator, quotechar='"', strict=False)
    wide = False
    line = body_start + 1
    try:
        for row in reader:
            start, line = line, body_start + 1 + reader.line_num
            cells = [c.strip() for c in row]
            if not any(cells) or (not bank.terms and _is_heading(cells)):
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                bank.skipped.append(Skipped(start, f"row {cells[0][:40]!r}", "needs a term and a definition"))
                continue
            wide = wide or (len(cells) > 2 and any(cells[2:]))
            term, definition = cells[0], cells[1]
            if html:
                term, definition = _markdown(term, start, bank), _markdown(definition, start, bank)
            bank.terms.append((start, term, definition))
    except csv.Error as exc:
        raise Unreadable(line, f"cannot read the columns: {exc}") from None
    if wide:
        bank.skipped.append(Skipped(None, "columns after the second", "only a term and its definition are imported"))
    return bank


_HEADINGS = frozenset({"term", "terms", "definition", "definitions", "front", "back", "word", "meaning"})


def _is_heading(cells: list[str]) -> bool:
    """A spreadsheet's first row naming its columns ("Term", "Definition")."""
    return len(cells) >= 2 and all(c.lower() in _HEADINGS for c in cells[:2])


def _header(lines: list[str]) -> tuple[str | None, bool, int]:
    """Anki's ``#key:value`` lines at the top: the separator, whether fields are HTML,
    and where the rows start."""
    separator: str | None = None
    html = False
    n = 0
    for n, raw in enumerate(lines):  # noqa: B007 (n is where the rows start)
        match = _HEADER.match(raw.rstrip("\r\n"))
        if not match:
            break
        key, value = match.group(1).strip().lower(), match.group(2)
        if key == "separator":
            separator = _SEPARATORS.get(value.strip().lower(), value[:1] or None)
        elif key == "html":
            html = value.strip().lower() == "true"
    else:
        n = len(lines)
    return separator, html, n


def _guess_separator(lines: list[str]) -> str:
    rows = [line for line in lines if line.strip()][:50]
    for separator in ("\t", ";", ","):
        if rows and all(separator in row for row in rows):
            return separator
    counts = {s: sum(s in row for row in rows) for s in ("\t", ";", ",")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else "\t"


def _markdown(html: str, line: int, bank: Bank) -> str:
    text, dropped = to_markdown(html)
    bank.skipped.extend(Skipped(line, what, "a term list holds text only") for what in dropped)
    return text
