"""Moments as they are stored: ISO 8601 text."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime) -> str:
    return moment.isoformat()
