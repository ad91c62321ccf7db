"""SimCord fixtures: the real bot from create_bot, against a simulated Discord."""

from __future__ import annotations

from dataclasses import dataclass

import discord
import pytest

from bot.app import create_bot
from tests.inside import Inside, inside


@pytest.fixture
def simcord_bot(settings):
    return create_bot(settings)


@dataclass
class Cohort:
    env: object
    guild: object
    channel: object
    tutor: object
    admin: object
    learners: list
    tutor_role: object

    async def restart(self, settings) -> None:
        """Stop the bot and start a new one on the same database, as a redeploy would."""
        await self.env.bot.close()
        await self.env.restart_bot(create_bot(settings))

    @property
    def svc(self):
        return self.env.bot.svc

    @property
    def inside(self) -> Inside:
        """The store and the packs behind the services, to check what was kept."""
        return inside(self.env.bot)


@pytest.fixture
async def env(simcord_env):
    yield simcord_env
    await simcord_env.bot.close()  # SimCord never closes the bot; this closes its database


@pytest.fixture
async def cohort(env) -> Cohort:
    """A cohort server: an admin, a tutor (the tutor role is set by the admin), four learners."""
    guild = env.create_guild("Cohort")
    channel = guild.create_text_channel("daily-revision")
    tutor_role = guild.create_role("Tutor")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[admins])
    tutor = guild.add_member(env.create_user("tutor"), roles=[tutor_role])
    learners = [guild.add_member(env.create_user(name)) for name in ("amira", "ben", "chloe", "dev")]
    await admin.slash(channel, "settings tutor-role", role=tutor_role)
    return Cohort(env, guild, channel, tutor, admin, learners, tutor_role)
