"""Which servers a bot process serves when the bot is split into shards.

Discord puts each server on one shard: ``(guild_id >> 22) % shard_count``. A process that
runs some of the shards receives only their servers' events, and schedules only their
servers' posts; the database keeps a second process holding the same shards (during a
redeploy, or by mistake) from posting anything twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord puts the server on."""
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str, shard_count: int) -> tuple[int, ...]:
    """``"0-3"``, ``"0,1"`` or ``"0-1,4"``: the shard ids, sorted; ValueError says what is wrong."""
    ids: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if match is None:
            raise ValueError(f"{part!r} is not a shard id or a range like 0-3")
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        if last < first:
            raise ValueError(f"the range {part!r} runs backwards; write it as {last}-{first}")
        if last >= shard_count:
            raise ValueError(
                f"shard {last} does not exist: with SHARD_COUNT={shard_count} the ids are 0-{shard_count - 1}"
            )
        ids.update(range(first, last + 1))
    return tuple(sorted(ids))


@dataclass(frozen=True)
class Shards:
    """The shards one process runs: ``count`` of them in all (None: Discord's recommended
    number, all in this process), and ``ids`` the ones here (None: all of them)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    @property
    def all_here(self) -> bool:
        """Whether this process serves every server (so nothing needs filtering)."""
        return self.ids is None or self.count is None or len(self.ids) == self.count

    def serves(self, guild_id: int) -> bool:
        if self.all_here:
            return True
        assert self.count is not None and self.ids is not None
        return shard_of(guild_id, self.count) in self.ids

    def describe(self) -> str:
        """For logs and /status: "shards 0-1 of 4", "all 4 shards", "shards chosen by Discord"."""
        if self.count is None:
            return "shards chosen by Discord"
        if self.all_here:
            return f"all {self.count} shard{'s' if self.count != 1 else ''}"
        assert self.ids is not None
        return f"shard{'s' if len(self.ids) != 1 else ''} {compact(self.ids)} of {self.count}"


def compact(ids: tuple[int, ...]) -> str:
    """(0, 1, 2, 5) -> "0-2,5": the form SHARD_IDS takes."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
