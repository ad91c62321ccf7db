"""The report's "most chosen wrong" counts a typed answer once, however it was typed."""

from datetime import UTC, datetime

from bot.domain import progress as pg


def row(user: int, choice: object, correct: bool = False, qid: str = "sa-q1") -> pg.AnswerRow:
    return pg.AnswerRow(
        user_id=user,
        question_id=qid,
        pack_id="sa",
        choice=choice,
        correct=correct,
        answered_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_typed_wrong_answers_count_together_once_normalised_and_show_as_first_typed():
    rows = [
        row(1, "Sale of Goods Act"),
        row(2, "sale of goods act."),
        row(3, "SALE OF GOODS ACT"),
        row(4, "Equality Act"),
        row(5, "Consumer Rights Act 2015", correct=True),
    ]
    [hard] = pg.hardest(rows)
    assert (hard.common_wrong, hard.common_wrong_count) == ("Sale of Goods Act", 3)
