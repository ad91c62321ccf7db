"""Schedule maths: local times, days of the week, the next post. Pure; `now` passed in."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def is_valid_timezone(name: str) -> bool:
    if name not in _zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_choices(current: str, limit: int = 25) -> list[str]:
    """Time zones for autocomplete: UK first, then matches of what was typed."""
    current = current.strip().lower()
    if not current:
        return ["Europe/London", "Europe/Dublin", "UTC", "Europe/Paris", "America/New_York"][:limit]
    starts = [z for z in _zones() if z.lower().startswith(current)]
    contains = [z for z in _zones() if current in z.lower() and z not in starts]
    return (starts + contains)[:limit]
