"""The sandbox: the real bot on a simulated server, its preview page, jumps and quitting."""

import asyncio
import io
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import simcord

from bot import sandbox as sandbox_module
from bot.sandbox import Sandbox, SandboxError, build_library, run_sandbox
from tests.inside import inside

DATA = Path(__file__).resolve().parent / "data"


def http(url: str, token: str | None, body: dict | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Simcord-Capability"] = token
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


async def test_the_sandbox_serves_its_page_and_a_learner_can_answer_after_a_jump(settings):
    sandbox = Sandbox(settings, build_library(settings.content_dir, DATA / "example_pack.yaml"), speed=0)
    await sandbox.start()
    try:
        base, token = sandbox.url.split("#", 1)
        assert base.startswith("http://127.0.0.1:")
        pages = base.rstrip("/") + "/api/pages"
        viewer = {"viewer_id": str(sandbox.learners[0].id)}
        assert await asyncio.to_thread(http, pages, token, viewer) == 200
        assert await asyncio.to_thread(http, pages, None, viewer) == 401

        assert sandbox.daily.last_message is None
        await sandbox.next_post()
        post = sandbox.daily.last_message
        assert post is not None and post.embeds[0].title.startswith("Daily question")
        labels = [c.label for row in post.components for c in row.children if getattr(c, "label", None)]
        if labels:
            result = await sandbox.learners[0].click(post, label=labels[0])
        else:  # a multiple-choice question: a menu
            result = await sandbox.learners[0].select(post, [post.components[0].children[0].options[0].value])
        assert result.acknowledged
        assert inside(sandbox.env.bot).library.pack(None, "example-heat") is not None
    finally:
        await sandbox.close()
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftover == []


def test_a_broken_extra_pack_stops_the_start_with_its_errors(settings):
    with pytest.raises(SandboxError) as excinfo:
        build_library(settings.content_dir, DATA / "bad" / "05_yes_as_text.yaml")
    assert "05_yes_as_text.yaml:3: title" in str(excinfo.value)


async def until(condition, timeout: float = 10.0) -> None:
    """Let the sandbox's own tasks run until `condition()` holds (or fail after `timeout`)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_failed_tick_is_reported_in_one_line_and_the_clock_keeps_going(settings, capsys, monkeypatch):
    sandbox = Sandbox(settings, build_library(settings.content_dir, None), speed=60, tick=0.02)
    await sandbox.start()
    try:
        env = sandbox.env
        real_advance, calls = env.advance_time, []

        async def overlapping_once(seconds):  # what SimCord raises when a tick meets a page action
            calls.append(seconds)
            if len(calls) == 1:
                raise simcord.SetupError("operation overlaps active preview.action")
            await real_advance(seconds)

        monkeypatch.setattr(env, "advance_time", overlapping_once)
        await until(lambda: len(calls) >= 1)
        after_failure = sandbox.now()
        await until(lambda: (sandbox.now() - after_failure).total_seconds() >= 5 * 60 * 0.02)
        assert sandbox._clock is not None and not sandbox._clock.done()
    finally:
        await sandbox.close()
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1, errors
    assert "clock" in errors[0] and "overlaps active preview.action" in errors[0] and "keeps running" in errors[0]


async def test_a_failed_jump_is_reported_and_the_keys_still_work(settings, capsys, monkeypatch):
    sandbox = Sandbox(settings, build_library(settings.content_dir, None), speed=0)
    await sandbox.start()
    try:

        async def overlapping(delta):
            raise simcord.SetupError("operation overlaps active preview.action")

        monkeypatch.setattr(sandbox, "advance", overlapping)
        await sandbox_module._read_keys(sandbox, io.StringIO("d\nx\nq\n"))
    finally:
        await sandbox.close()
    out, err = capsys.readouterr()
    (line,) = err.splitlines()  # one line, and `x` and `q` still worked after it
    assert line.startswith("That jump did not finish (SetupError: operation overlaps active preview.action); it is")
    assert "press Enter" in out


def test_quitting_after_a_handled_mistake_prints_one_line_and_exits_0(settings, tmp_path, capsys, monkeypatch):
    replies = []
    start = Sandbox.start

    async def start_then_mistype(self):
        await start(self)
        mistyped = await self.tutor.slash(
            self.daily, "challenge post", scenario="no-such-scenario", channel=self.daily, deadline="2d"
        )
        replies.append(mistyped.response.content)

    monkeypatch.setattr(Sandbox, "start", start_then_mistype)
    monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
    code = run_sandbox(settings, tmp_path / "sandbox.sqlite3", None, speed=0, open_browser=False)
    out, err = capsys.readouterr()
    assert replies and "no role-play `no-such-scenario`" in replies[0]  # the mistake was handled: a reply
    assert code == 0
    assert err == ""
    assert out.splitlines()[-1] == "Sandbox closed."
    assert out.splitlines()[-2].startswith("Keys")  # `q` printed the one line and nothing else


class Page:
    """One viewer's page of the sandbox's preview, driven over its HTTP API as the browser does."""

    def __init__(self, url: str, viewer_id: int) -> None:
        base, self.token = url.split("#", 1)
        self.base = base.rstrip("/")
        self.state = self._call("POST", "/api/pages", {"viewer_id": str(viewer_id)}, context=False)
        self.context = self.state["context"]["id"]
        self.sequence = 0

    def _call(self, method: str, path: str, body: dict | None = None, context: bool = True) -> dict:
        headers = {"Content-Type": "application/json", "X-Simcord-Capability": self.token}
        if context:
            headers["X-Simcord-Context"] = self.context
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def command(self, invocation: str) -> dict:
        return next(e for e in self._call("GET", "/api/commands")["entries"] if e["invocation"] == invocation)

    def act(self, kind: str, **fields) -> dict:
        self.sequence += 1
        body = {
            "protocol_version": 3,
            "sequence": self.sequence,
            "request_id": f"r{self.sequence}",
            "generation": self.state["context"]["generation"],
            "bot_generation": self.state["botGeneration"],
            "published_revision": self.state["publishedRevision"],
            "kind": kind,
            **fields,
        }
        result = self._call("POST", "/api/action", body)
        self.state = self._call("GET", "/api/state")
        return result

    def messages_with(self, text: str) -> list[dict]:
        return [m for m in self.state["messages"].values() if text in json.dumps(m)]


async def test_a_challenge_posted_from_the_page_lands_on_the_page_and_can_be_attempted_there(settings):
    sandbox = Sandbox(settings, build_library(settings.content_dir, None), speed=0)
    await sandbox.start()
    try:
        shown = str(sandbox.preview.channel.id)
        scenario, _ = sandbox.env.bot.svc.roleplay.scenarios(None)[0]
        tutor = await asyncio.to_thread(Page, sandbox.url, sandbox.tutor.id)
        post = await asyncio.to_thread(tutor.command, "challenge post")
        key = f"command:{post['commandId']}:challenge.post:option:channel"
        offered = await asyncio.to_thread(tutor.act, "browse_candidates", control_key=key, query="")
        assert [c["id"] for c in offered["result"]["candidate"]["entries"]] == [shown]  # only the shown channel

        options = {"scenario": scenario.id, "channel": shown, "deadline": "2d"}
        ran = await asyncio.to_thread(
            tutor.act,
            "run_command",
            command_id=post["commandId"],
            path=["challenge", "post"],
            schema_fingerprint=post["schemaFingerprint"],
            options=options,
        )
        assert not ran["rejected"] and ran["settlement"] == "settled"
        assert tutor.messages_with("Challenge posted")

        learner = await asyncio.to_thread(Page, sandbox.url, sandbox.learners[0].id)
        (challenge,) = learner.messages_with('"label": "Attempt"')
        assert challenge["channel_id"] == shown and scenario.title in challenge["embeds"][0]["title"]
        button = challenge["components"][0]["components"][0]
        clicked = await asyncio.to_thread(
            learner.act, "click", target_id=challenge["id"], control_key=button["control_key"]
        )
        assert not clicked["rejected"] and clicked["acknowledgement"] == "acknowledged"
        role_play = [m for m in learner.messages_with(scenario.customer.name) if m["ephemeral"]]
        assert len(role_play) == 1  # the learner sees the role-play's first step, privately
    finally:
        await sandbox.close()


async def test_the_sandbox_bot_has_a_proper_name(settings):
    sandbox = Sandbox(settings, build_library(settings.content_dir, None), speed=0)
    await sandbox.start()
    try:
        assert sandbox.env.bot.user.name == "Revision Bot"
        await sandbox.next_post()
        assert sandbox.daily.last_message.author.name == "Revision Bot"
        shown = await sandbox.preview.snapshot()  # what the page shows
        assert "TestBot" not in json.dumps(shown)
        assert "Revision Bot" in json.dumps(shown["entities"])
    finally:
        await sandbox.close()
