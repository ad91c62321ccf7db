"""Term lists as Anki, Quizlet and spreadsheets export them."""

from pathlib import Path

import pytest

from bot.packs.formats.bank import to_pack
from bot.packs.formats.delimited import read_delimited

DATA = Path(__file__).parents[1] / "data" / "formats" / "delimited"


def test_quizlet_tabs_with_a_quoted_definition_over_two_lines():
    bank = read_delimited((DATA / "quizlet_tab.txt").read_text())
    assert [(line, term) for line, term, _ in bank.terms] == [
        (1, "Complaint"),
        (2, "De-escalation"),
        (3, "Open question"),
        (7, "Stated needs"),
    ]
    assert bank.terms[2][2] == (
        "A question that invites the customer to explain in their own words, often starting\n"
        '"what", "how" or "tell me".'
    )
    assert [(s.line, s.what, s.why) for s in bank.skipped] == [
        (6, "row 'Empathy'", "needs a term and a definition"),
        (None, "columns after the second", "only a term and its definition are imported"),
    ]


def test_anki_headers_set_the_separator_and_html_becomes_markdown():
    bank = read_delimited((DATA / "anki_notes.txt").read_text())
    assert [t[1] for t in bank.terms] == ["Active listening", "Escalation", "Unstated needs"]
    assert bank.terms[0][0] == 4  # after the three header lines
    assert "**full attention**" in bank.terms[0][2]
    assert "\n" in bank.terms[1][2] and "<br>" not in bank.terms[1][2]
    assert "*not*" in bank.terms[2][2]
    assert [(s.line, s.why) for s in bank.skipped if s.line] == [(6, "a term list holds text only")]


def test_a_spreadsheets_heading_row_is_not_a_term():
    bank = read_delimited((DATA / "spreadsheet.csv").read_text())
    assert [t[1] for t in bank.terms] == ["Complaint", "Redress"]
    assert bank.terms[0][2] == "Any expression of dissatisfaction, spoken or written."


@pytest.mark.parametrize("separator", ["\t", ";", ","])
def test_the_separator_is_guessed(separator):
    text = f"Refund{separator}Money paid back\nRepair{separator}Fixing the fault\n"
    assert [t[1:] for t in read_delimited(text).terms] == [
        ("Refund", "Money paid back"),
        ("Repair", "Fixing the fault"),
    ]


def test_terms_too_long_for_a_pack_are_named():
    bank = read_delimited(f"{'x' * 101}\tA definition\nComplaint\tDissatisfaction, spoken or written\n")
    converted = to_pack(bank, "terms")
    assert converted.data["terms"] == [{"term": "Complaint", "definition": "Dissatisfaction, spoken or written"}]
    assert converted.skipped[0].line == 1 and "100" in converted.skipped[0].why


def test_an_unclosed_quote_does_not_swallow_silently():
    bank = read_delimited('Complaint\t"Any expression of dissatisfaction\n')
    assert bank.terms == [(1, "Complaint", "Any expression of dissatisfaction")]
