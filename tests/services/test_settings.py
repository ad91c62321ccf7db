"""SettingsService: a server's time zone and tutor role, and the synced command tree."""

from __future__ import annotations

import pytest

from bot.domain.errors import UserError
from bot.domain.records import DEFAULT_TIMEZONE

G = 21


async def test_an_unknown_time_zone_is_refused_and_the_old_one_kept(built):
    settings = built[0].settings
    assert (await settings.get(G)).timezone == DEFAULT_TIMEZONE
    await settings.set_timezone(G, "Europe/Dublin")
    with pytest.raises(UserError, match="not a time zone I know"):
        await settings.set_timezone(G, "Europe/Londn")
    assert (await settings.get(G)).timezone == "Europe/Dublin"


async def test_the_tutor_role_is_kept_per_server(built):
    settings = built[0].settings
    await settings.set_tutor_role(G, 555)
    assert (await settings.get(G)).tutor_role_id == 555
    assert (await settings.get(G + 1)).tutor_role_id is None


async def test_the_synced_command_tree_is_remembered_per_target(built):
    settings = built[0].settings
    assert await settings.synced_tree("global") is None
    await settings.remember_synced_tree("global", "abc")
    await settings.remember_synced_tree("123", "def")
    assert await settings.synced_tree("global") == "abc" and await settings.synced_tree("123") == "def"
