"""One process's health: what it logs every few minutes and what /status shows."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

STALE_AFTER = 3  # reports missed before a process counts as not running


@dataclass(frozen=True)
class ProcessHealth:
    name: str  # PROCESS_NAME, or host:pid
    shards: str  # Shards.describe()
    servers: int
    latencies: dict[int, float | None] = field(default_factory=dict)  # shard -> last heartbeat, s (None: none yet)
    started_at: datetime | None = None
    at: datetime | None = None  # when this was measured
    every: float | None = None  # the process's HEALTH_SECONDS: how often it reports

    @staticmethod
    def latency(seconds: float) -> float | None:
        """discord.py's heartbeat latency, or None before the first heartbeat (inf or nan)."""
        return seconds if math.isfinite(seconds) else None

    def line(self) -> str:
        """The health line the log gets: ``health: bot-a; shards 0-1 of 4; 512 servers;
        latency shard 0 41 ms, shard 1 43 ms``."""
        lat = ", ".join(f"shard {s} {ms(v)}" for s, v in sorted(self.latencies.items())) or "no shards connected"
        return f"health: {self.name}; {self.shards}; {servers(self.servers)}; latency {lat}"

    def latency_summary(self) -> str:
        """The shards' latency in a few words, however many shards: "41 ms", "38-52 ms
        over 16 shards", with how many have not been measured yet."""
        measured = sorted(v for v in self.latencies.values() if v is not None)
        waiting = len(self.latencies) - len(measured)
        parts = []
        if measured:
            low, high = ms(measured[0]), ms(measured[-1])
            parts.append(low if low == high else f"{low.removesuffix(' ms')}-{high}")
            if len(self.latencies) > 1:
                parts[-1] += f" over {len(measured)} shards"
        if waiting:
            parts.append(f"{waiting} shard{'s' if waiting != 1 else ''} not measured yet")
        return ", ".join(parts) or "no shards connected"

    def alive(self, now: datetime, every: timedelta) -> bool:
        """Whether the process has reported within ``STALE_AFTER`` of its own intervals
        (``every`` when it did not say)."""
        interval = timedelta(seconds=self.every) if self.every else every
        return self.at is not None and now - self.at <= STALE_AFTER * interval

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "shards": self.shards,
                "servers": self.servers,
                "latencies": {str(k): v for k, v in self.latencies.items()},
                "started_at": self.started_at.isoformat() if self.started_at else None,
                "at": self.at.isoformat() if self.at else None,
                "every": self.every,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ProcessHealth:
        """ValueError (or KeyError, TypeError) if ``text`` is not a health line's record."""
        d = json.loads(text)
        return cls(
            str(d["name"]),
            str(d["shards"]),
            int(d["servers"]),
            {int(k): (float(v) if v is not None else None) for k, v in d.get("latencies", {}).items()},
            datetime.fromisoformat(d["started_at"]) if d.get("started_at") else None,
            datetime.fromisoformat(d["at"]) if d.get("at") else None,
            float(d["every"]) if d.get("every") else None,
        )


def ms(seconds: float | None) -> str:
    return "not measured yet" if seconds is None else f"{seconds * 1000:.0f} ms"


def servers(n: int) -> str:
    return f"{n} server{'s' if n != 1 else ''}"
