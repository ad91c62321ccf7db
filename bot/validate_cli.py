"""`python -m bot validate [PATH ...] [--json] [--strict]`: check content packs without running the bot.

It exits 0 when every pack is valid (warnings allowed, unless ``--strict``), 1 when there
are problems (with ``--strict``, warnings too) or no pack file was found, and 2 when a
path named does not exist (as for a bad setting or command line).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.packs import load_paths
from bot.ui.text import plural


def counts(pack) -> dict[str, int]:
    return {name: len(getattr(pack, name)) for name in ("questions", "myths", "scenarios", "terms", "criteria")}


def validate(paths: list[Path], as_json: bool, strict: bool = False, out=sys.stdout) -> int:
    """Errors always fail; the linter's warnings fail only with ``strict``."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"No such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    results = load_paths(paths, lint=True)
    if not results:
        print(f"No pack files (.yaml or .yml) in: {', '.join(map(str, paths))}", file=sys.stderr)
    errors = [e for r in results for e in r.errors]
    warnings = [w for r in results for w in r.warnings]
    if as_json:
        report: dict = {r.pack.pack: counts(r.pack) for r in results if r.pack}
        if errors:
            report["errors"] = [str(e) for e in errors]
        if warnings:
            report["warnings"] = [str(w) for w in warnings]
        print(json.dumps(report, indent=2), file=out)
    else:
        for e in errors:
            print(e, file=out)
        for w in warnings:
            print(f"{w} (warning)", file=out)
        valid = [r for r in results if r.pack]
        print(
            f"{len(valid)} of {plural(len(results), 'pack')} valid, {plural(len(errors), 'problem')}, "
            f"{plural(len(warnings), 'warning')}{' (--strict: warnings fail)' if strict and warnings else ''}.",
            file=out,
        )
    return 1 if errors or not results or (strict and warnings) else 0
