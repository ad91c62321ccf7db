"""SimCord fixtures: the real bot from create_bot, against a simulated Discord, on each
database: every end-to-end test runs on SQLite and, when ``TEST_DATABASE_URL`` names a
server, on a fresh PostgreSQL database (``tests/postgres.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import discord
import pytest

from bot.app import create_bot
from tests.inside import Inside, inside
from tests.postgres import fresh_database_url, requires_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=requires_postgres)])
async def settings(request, settings):
    """The root ``settings`` (a SQLite file), or the same pointing at a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield settings
        return
    async with fresh_database_url() as url:
        yield settings.model_copy(update={"database_url": url})


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
