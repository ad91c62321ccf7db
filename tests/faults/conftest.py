"""Fault tests reuse the SimCord fixtures of the end-to-end tests (the real bot, a simulated
Discord), on each database (``settings``: SQLite, and PostgreSQL when there is a server)."""

from tests.e2e.conftest import cohort, env, settings, simcord_bot  # noqa: F401  (fixtures)
