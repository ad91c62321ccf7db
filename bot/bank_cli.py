"""`python -m bot import FILE` and `python -m bot export PACK`: question banks in and out.

``import`` writes the pack a GIFT, Aiken, Moodle XML or delimited file becomes, reports
every question it could not hold with its line, and lists the linter's findings (the
stand-ins to write first). ``export`` writes a pack as GIFT or Moodle XML for a Moodle
quiz. Both exit 0 when done, 1 when the input cannot be read or nothing could be written,
2 for a missing file or a bad option.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.packs import load_paths, parse_pack, read_pack_file
from bot.packs.formats.bank import Unreadable
from bot.packs.formats.convert import EXTENSIONS, export_pack, import_bank
from bot.ui.text import plural


def import_file(
    path: Path, fmt: str | None, pack_id: str | None, out_path: Path | None, out: TextIO = sys.stdout
) -> int:
    if not path.is_file():
        print(f"No such file: {path}", file=sys.stderr)
        return 2
    try:
        imported = import_bank(path.read_bytes(), path.name, fmt, pack_id)
    except Unreadable as exc:
        print(f"{path}:{exc.line}: {exc.message}", file=sys.stderr)
        return 1
    target = out_path or path.with_name(f"{imported.converted.data['pack']}.yaml")
    if target.resolve() == path.resolve():
        print(f"Refusing to write the pack over its source {path}; give --out", file=sys.stderr)
        return 2
    target.write_text(imported.yaml_text, encoding="utf-8")
    c = imported.converted
    print(
        f"{path} (read as {imported.format}): {plural(c.questions, 'question')} and {plural(c.terms, 'term')} "
        f"written to {target} as pack {c.data['pack']!r}.",
        file=out,
    )
    for skipped in c.skipped:
        print(f"{path}:{skipped.line or 1}: not imported: {skipped.what}: {skipped.why}", file=out)
    result = parse_pack(imported.yaml_text, str(target), lint=True)
    for problem in result.errors:
        print(problem, file=out)
    for warning in result.warnings:
        print(f"{warning} (warning)", file=out)
    print(
        f"{plural(len(c.skipped), 'thing')} not imported; {plural(len(result.warnings), 'warning')} to look at "
        f"before learners see it (`python -m bot validate --strict {target}`).",
        file=out,
    )
    return 1 if result.errors else 0


def export_file(pack_ref: str, fmt: str, content_dir: Path, out_path: Path | None, out: TextIO = sys.stdout) -> int:
    path = Path(pack_ref)
    if path.is_file():
        result = read_pack_file(path)
        if result.pack is None:
            for problem in result.errors:
                print(problem, file=sys.stderr)
            return 1
        pack = result.pack
    else:
        shipped = {r.pack.pack: r.pack for r in load_paths([content_dir]) if r.pack}
        if pack_ref not in shipped:
            known = ", ".join(sorted(shipped)) or "none"
            print(f"No pack file or shipped pack {pack_ref!r} (shipped: {known})", file=sys.stderr)
            return 2
        pack = shipped[pack_ref]
    written = export_pack(pack, fmt)
    target = out_path or Path(f"{pack.pack}{EXTENSIONS[fmt]}")
    target.write_text(written.text, encoding="utf-8")
    print(f"Pack {pack.pack!r}: {plural(written.questions, 'question')} written to {target} as {fmt}.", file=out)
    for s in written.left_out:
        print(f"not exported: {s.what}: {s.why}", file=out)
    return 0 if written.questions else 1
