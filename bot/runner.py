"""Run the bot for real: logging, the token, and clear one-line errors for operators."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import discord
from pydantic import SecretStr

from bot.app import create_bot
from bot.domain.errors import StoreError, StoreUnreachable
from bot.settings import Settings

log = logging.getLogger("bot")
T = TypeVar("T")


def configure_logging(level: str) -> None:
    discord.VoiceClient.warn_nacl = False  # a text-only bot: no voice warnings at start
    logging.basicConfig(
        level=level,
        stream=sys.stdout,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("discord.http").setLevel(max(logging.INFO, logging.getLevelName(level)))


def run(settings: Settings) -> int:
    token = settings.discord_token
    if token is None:
        print(
            "DISCORD_TOKEN is not set. Set it in the environment, or put the line "
            f"DISCORD_TOKEN=<your bot token> in a .env file in {Path.cwd()} (see .env.example).",
            file=sys.stderr,
        )
        return 2
    configure_logging(settings.log_level)
    try:
        run_loop(_start(settings, token), settings.event_loop)
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN. Copy the token again from the Bot page of your "
            "application in the Discord developer portal.",
            file=sys.stderr,
        )
        return 2
    except (OSError, discord.GatewayNotFound) as exc:  # aiohttp's connection errors are OSErrors
        print(f"Could not reach Discord ({exc}). Check the network connection and try again.", file=sys.stderr)
        return 1
    except StoreUnreachable as exc:
        print(f"Database problem: {exc}. Check DATABASE_URL (or DATABASE_PATH).", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"Database problem: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


async def _start(settings: Settings, token: SecretStr) -> None:
    bot = create_bot(settings)
    async with bot:
        await bot.open_store()  # a database that cannot be reached is said before Discord is asked
        await bot.login(token.get_secret_value())  # runs setup_hook: packs, cogs
        settle_heap()
        await bot.connect()


def loop_factory(wanted: str = "uvloop") -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop the bot runs on: uvloop's unless ``wanted`` is "asyncio" or uvloop is
    not installed (it has no Windows build); None means asyncio's own. uvloop schedules
    callbacks and wakes tasks in C, which is most of what a burst of clicks asks of the
    loop (benchmarks/burst.py: about 5% more answers per second)."""
    if wanted == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        log.info("uvloop is not installed: running on asyncio's own event loop")
        return None
    return uvloop.new_event_loop


def run_loop(main: Coroutine[Any, Any, T], wanted: str = "uvloop") -> T:
    """``asyncio.run(main)`` on the loop ``loop_factory`` picks (the benchmarks use this too,
    so they measure the loop the bot runs on)."""
    with asyncio.Runner(loop_factory=loop_factory(wanted)) as runner:
        return runner.run(main)


def settle_heap() -> None:
    """Once start-up has loaded everything that lives as long as the process (imports, the
    content packs, the services), move it out of the cyclic garbage collector's way: a
    full collection otherwise rescans all of it, a ~25 ms pause that lands in the middle
    of whichever burst of clicks is running (benchmarks/burst.py saw one in every few
    bursts). Objects made later are collected as usual."""
    gc.collect()
    gc.freeze()
