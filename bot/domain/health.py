"""One process's health: what it logs every few minutes and what /status shows."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ProcessHealth:
    name: str  # host:pid, unique while the process runs
    shards: str  # Shards.describe()
    servers: int
    latencies: dict[int, float | None] = field(default_factory=dict)  # shard -> last heartbeat, s (None: none yet)
    started_at: datetime | None = None
    at: datetime | None = None  # when this was measured

    @staticmethod
    def latency(seconds: float) -> float | None:
        """discord.py's heartbeat latency, or None before the first heartbeat (inf or nan)."""
        return seconds if math.isfinite(seconds) else None

    def line(self) -> str:
        """The health line the log gets: ``health: shards 0-1 of 4; 512 servers; latency
        shard 0 41 ms, shard 1 43 ms``."""
        lat = ", ".join(f"shard {s} {_ms(v)}" for s, v in sorted(self.latencies.items())) or "no shards connected"
        servers = f"{self.servers} server{'s' if self.servers != 1 else ''}"
        return f"health: {self.name}; {self.shards}; {servers}; latency {lat}"

    def alive(self, now: datetime, every: timedelta) -> bool:
        """Whether the process has beaten recently (within three of its intervals)."""
        return self.at is not None and now - self.at <= 3 * every

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "shards": self.shards,
                "servers": self.servers,
                "latencies": {str(k): v for k, v in self.latencies.items()},
                "started_at": self.started_at.isoformat() if self.started_at else None,
                "at": self.at.isoformat() if self.at else None,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ProcessHealth:
        d = json.loads(text)
        return cls(
            d["name"],
            d["shards"],
            int(d["servers"]),
            {int(k): v for k, v in d.get("latencies", {}).items()},
            datetime.fromisoformat(d["started_at"]) if d.get("started_at") else None,
            datetime.fromisoformat(d["at"]) if d.get("at") else None,
        )


def _ms(seconds: float | None) -> str:
    return "not measured yet" if seconds is None else f"{seconds * 1000:.0f} ms"
