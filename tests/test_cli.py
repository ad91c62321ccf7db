"""The command line as an operator meets it."""

import asyncio
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args, env_extra=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"} | (env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env | {"PYTHONPATH": str(ROOT)},
        timeout=60,
    )


def test_without_a_token_it_says_what_to_set_and_exits_2(tmp_path):
    result = run(cwd=tmp_path)  # no .env there
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and ".env" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_setting_is_one_clear_line(tmp_path):
    result = run(env_extra={"LOG_LEVEL": "LOUD"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "LOG_LEVEL" in result.stderr and "Traceback" not in result.stderr


def test_validate_prints_counts_as_json_for_the_shipped_packs():
    result = run("validate", "--json")
    assert result.returncode == 0, result.stdout
    counts = json.loads(result.stdout)
    assert len(counts) == 5 and "errors" not in counts
    assert all(c["questions"] >= 30 for c in counts.values())


def test_validate_reports_problems_and_exits_1():
    bad = ROOT / "tests" / "data" / "bad" / "05_yes_as_text.yaml"
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: title: expected text" in result.stdout
    as_json = json.loads(run("validate", "--json", str(bad)).stdout)
    assert as_json["errors"] and as_json["errors"][0].startswith(f"{bad}:3:")


def test_validate_names_a_missing_path():
    result = run("validate", "no/such/pack.yaml")
    assert result.returncode == 2 and "No such file" in result.stderr


EXAMPLE = ROOT / "tests" / "data" / "example_pack.yaml"


def test_validate_exits_0_for_valid_packs_1_for_problems_and_2_for_what_cannot_be_read(tmp_path):
    warned = tmp_path / "warned.yaml"  # valid, with a linter warning: no question at difficulty 3
    warned.write_text(EXAMPLE.read_text().replace("difficulty: 3", "difficulty: 2"))
    (tmp_path / "empty").mkdir()
    cases = [
        (["validate", str(EXAMPLE)], 0, "1 of 1 pack valid, 0 problems, 0 warnings."),
        (["validate", str(warned)], 0, "1 warning."),
        (["validate", "--strict", str(warned)], 1, "(--strict: warnings fail)"),
        (["validate", str(ROOT / "tests" / "data" / "bad" / "11_one_option.yaml")], 1, "at least 2 options"),
        (["validate", str(tmp_path / "empty")], 1, "No pack files (.yaml or .yml) in:"),
        (["validate", str(tmp_path / "missing.yaml")], 2, "No such file or folder:"),
        (["validate", "--no-such-option"], 2, "unrecognized arguments"),
    ]
    for args, code, text in cases:
        result = run(*args, cwd=tmp_path)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert text in result.stdout + result.stderr, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr


def test_one_validate_run_reports_a_schema_error_and_the_answer_out_of_range_together(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        (ROOT / "tests" / "data" / "bad" / "11_one_option.yaml").read_text().replace("answer: 0", "answer: 3")
    )
    result = run("validate", str(pack), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        f"{pack}:12: questions[0].options: a `single` question needs at least 2 options; this one has 1",
        f"{pack}:13: questions[0].answer: answer 3 is not an option index (the only option is 0)",
    ]
    assert "0 of 1 pack valid, 2 problems" in result.stdout


def test_the_readme_validate_examples_exist_and_its_exit_statuses_are_the_real_ones():
    """Each path in the README's validate commands exists and validates; the exit
    statuses it lists are those the tests above see."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Content packs") :]
    block = section[section.index("```bash") : section.index("```", section.index("```bash") + 3)]
    commands = [line.split("#")[0].split() for line in block.splitlines() if "python -m bot validate" in line]
    assert commands
    from bot.validate_cli import validate

    for command in commands:
        paths = [ROOT / arg for arg in command[4:] if not arg.startswith("--")]
        assert all(p.exists() for p in paths), command
        if paths:
            assert validate(paths, as_json=False, out=io.StringIO()) == 0, command
    for status in ("| 0 |", "| 1 |", "| 2 |"):
        assert status in section
    assert "No such file or folder" in section and "--strict" in section


async def test_a_token_discord_rejects_is_one_clear_line_and_exit_2(tmp_path):
    """The real runner and discord.py's real login, against a local stand-in for Discord's
    API that answers the token check as Discord does for a wrong token (401)."""
    from aiohttp import web

    async def users_me(request):
        assert request.headers["Authorization"] == "Bot not-a-real-token"
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", users_me)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    start = (
        "import sys, discord.http; discord.http.Route.BASE = sys.argv[1]; "
        "from bot.__main__ import main; sys.exit(main(['run']))"
    )
    env = {k: v for k, v in os.environ.items()} | {
        "DISCORD_TOKEN": "not-a-real-token",
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            start,
            f"http://127.0.0.1:{port}/api/v10",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        await runner.cleanup()
    assert proc.returncode == 2
    assert err.decode().strip() == (
        "Discord rejected DISCORD_TOKEN. Copy the token again from the Bot page of your "
        "application in the Discord developer portal."
    )
    assert "Traceback" not in out.decode() + err.decode()


def test_once_started_what_is_alive_is_kept_out_of_the_collectors_scans():
    import gc

    from bot.runner import settle_heap

    assert gc.get_freeze_count() == 0
    try:
        settle_heap()
        assert gc.get_freeze_count() > 1000  # imports and everything loaded so far
        assert gc.isenabled()  # objects made later are still collected
    finally:
        gc.unfreeze()  # the rest of the suite starts many bots in this process


def test_the_bot_runs_on_uvloop_unless_told_to_use_asyncio(monkeypatch):
    import asyncio

    import pytest

    from bot.runner import loop_factory, run_loop
    from bot.settings import Settings

    uvloop = pytest.importorskip("uvloop")

    async def loop_kind() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert Settings(_env_file=None).event_loop == "uvloop"
    assert loop_factory() is uvloop.new_event_loop
    assert run_loop(loop_kind()).startswith("uvloop")
    assert loop_factory("asyncio") is None
    assert run_loop(loop_kind(), "asyncio") == "asyncio.unix_events"
    monkeypatch.setenv("EVENT_LOOP", " AsyncIO ")
    assert Settings(_env_file=None).event_loop == "asyncio"
    monkeypatch.setenv("EVENT_LOOP", " ")  # blank is unset, as for the other settings
    assert Settings(_env_file=None).event_loop == "uvloop"
    monkeypatch.setitem(__import__("sys").modules, "uvloop", None)  # not installed (Windows)
    assert loop_factory() is None


def test_an_unknown_event_loop_setting_is_one_clear_line(tmp_path):
    result = run(env_extra={"EVENT_LOOP": "trio"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "EVENT_LOOP" in result.stderr and "Traceback" not in result.stderr


def test_import_writes_a_pack_beside_the_file_and_names_what_it_left_out(tmp_path):
    bank = tmp_path / "complaints_bank.gift"
    bank.write_bytes((ROOT / "tests" / "data" / "formats" / "e2e" / "complaints_bank.gift").read_bytes())
    result = run("import", str(bank))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{bank} (read as gift): 3 questions and 0 terms written to {tmp_path / 'complaints-bank.yaml'} "
        "as pack 'complaints-bank'."
    )
    assert (
        f"{bank}:21: not imported: matching question 'Match the terms': the bot has no matching kind" in result.stdout
    )
    assert "awarding_body: still the importer's stand-in text: name the awarding body (warning)" in result.stdout
    checked = run("validate", str(tmp_path / "complaints-bank.yaml"))
    assert checked.returncode == 0 and "1 of 1 pack valid" in checked.stdout


def test_import_of_an_unreadable_file_is_one_line_and_exit_1(tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("::Q1:: Which Act covers faulty goods? {\n=The Consumer Rights Act 2015\n")
    result = run("import", str(bank))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bank}:1: ") and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bank.yaml").exists()
    assert run("import", str(tmp_path / "missing.gift")).returncode == 2


def test_export_writes_gift_and_xml_that_import_back(tmp_path):
    for fmt, suffix in (("gift", ".gift"), ("moodle-xml", ".xml")):
        out = tmp_path / f"focus{suffix}"
        result = run("export", "focus-l2-complaints", "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Pack 'focus-l2-complaints': ") and str(out) in result.stdout
        back = run("import", str(out), "--pack-id", f"focus-{fmt}", "--out", str(tmp_path / f"{fmt}.yaml"))
        assert back.returncode == 0, back.stdout + back.stderr
    assert run("export", "no-such-pack", "--format", "gift").returncode == 2


def test_a_postgres_server_that_refuses_the_connection_is_one_line_and_exit_2(tmp_path):
    url = "postgresql://bot:s3cret@127.0.0.1:9/revision"  # port 9: nothing listens
    result = run(env_extra={"DATABASE_URL": url, "DISCORD_TOKEN": "not-a-real-token"}, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Database problem: cannot open the database postgresql://bot:***@127.0.0.1:9/revision")
    assert line.endswith("Check DATABASE_URL (or DATABASE_PATH).") and "s3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_database_url_that_is_not_postgres_is_refused_as_a_setting(tmp_path):
    result = run(env_extra={"DATABASE_URL": "mysql://bot@db/revision", "DISCORD_TOKEN": "x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Setting DATABASE_URL: use a postgresql:// URL, or leave it unset for the SQLite file at DATABASE_PATH"
    )


def test_every_setting_is_in_the_readme_table_and_the_env_example():
    from bot.settings import Settings

    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"| `{name.upper()}` |" in readme, f"{name.upper()} is missing from the README's settings table"
        assert f"{name.upper()}=" in example, f"{name.upper()} is missing from .env.example"


def test_the_procfiles_sharded_pair_covers_every_shard_once_on_one_database():
    """Each Procfile process's settings are valid (with the DATABASE_URL the platform sets),
    and the shard processes split the shards between them with none left out."""
    import re
    import shlex

    from bot.settings import Settings

    processes = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert processes["worker"].strip() == "python -m bot"
    held: list[int] = []
    counts = set()
    for name in ("shard0", "shard1"):
        words = shlex.split(processes[name])
        assignments = dict(w.split("=", 1) for w in words if re.match(r"^[A-Z_]+=", w))
        assert words[len(assignments) :] == ["python", "-m", "bot"]
        settings = Settings(
            _env_file=None, database_url="postgresql://bot@db/bot", **{k.lower(): v for k, v in assignments.items()}
        )
        assert settings.process_name == name
        counts.add(settings.shard_count)
        held.extend(settings.shards.ids or ())
    assert len(counts) == 1 and sorted(held) == list(range(counts.pop()))


def test_shard_settings_that_cannot_work_are_one_clear_line_each(tmp_path):
    result = run(env_extra={"DISCORD_TOKEN": "x", "SHARD_IDS": "0-1"}, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "Settings: SHARD_IDS needs SHARD_COUNT, the number of shards over all the processes"
    result = run(env_extra={"DISCORD_TOKEN": "x", "SHARD_COUNT": "4", "SHARD_IDS": "2-3"}, cwd=tmp_path)
    assert result.returncode == 2 and "must share one database: set DATABASE_URL" in result.stderr
