"""/status's embed stays within what Discord accepts, however many processes report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.health import ProcessHealth
from bot.ui.status import status_embed

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def process(name: str, shards: int, *, at: datetime = T0) -> ProcessHealth:
    return ProcessHealth(name, f"shards 0-{shards - 1} of 64", 2400, dict.fromkeys(range(shards), 0.05), T0, at, 300)


def test_many_processes_with_many_shards_fit_one_embed_running_ones_first():
    here = process("bot-00", 16)
    running = [(process(f"bot-{n:02}", 16), True) for n in range(1, 30)]
    gone = [(process(f"aaa-old-{n}", 16, at=T0 - timedelta(hours=5)), False) for n in range(10)]
    embed = status_embed(here, [*gone, *running], "PostgreSQL")
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    names = [f.name for f in embed.fields]
    assert names[0] == "bot-00 (this process)" and names[1] == "bot-01"  # the running ones before the gone
    assert not any(n.startswith("aaa-old") for n in names[: len(running)])
    assert embed.footer.text.startswith("And ") and "not heard from" in embed.footer.text
    assert "Latency: 50 ms over 16 shards" in embed.fields[0].value


def test_latency_is_summed_up_in_a_few_words():
    assert process("a", 1).latency_summary() == "50 ms"
    mixed = ProcessHealth("a", "s", 1, {0: 0.038, 1: 0.052, 2: None})
    assert mixed.latency_summary() == "38-52 ms over 2 shards, 1 shard not measured yet"
    assert ProcessHealth("a", "s", 1).latency_summary() == "no shards connected"
