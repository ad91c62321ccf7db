"""The SQL form of ``Shards.serves``: a condition on a guild id column, so each process
reads only the schedules and posts of its own servers."""

from __future__ import annotations

from bot.domain.shards import Shards


def served_by(shards: Shards, column: str = "guild_id") -> str:
    """``(guild_id >> 22) % count IN (ids)``, Discord's rule (``bot.domain.shards.shard_of``);
    ``1 = 1`` when the process serves every server. The numbers are ints, written inline."""
    if shards.all_here:
        return "1 = 1"
    assert shards.count is not None and shards.ids is not None
    ids = ", ".join(str(int(i)) for i in shards.ids)
    return f"(({column} >> 22) % {int(shards.count)}) IN ({ids})"
