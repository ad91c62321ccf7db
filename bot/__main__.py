"""Command line: `python -m bot [run]`, `validate [PATH ...] [--json]`, `sandbox [--pack FILE]`,
`import FILE`, `export PACK --format F`, `migrate-db --from PATH --to URL`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS_IN = ("gift", "aiken", "moodle-xml", "delimited")
FORMATS_OUT = ("gift", "moodle-xml")


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
    bank_in = sub.add_parser(
        "import",
        help="turn a Moodle question bank (GIFT, Aiken, Moodle XML) or an Anki/Quizlet term list into a pack",
        description="Write the content pack a question bank becomes, and report what it could not hold.",
        epilog="exit status: 0 written; 1 the file cannot be read, nothing in it can be held, or the pack "
        "has errors; 2 the file does not exist or an option is wrong",
    )
    bank_in.add_argument("file", type=Path, help="the exported question bank or term list")
    bank_in.add_argument(
        "--format", choices=FORMATS_IN, help="the file's format (default: guessed from its name and content)"
    )
    bank_in.add_argument("--pack-id", help="the new pack's id (default: from the file name)")
    bank_in.add_argument("--out", type=Path, help="where to write the pack (default: PACK_ID.yaml beside the file)")
    bank_out = sub.add_parser(
        "export",
        help="write a pack's questions as GIFT or Moodle XML for a Moodle quiz",
        description="Write a pack's questions in a format Moodle imports; kinds the format cannot hold are listed.",
        epilog="exit status: 0 written; 1 the pack has errors or no question could be written; 2 no such pack",
    )
    bank_out.add_argument("pack", help="a pack file, or the id of a shipped pack")
    bank_out.add_argument("--format", choices=FORMATS_OUT, required=True, help="gift or moodle-xml")
    bank_out.add_argument("--out", type=Path, help="where to write it (default: PACK.gift or PACK.xml here)")
    move = sub.add_parser(
        "migrate-db",
        help="copy a SQLite database into an empty PostgreSQL database",
        description="Copy every table of the bot's SQLite file into an empty PostgreSQL database, in one "
        "transaction, and check the row counts of every table.",
        epilog="exit status: 0 copied; 1 the target already holds data, or the copy failed or its counts "
        "differ (nothing written); 2 the file is missing or not a bot database, or a database cannot be opened",
    )
    move.add_argument("--from", dest="source", type=Path, required=True, help="the bot's SQLite file")
    move.add_argument("--to", dest="target", required=True, help="the empty PostgreSQL database: postgresql://...")
    args = parser.parse_args(argv)

    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            where = ".".join(map(str, err["loc"])).upper()  # empty for a check across settings: it names them
            print(f"Setting {where}: {message}" if where else f"Settings: {message}", file=sys.stderr)
        return 2

    if args.command == "validate":
        from bot.validate_cli import validate

        return validate(args.paths or [settings.content_dir], args.json, args.strict)

    if args.command in ("import", "export"):
        from bot.bank_cli import export_file, import_file

        if args.command == "import":
            return import_file(args.file, args.format, args.pack_id, args.out)
        return export_file(args.pack, args.format, settings.content_dir, args.out)

    if args.command == "migrate-db":
        from bot.store.migrate_db import run as migrate_db

        return migrate_db(args.source, args.target)

    if args.command == "sandbox":
        from bot.sandbox import run_sandbox

        return run_sandbox(settings, args.database, args.pack, args.speed, not args.no_browser)

    from bot.runner import run

    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
