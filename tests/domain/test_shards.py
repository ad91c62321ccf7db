"""Which servers a process serves: Discord's shard rule, SHARD_IDS, and the settings' checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from pydantic import ValidationError

from bot.domain.shards import Shards, compact, parse_shard_ids, shard_of
from bot.settings import Settings


def test_a_server_is_on_the_shard_of_its_ids_timestamp_part():
    # the id's top bits are milliseconds since 2015: 197038439483310086 >> 22 == 46977624770
    guild = 197038439483310086
    assert (shard_of(guild, 1), shard_of(guild, 4), shard_of(guild, 16)) == (0, 2, 2)
    assert shard_of(guild + (1 << 22), 4) == 3  # a millisecond later: the next shard


@pytest.mark.parametrize(
    ("text", "ids"),
    [("0-3", (0, 1, 2, 3)), ("0,1", (0, 1)), ("3, 1", (1, 3)), ("0-1,4", (0, 1, 4)), ("2", (2,)), ("1-1", (1,))],
)
def test_shard_ids_are_read_as_ids_and_ranges(text, ids):
    assert parse_shard_ids(text, 8) == ids


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("4", "shard 4 does not exist: with SHARD_COUNT=4 the ids are 0-3"),
        ("3-1", "runs backwards; write it as 1-3"),
        ("a", "'a' is not a shard id or a range like 0-3"),
        ("0,,1", "'' is not a shard id"),
        ("-1", "'-1' is not a shard id"),
    ],
)
def test_wrong_shard_ids_say_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(")):
        parse_shard_ids(text, 4)


@given(hs.sets(hs.integers(0, 15), min_size=1))
def test_compact_writes_what_parse_reads(ids):
    ordered = tuple(sorted(ids))
    assert parse_shard_ids(compact(ordered), 16) == ordered


def test_a_process_serves_only_its_shards_servers():
    guilds = [(n << 22) + 7 for n in range(40)]  # timestamps 0..39: shards 0,1,2,3,0,1,...
    half = Shards(4, (0, 1))
    assert [g for g in guilds if half.serves(g)] == [g for g in guilds if (g >> 22) % 4 in (0, 1)]
    assert all(Shards(4, (0, 1, 2, 3)).serves(g) for g in guilds) and all(Shards().serves(g) for g in guilds)
    assert Shards(4, (0, 1, 2, 3)).all_here and Shards(4).all_here and not half.all_here
    assert half.describe() == "shards 0-1 of 4"
    assert Shards(4, (2,)).describe() == "shard 2 of 4"
    assert Shards(4).describe() == "all 4 shards" and Shards().describe() == "shards chosen by Discord"


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_shard_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "2-3")
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot@db/bot")
    assert settings().shards == Shards(4, (2, 3))
    monkeypatch.setenv("SHARD_IDS", "")  # blank: unset, every shard here
    assert settings().shards == Shards(4, None)
    monkeypatch.delenv("SHARD_COUNT")
    monkeypatch.delenv("SHARD_IDS")
    assert settings().shards == Shards()


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"shard_ids": "0-1"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"shard_count": 2, "shard_ids": "0-2"}, "SHARD_IDS: shard 2 does not exist"),
        ({"shard_count": 0}, "greater than or equal to 1"),
        ({"shard_count": 4, "shard_ids": "0-1"}, "must share one database: set DATABASE_URL"),
        ({"owner_ids": "12, me"}, "Discord user ids separated by commas"),
    ],
)
def test_shard_settings_that_cannot_work_are_refused_with_the_reason(values, says):
    with pytest.raises(ValidationError, match=says):
        settings(**values)


def test_a_single_process_may_run_every_shard_on_sqlite_and_owners_are_read_as_ids():
    assert settings(shard_count=4, shard_ids="0-3").shards.all_here  # no DATABASE_URL needed
    assert settings(owner_ids="123, 456").owners == {123, 456}
    assert settings().owners == set()
