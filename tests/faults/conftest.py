"""Fault tests reuse the SimCord fixtures of the end-to-end tests (the real bot, a simulated Discord)."""

from tests.e2e.conftest import cohort, env, simcord_bot  # noqa: F401  (fixtures)
