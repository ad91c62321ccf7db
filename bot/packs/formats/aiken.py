"""Moodle's Aiken format: single-answer questions in plain text.

Each block is the question on one line, two or more options lettered ``A.`` or ``A)`` one
per line, then ``ANSWER: X``; blocks are separated by blank lines. Every block becomes a
``single`` question, the lettered options in their order. The format has no feedback,
no categories and no titles: ``to_pack`` gives them defaults for the tutor to write.

A block that is not that shape (no ``ANSWER:`` line, an answer letter no option has,
options out of order, fewer than two) is reported with its line and the reason, and the
rest of the file still imports.
"""

from __future__ import annotations

import re

from .bank import Bank, Item, Skipped

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*\S)\s*$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Za-z])\s*$")


def read_aiken(text: str) -> Bank:
    bank = Bank(format="aiken")
    for line, block in _blocks(text):
        item = _question(line, block)
        if isinstance(item, Item):
            bank.items.append(item)
        else:
            bank.skipped.append(Skipped(line, f"question {block[0][:50]!r}", item))
    return bank


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """The non-empty lines of each blank-line-separated block, with the block's first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current:
                blocks.append((start, current))
                current = []
            continue
        if not current:
            start = n
        current.append(line)
        if _ANSWER.match(line):  # an answer line ends a block even without a blank line after
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _question(line: int, block: list[str]) -> Item | str:
    """The block's question, or why it is not one."""
    stem_lines: list[str] = []
    options: list[str] = []
    answer: str | None = None
    for text in block:
        option = _OPTION.match(text)
        if answer is None and (key := _ANSWER.match(text)):
            answer = key.group(1).upper()
        elif option and stem_lines:
            letter, option_text = option.groups()
            if ord(letter) - ord("A") != len(options):
                return f"option {letter} is out of order (expected {chr(65 + len(options))})"
            options.append(option_text)
        elif not options:
            stem_lines.append(text)
        else:
            return f"the line {text[:40]!r} is neither a lettered option nor ANSWER:"
    if not stem_lines:
        return "the block has no question before its options"
    if answer is None:
        return "the block has no ANSWER: line"
    if len(options) < 2:
        return "a question needs at least two lettered options (A. and B.)"
    index = ord(answer) - ord("A")
    if index >= len(options):
        return f"ANSWER: {answer}, but the options stop at {chr(64 + len(options))}"
    prompt = " ".join(stem_lines)
    return Item(line, {"kind": "single", "prompt": prompt, "options": options, "answer": index})
