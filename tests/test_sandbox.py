"""The sandbox: the real bot on a simulated server, its preview page, jumps and quitting."""

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, SandboxError, build_library
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
