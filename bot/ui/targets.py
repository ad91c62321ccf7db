"""What a button is about, as its custom_id carries it: ``p<post id>`` for a cohort post,
``q<question id>`` (/quiz), ``r<question id>`` (/revise) or ``m<myth id>`` (/myth card).

The button templates (``bot/ui/questions.py``, ``bot/ui/myths.py``) only let these
shapes through; ``Target.parse`` turns one into its parts, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain.errors import UserError

Source = Literal["post", "quiz", "revise", "myth"]
_SOURCES: dict[str, Source] = {"p": "post", "q": "quiz", "r": "revise", "m": "myth"}


@dataclass(frozen=True)
class Target:
    source: Source
    ref: str  # the post's id, or the question's or myth's

    @classmethod
    def parse(cls, text: str) -> Target:
        source = _SOURCES.get(text[:1])
        if source is None or not text[1:] or (source == "post" and not text[1:].isdigit()):
            raise UserError("That button is out of date. Try the question again.")
        return cls(source, text[1:])

    @property
    def post_id(self) -> int:
        """The cohort post's id (the services refuse one out of range); 0 if not a post."""
        return int(self.ref) if self.source == "post" else 0
