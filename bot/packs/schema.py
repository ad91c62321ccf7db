"""The content-pack format: pydantic models for one YAML pack.

Field-level rules live here (types, lengths that fit Discord, counts). Rules that
look across the pack (criterion ids defined, misconception ids exist, the role-play
graph is sound) live in ``checks.py`` so each can report its own field path.

Text limits come from what Discord can show: a button label holds 80 characters,
a select option 100, an embed field 1,024 and an embed description 4,096.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# An id is short, lower/upper case letters, digits, dots, dashes and underscores: it
# travels inside button custom_ids (100 characters at most, shared with other parts).
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=40)]


def _text(max_length: int) -> StringConstraints:
    """Constraints for a stripped, non-empty string of at most ``max_length`` characters."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


OPTION_MAX = 97  # "A. " + the option must fit a 100-character select option label
CHOICE_MAX = 300  # role-play choices are shown in an embed field, lettered

# Stripped, non-empty text of at most N characters (a type checker needs each as a
# named alias: ``Annotated[...]`` built by a function call is not a valid annotation).
Text40 = Annotated[str, _text(40)]
Text45 = Annotated[str, _text(45)]
Text60 = Annotated[str, _text(60)]
Text80 = Annotated[str, _text(80)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text500 = Annotated[str, _text(500)]
Text1000 = Annotated[str, _text(1000)]
Text1500 = Annotated[str, _text(1500)]
OptionText = Annotated[str, _text(OPTION_MAX)]
ChoiceText = Annotated[str, _text(CHOICE_MAX)]
Difficulty = Annotated[int, Field(ge=1, le=3)]
Criteria = Annotated[list[Id], Field(min_length=1, max_length=5)]


class Strict(BaseModel):
    """Unknown keys are errors and YAML's `yes`/`no` never become text or numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Criterion(Strict):
    id: Id
    text: Text1000


class Term(Strict):
    term: Text100
    definition: Text1000


class _QuestionBase(Strict):
    id: Id
    prompt: Text1500
    explanation: Text1000
    criteria: Criteria
    difficulty: Difficulty = 2


class SingleQuestion(_QuestionBase):
    """One right option out of 2 to 5."""

    kind: Literal["single"]
    options: Annotated[list[OptionText], Field(min_length=2, max_length=5)]
    answer: Annotated[int, Field(ge=0)]
    option_feedback: dict[int, Text1000]  # wrong option index -> why it is wrong
    misconceptions: dict[int, Id] = {}  # wrong option index -> myth id
    shuffle: bool = True  # False keeps the written order (e.g. "all of the above")


class MultipleQuestion(_QuestionBase):
    """Choose all that apply: 3 to 6 options, at least one right."""

    kind: Literal["multiple"]
    options: Annotated[list[OptionText], Field(min_length=3, max_length=6)]
    answer: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1)]
    option_feedback: dict[int, Text1000]
    misconceptions: dict[int, Id] = {}
    shuffle: bool = True


class TrueFalseQuestion(_QuestionBase):
    """A statement that is true or false."""

    kind: Literal["true_false"]
    answer: bool
    wrong_feedback: Text1000  # why the opposite answer is wrong
    misconception: Id | None = None  # myth held by someone who answers wrongly


class OrderQuestion(_QuestionBase):
    """Put the steps of a model (HEAT, LATER, ...) in order; written in the right order."""

    kind: Literal["order"]
    steps: Annotated[list[OptionText], Field(min_length=3, max_length=5)]
    wrong_feedback: Text1000
    misconception: Id | None = None


class ShortAnswerQuestion(_QuestionBase):
    """The learner types the answer: right when it matches one of ``answers`` once case,
    spaces and punctuation are set aside (``bot.domain.questions.normalise_answer``)."""

    kind: Literal["short_answer"]
    answers: Annotated[list[Text100], Field(min_length=1, max_length=20)]
    wrong_feedback: Text1000  # why an answer that matches none of them is wrong
    misconception: Id | None = None


Question = Annotated[
    SingleQuestion | MultipleQuestion | TrueFalseQuestion | OrderQuestion | ShortAnswerQuestion,
    Field(discriminator="kind"),
]


class Myth(Strict):
    """A myth-or-fact card: a statement learners often get wrong."""

    id: Id
    statement: Text500
    verdict: Literal["myth", "fact"]
    correction: Text1000  # what is actually true
    explanation: Text1000  # why it matters in practice
    criteria: Criteria


class Customer(Strict):
    name: Text80
    situation: Text1000
    opening_mood: Annotated[int, Field(ge=0, le=10)]  # 0 calm .. 10 furious


class Choice(Strict):
    text: ChoiceText
    next: Id
    mood: Annotated[int, Field(ge=-5, le=5)] = 0
    criteria: dict[Id, Annotated[int, Field(ge=0, le=3)]] = {}
    feedback: Text500


class RubricIdea(Strict):
    """One idea a written reply earns credit for when one of its phrases is used plainly
    (not negated); as an ``avoid`` entry, what the reply loses when it uses one."""

    idea: Text60
    criterion: Id
    phrases: Annotated[list[Text60], Field(min_length=1)]
    points: Annotated[int, Field(ge=1, le=3)] = 1


ReplyLevel = Literal["strong", "partial", "weak"]


class ReplyExample(Strict):
    """A calibration reply and the level it must score: the validator scores each one."""

    text: Text1000
    label: ReplyLevel


class Reply(Strict):
    """A node where the learner writes their own reply instead of choosing."""

    prompt: Text45  # the modal's field label
    max_length: Annotated[int, Field(ge=50, le=1000)] = 500
    rubric: Annotated[list[RubricIdea], Field(min_length=1)]
    avoid: list[RubricIdea] = []  # blame, dismissive lines, promises beyond authority
    examples: list[ReplyExample] = []  # at least one strong, partial and weak (the linter asks)
    next: Id
    next_if_weak: Id | None = None  # where a weak reply, or one using an avoid phrase, leads (default: ``next``)
    mood_if_strong: Annotated[int, Field(ge=-5, le=5)] = -2  # half the rubric's points, nothing to avoid
    mood_if_partial: Annotated[int, Field(ge=-5, le=5)] = 0
    mood_if_weak: Annotated[int, Field(ge=-5, le=5)] = 1


class Node(Strict):
    narration: Text500 | None = None  # what happens or what you see, shown before the customer speaks
    customer: Text1000  # what the customer says
    choices: Annotated[list[Choice], Field(min_length=2, max_length=4)] | None = None
    reply: Reply | None = None


Outcome = Literal["resolved", "escalated", "unresolved", "lost"]
GOOD_OUTCOMES = frozenset({"resolved", "escalated"})


class Ending(Strict):
    outcome: Outcome
    text: Text1000


class Scenario(Strict):
    id: Id
    title: Text80
    setting: Text40  # retail, hospitality, contact centre, public services, ...
    customer: Customer
    start: Id
    nodes: Annotated[dict[Id, Node], Field(min_length=1)]
    endings: Annotated[dict[Id, Ending], Field(min_length=1)]


class Pack(Strict):
    pack: Id
    title: Text100
    awarding_body: Text100
    qualification: Text200
    criteria: Annotated[list[Criterion], Field(min_length=1, max_length=25)]
    terms: list[Term] = []
    questions: list[Question] = []
    myths: list[Myth] = []
    scenarios: list[Scenario] = []
