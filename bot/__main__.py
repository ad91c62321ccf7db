"""Command line: `python -m bot [run]`, `validate [PATH ...] [--json]`, `sandbox [--pack FILE]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="revision-bot", description="The cohort revision bot for Discord.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default); needs DISCORD_TOKEN")
    check = sub.add_parser(
        "validate",
        help="check content packs and print every problem",
        description="Check content packs and print every problem as FILE:LINE: field: message.",
        epilog="exit status: 0 every pack is valid; 1 problems found (with --strict, warnings too), "
        "or no pack file found; 2 a path does not exist, or a setting or option is wrong",
    )
    check.add_argument("paths", nargs="*", type=Path, help="pack files or folders (default: the content folder)")
    check.add_argument("--json", action="store_true", help="print each valid pack's counts as JSON")
    check.add_argument(
        "--strict", action="store_true", help="fail on the linter's warnings too (the shipped packs' bar)"
    )
    box = sub.add_parser("sandbox", help="try the bot in a browser against a simulated server (no token needed)")
    box.add_argument("--database", type=Path, help="keep progress in this SQLite file between runs")
    box.add_argument("--pack", type=Path, help="also load this content pack (it must validate)")
    box.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds per real second (default 60; 0 stops the clock)"
    )
    box.add_argument("--no-browser", action="store_true", help="print the page's address without opening it")
    args = parser.parse_args(argv)

    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            print(f"Setting {'.'.join(map(str, err['loc'])).upper()}: {err['msg']}", file=sys.stderr)
        return 2

    if args.command == "validate":
        from bot.validate_cli import validate

        return validate(args.paths or [settings.content_dir], args.json, args.strict)

    if args.command == "sandbox":
        from bot.sandbox import run_sandbox

        return run_sandbox(settings, args.database, args.pack, args.speed, not args.no_browser)

    from bot.runner import run

    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
