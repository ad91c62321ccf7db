"""One door in and one door out: a question bank's bytes to a pack's YAML, and a pack to
GIFT or Moodle XML. The command line and ``/content import`` both come through here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

import yaml

from bot.packs.schema import Pack

from .aiken import read_aiken
from .bank import Bank, Converted, Unreadable, Written, is_id, slug, to_pack
from .delimited import read_delimited
from .gift import read_gift, write_gift
from .moodle_xml import read_moodle_xml, write_moodle_xml

MAX_IMPORT_BYTES = 1024 * 1024  # a Moodle XML export is larger than the pack it becomes
MAX_SKIPPED_LISTED = 50  # in the YAML's header; the import's report has them all

READERS: dict[str, Callable[[str], Bank]] = {
    "gift": read_gift,
    "aiken": read_aiken,
    "moodle-xml": read_moodle_xml,
    "delimited": read_delimited,
}
WRITERS: dict[str, Callable[[Pack], Written]] = {
    "gift": write_gift,
    "moodle-xml": write_moodle_xml,
}
EXTENSIONS = {"gift": ".gift", "moodle-xml": ".xml"}

# Files people send instead of an export, recognised by their first bytes.
_BINARY = {
    b"PK\x03\x04": "a zip archive (an Anki .apkg or .colpkg, a Moodle backup, a Word file?)",
    b"SQLite format 3": "an SQLite database (an Anki collection?)",
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive (a Moodle .mbz backup?)",
}
_HOW_TO_EXPORT = (
    "export the questions as GIFT, Aiken or Moodle XML, or the cards as text "
    "(Anki: Notes in Plain Text; Quizlet: Export)"
)


@dataclass(frozen=True)
class Imported:
    format: str
    converted: Converted
    yaml_text: str


def import_bank(
    data: bytes, filename: str, fmt: str | None = None, pack_id: str | None = None, title: str | None = None
) -> Imported:
    """The pack a question bank file becomes. Raises ``Unreadable`` for a file that is not
    a bank at all, with the line and what to do."""
    if len(data) > MAX_IMPORT_BYTES:
        raise Unreadable(
            1, f"the file is {len(data) // 1024} KB; an import may be at most {MAX_IMPORT_BYTES // 1024} KB"
        )
    text = decode(data)
    fmt = fmt or guess_format(text, filename)
    if fmt not in READERS:
        raise Unreadable(1, f"unknown format {fmt!r}; expected one of {', '.join(READERS)}")
    bank = READERS[fmt](text)
    stem = PurePath(filename).stem
    pack_id = pack_id or default_pack_id(filename)
    if not is_id(pack_id):
        raise Unreadable(1, f"{pack_id!r} cannot be a pack id: use letters, digits, '-', '_' or '.', at most 40")
    converted = to_pack(bank, pack_id, title or bank.title or _title(stem))
    if not converted.questions and not converted.terms:
        what = "no term and definition pairs" if fmt == "delimited" else "no question the bot can hold"
        raise Unreadable(1, f"nothing to import: the file has {what} (read as {fmt})")
    return Imported(fmt, converted, pack_yaml(converted, filename, fmt))


def export_pack(pack: Pack, fmt: str) -> Written:
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(WRITERS)}")
    return WRITERS[fmt](pack)


def _title(stem: str) -> str:
    """A title from a file name: "complaints_bank" -> "Complaints bank"."""
    words = " ".join(re.split(r"[_\s]+", stem)).strip()
    return words[:1].upper() + words[1:] if words else "Imported question bank"


def default_pack_id(filename: str) -> str:
    return slug(PurePath(filename).stem) or "imported"


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), line ends made ``\\n``."""
    if not data.strip():
        raise Unreadable(1, "the file is empty")
    for magic, what in _BINARY.items():
        if data.startswith(magic):
            raise Unreadable(1, f"this is {what}, not a text export: {_HOW_TO_EXPORT}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(1, "the file is UTF-16 text; save it as UTF-8 and import it again")
    if b"\x00" in data[:8192]:
        raise Unreadable(1, f"this is a binary file, not a text export: {_HOW_TO_EXPORT}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(
            line, "the file is not UTF-8 text (perhaps Windows-1252 or Latin-1); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_AIKEN_ANSWER = re.compile(r"^ANSWER:\s*[A-Za-z]\s*$", re.MULTILINE)
_GIFT_BLOCK = re.compile(r"\{[^{}]*\}")


def guess_format(text: str, filename: str) -> str:
    """The format of a file, from its extension where that says, else from its content."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xml" or text.lstrip().startswith("<"):
        return "moodle-xml"
    if suffix == ".gift":
        return "gift"
    if suffix in (".csv", ".tsv") or re.search(r"^#(separator|html):", text, re.MULTILINE | re.IGNORECASE):
        return "delimited"
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    if _GIFT_BLOCK.search(text):
        return "gift"
    if any(sep in line for line in text.splitlines() for sep in "\t;,"):
        return "delimited"
    raise Unreadable(1, "cannot tell the file's format; say which it is (gift, aiken, moodle-xml or delimited)")


def pack_yaml(converted: Converted, filename: str, fmt: str) -> str:
    """The pack as YAML, headed by what the tutor still has to do and what was left out."""
    body = yaml.safe_dump(converted.data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    header = [f"Imported from {PurePath(filename).name} (read as {fmt}) by the revision bot."]
    if converted.defaults:
        header.append(
            f"{converted.defaults} {'field holds' if converted.defaults == 1 else 'fields hold'} a stand-in "
            "for what the file did not have; `python -m bot validate --strict` on this file names each one."
        )
    if converted.skipped:
        header.append(f"Not imported from {PurePath(filename).name}:")
        header += [f"  {s}" for s in converted.skipped[:MAX_SKIPPED_LISTED]]
        if len(converted.skipped) > MAX_SKIPPED_LISTED:
            header.append(f"  ...and {len(converted.skipped) - MAX_SKIPPED_LISTED} more")
    comments = "".join(f"# {line}\n" for text in header for line in text.splitlines())
    return comments + body
