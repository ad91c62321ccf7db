"""Moments as they are stored: ISO 8601 text, always in UTC, so stored moments compare
as text in the order they happened (an offset of +01:00 would not)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
