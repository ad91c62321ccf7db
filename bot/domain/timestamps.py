"""Moments as they are stored: ISO 8601 text."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache


def iso(moment: datetime) -> str:
    """``moment.isoformat()``, remembered: one answer stamps several rows and its card."""
    return _iso(moment, moment.utcoffset())  # equal instants in other zones are other strings


@lru_cache(maxsize=4096)
def _iso(moment: datetime, _offset: object) -> str:
    return moment.isoformat()
