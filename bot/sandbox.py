"""`python -m bot sandbox`: the real bot against a simulated cohort server, in a browser.

SimCord (installed with the `sandbox` extra) plays Discord: a server with one text
channel, #daily-revision, a tutor and four learners. The bot ("Revision Bot") is the
one `create_bot` builds, with the shipped packs (plus `--pack`), on a database file.
SimCord's local preview shows #daily-revision (a preview shows one channel), so the
daily posts and the tutor's `/challenge post` both land where the page can see them;
the page can switch between the tutor and the learners. Time runs on its own
(`--speed` simulated seconds per real second); a tick that fails is reported in one
line and the clock carries on. The terminal takes a line at a time: `n`, `d` or `q`
followed by Enter (next post, one day, quit).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import webbrowser
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.app import RevisionBot, create_bot
from bot.packs.library import ContentLibrary
from bot.packs.loader import check_unique_ids, load_paths, read_pack_file
from bot.settings import Settings

if TYPE_CHECKING:  # SimCord is the optional `sandbox` extra: imported where it runs
    import simcord
    from simcord.preview import Preview

INSTALL_HINT = 'The sandbox needs SimCord\'s preview. Install it with:  pip install -e ".[sandbox]"'
BOT_NAME = "Revision Bot"
CHANNEL = "daily-revision"
LEARNERS = ("Amira", "Ben", "Chloe", "Dev")
DAY = timedelta(days=1)
KEYS_HELP = "Keys (type one, then press Enter): n = next post, d = one day, q = quit"


def warn(message: str) -> None:
    """One line on stderr: the sandbox reports a problem and keeps going."""
    print(message, file=sys.stderr, flush=True)


def one_line(exc: BaseException) -> str:
    """An exception as a short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class SandboxError(Exception):
    """The sandbox cannot start; the message says why."""


def build_library(content_dir: Path, extra_pack: Path | None) -> ContentLibrary:
    """The shipped packs plus an optional extra one, which must validate."""
    results = load_paths([content_dir]) if content_dir.exists() else []
    if extra_pack is not None:
        extra = read_pack_file(extra_pack)
        check_unique_ids([*results, extra])
        if extra.pack is None:
            raise SandboxError(
                "The pack has problems; the sandbox did not start:\n" + "\n".join(str(e) for e in extra.errors)
            )
        results.append(extra)
    return ContentLibrary([r.pack for r in results if r.pack])


@dataclass
class Sandbox:
    settings: Settings
    library: ContentLibrary
    speed: float = 60.0
    tick: float = 1.0  # real seconds between clock ticks
    env: simcord.Env | None = None
    preview: Preview | None = None
    tutor: simcord.MemberActor | None = None
    learners: list[simcord.MemberActor] = field(default_factory=list)
    daily: simcord.ChannelHandle | None = None
    _bot: RevisionBot | None = None
    _run: simcord.run | None = None
    _preview_cm: Preview | None = None
    _clock: asyncio.Task[None] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _env(self) -> simcord.Env:
        if self.env is None:
            raise SandboxError("The sandbox is not running.")
        return self.env

    def _preview(self) -> Preview:
        if self.preview is None:
            raise SandboxError("The sandbox's preview is not open.")
        return self.preview

    @property
    def url(self) -> str:
        return self._preview().url

    def now(self) -> datetime:
        """The simulated time."""
        return self._env().now()

    async def start(self) -> None:
        try:
            import simcord
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SandboxError(INSTALL_HINT) from exc
        self._bot = bot = create_bot(self.settings, library=self.library)
        # Not a test: the bot's errors are its own to report (user mistakes get their
        # ephemeral reply, unexpected ones are logged), so SimCord must not re-raise them
        # all as one ExceptionGroup when the sandbox closes.
        self._run = run = simcord.run(bot, check_errors=False, shard_count=None if bot.shard_count else 1)
        self.env = env = await run.__aenter__()
        import discord

        if bot.user is not None:  # SimCord's bot account is "TestBot" until renamed
            await bot.user.edit(username=BOT_NAME)
        guild = env.create_guild("Revision cohort (sandbox)")
        # The page shows one channel, so there is only one: a challenge posted
        # elsewhere could be neither seen nor attempted in the sandbox.
        self.daily = daily = guild.create_text_channel(CHANNEL)
        role = guild.create_role("Tutor", permissions=discord.Permissions(manage_guild=True))
        self.tutor = tutor = guild.add_member(env.create_user("Tutor Tess"), roles=[role])
        self.learners = [guild.add_member(env.create_user(name)) for name in LEARNERS]
        await tutor.slash(daily, "settings tutor-role", role=role)
        await tutor.slash(daily, "daily setup", channel=daily, time="09:00", timezone="Europe/London", days="daily")
        try:
            self._preview_cm = preview = env.preview(daily, viewers=[tutor, *self.learners], layout="channel")
            self.preview = await preview.__aenter__()
        except Exception as exc:  # the preview extra is missing
            await self.close()
            raise SandboxError(f"{INSTALL_HINT}\n({exc})") from exc
        if self.speed > 0:
            self._clock = asyncio.create_task(self._run_clock(), name="sandbox-clock")

    async def _run_clock(self) -> None:
        """Tick simulated time on. A tick can fail (SimCord refuses to advance time while a
        page action is running, for one): it is reported in one line and the clock goes on."""
        while True:
            await asyncio.sleep(self.tick)
            async with self._lock:
                try:
                    await self._env().advance_time(self.speed * self.tick)
                    await self._preview().refresh()
                except Exception as exc:  # the clock must outlive any one tick
                    warn(f"Sandbox clock: one tick was skipped ({one_line(exc)}); the clock keeps running.")

    async def advance(self, delta: timedelta) -> None:
        """Move simulated time on, a day at a time, and refresh the page."""
        async with self._lock:
            left = delta.total_seconds()
            while left > 0:
                step = min(left, DAY.total_seconds())
                await self._env().advance_time(step)
                left -= step
            await self._preview().refresh()

    async def next_post(self) -> None:
        now = self.now()
        if self._bot is None:
            raise SandboxError("The sandbox is not running.")
        due = await self._bot.svc.daily.next_due(now)
        await self.advance((due - now) + timedelta(seconds=1) if due else DAY)

    async def close(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            await asyncio.gather(self._clock, return_exceptions=True)
            self._clock = None
        try:
            if self._preview_cm is not None:
                preview, self._preview_cm, self.preview = self._preview_cm, None, None
                await preview.__aexit__(None, None, None)
        finally:
            if self.env is not None and self._run is not None:  # _run is set whenever env is
                env, run, self.env, self._run = self.env, self._run, None, None
                try:
                    await env.bot.close()  # closes the database
                finally:
                    await run.__aexit__(None, None, None)


def _lines(keys: TextIO) -> asyncio.Queue[str]:
    """The lines of `keys`, read on a daemon thread: a thread blocked on the terminal then
    never holds the exit up (an executor's would, so Ctrl+C hung until Enter)."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        line = "-"
        while line:
            line = keys.readline()
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop has closed: the sandbox is gone
                return

    threading.Thread(target=pump, name="sandbox-keys", daemon=True).start()
    return lines


async def _read_keys(sandbox: Sandbox, keys: TextIO | None = None) -> None:
    """Take the terminal's keys a line at a time (a key, then Enter) until `q` or end of input."""
    lines = _lines(keys or sys.stdin)
    while True:
        line = await lines.get()
        key = line.strip().lower()[:1]
        if not line or key == "q":
            return
        try:
            if key == "n":
                await sandbox.next_post()
                print(f"Jumped to the next post: {sandbox.now():%a %d %b %H:%M} UTC", flush=True)
            elif key == "d":
                await sandbox.advance(DAY)
                print(f"Jumped one day: {sandbox.now():%a %d %b %H:%M} UTC", flush=True)
            else:
                print(KEYS_HELP, flush=True)
        except Exception as exc:  # e.g. the jump overlapped a page action: say so, keep going
            warn(f"That jump did not finish ({one_line(exc)}); it is {sandbox.now():%a %d %b %H:%M} UTC. Try again.")


async def _main(settings: Settings, pack: Path | None, speed: float, open_browser: bool) -> None:
    sandbox = Sandbox(settings, build_library(settings.content_dir, pack), speed)
    await sandbox.start()
    try:
        print(f"Sandbox running. Database: {settings.database_path}")
        print(f"Open this page (it carries its own access token; loopback only):\n  {sandbox.url}")
        print(KEYS_HELP, flush=True)
        if open_browser:
            webbrowser.open(sandbox.url)
        await _read_keys(sandbox)
    finally:
        await sandbox.close()
        print("Sandbox closed.")


def run_sandbox(settings: Settings, database: Path | None, pack: Path | None, speed: float, open_browser: bool) -> int:
    try:
        import simcord.preview  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    if database is None:
        database = Path(tempfile.mkdtemp(prefix="revision-sandbox-")) / "sandbox.sqlite3"
    # always a SQLite file of its own: a DATABASE_URL set for the real bot must never
    # receive the simulated server's learners
    settings = settings.model_copy(update={"database_path": database, "database_url": None})
    try:
        asyncio.run(_main(settings, pack, speed, open_browser))
    except SandboxError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
