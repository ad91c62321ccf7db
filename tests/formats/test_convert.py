"""The one door in: bytes to a pack, the format guessed, bad files refused with a reason."""

from pathlib import Path

import pytest

from bot.packs import parse_pack
from bot.packs.formats.bank import DEFAULT_EXPLANATION, Unreadable
from bot.packs.formats.convert import MAX_IMPORT_BYTES, decode, guess_format, import_bank

DATA = Path(__file__).parents[1] / "data" / "formats"
AIKEN = (DATA / "aiken" / "complaints.txt").read_bytes()


def refused(data: bytes, filename: str = "bank.txt", **kw) -> Unreadable:
    with pytest.raises(Unreadable) as caught:
        import_bank(data, filename, **kw)
    return caught.value


@pytest.mark.parametrize(
    ("data", "line", "says"),
    [
        (b"", 1, "the file is empty"),
        (b" \n\n", 1, "the file is empty"),
        (b"PK\x03\x04\x14\x00rest-of-a-zip", 1, "a zip archive (an Anki .apkg"),
        (b"SQLite format 3\x00...", 1, "an SQLite database"),
        (b"\x00\x01\x02binary", 1, "binary file"),
        ("Complaint\tDissatisfaction\n".encode("utf-16"), 1, "UTF-16"),
        ("Refund\tMoney back\nCaf\u00e9\tA place\n".encode("cp1252"), 2, "not UTF-8"),
    ],
)
def test_files_that_are_not_text_exports_are_refused_with_the_line(data, line, says):
    err = refused(data)
    assert err.line == line and says in err.message


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    err = refused(b"x" * (MAX_IMPORT_BYTES + 1))
    assert "at most 1024 KB" in err.message


def test_a_byte_order_mark_and_windows_line_ends_are_fine():
    assert (
        decode(b"\xef\xbb\xbfRefund\tMoney back\r\nRepair\tFixing it\r\n") == "Refund\tMoney back\nRepair\tFixing it\n"
    )


@pytest.mark.parametrize(
    ("text", "filename", "fmt"),
    [
        ("<?xml version='1.0'?><quiz></quiz>", "bank.txt", "moodle-xml"),
        ("Anything", "bank.xml", "moodle-xml"),
        ("Anything", "bank.gift", "gift"),
        ("a,b", "terms.csv", "delimited"),
        ("#separator:tab\na\tb", "terms.txt", "delimited"),
        (AIKEN.decode(), "bank.txt", "aiken"),
        ("::Q1:: Refunds are a legal right for faulty goods {T}", "bank.txt", "gift"),
        ("Refund\tMoney back", "bank.txt", "delimited"),
    ],
)
def test_the_format_is_guessed_from_the_name_then_the_content(text, filename, fmt):
    assert guess_format(text, filename) == fmt


def test_a_file_whose_format_cannot_be_told_says_to_name_it():
    err = refused(b"Just some notes about complaints.\nNothing else.\n")
    assert "cannot tell the file's format" in err.message


def test_a_file_with_nothing_the_bot_can_hold_is_refused():
    err = refused(b"Which is right?\nA. This\nANSWER: A\n", fmt="aiken")
    assert err.message == "nothing to import: the file has no question the bot can hold (read as aiken)"


def test_a_pack_id_that_cannot_be_one_is_refused():
    assert "cannot be a pack id" in refused(AIKEN, pack_id="my pack!").message


def test_an_import_is_a_pack_that_validates_and_the_linter_names_every_stand_in():
    imported = import_bank(AIKEN, "Complaints bank.txt")
    assert imported.format == "aiken"
    data = imported.converted.data
    assert data["pack"] == "complaints-bank" and data["title"] == "Complaints bank"
    assert imported.yaml_text.startswith("# Imported from Complaints bank.txt (read as aiken) by the revision bot.\n")
    result = parse_pack(imported.yaml_text, "complaints-bank.yaml", lint=True)
    assert result.errors == [] and result.pack is not None
    assert result.pack.questions[0].explanation == DEFAULT_EXPLANATION
    stand_ins = [w for w in result.warnings if "importer's stand-in" in w.message]
    # 2 explanations, 3 + 2 wrong options' feedback, the criterion, the awarding body, the qualification
    assert len(stand_ins) == imported.converted.defaults == 10
    fields = {w.field for w in stand_ins}
    assert {"awarding_body", "qualification", "criteria[0].text", "questions[0].explanation"} <= fields
    assert "questions[1].option_feedback.0" in fields or "questions[1].option_feedback[0]" in fields
