"""Read and write ``contracts/baseline.toml``, the ratchet's list of known violations.

The file is an array of tables, one ``[[violation]]`` per entry, sorted so that a
re-recorded baseline diffs cleanly in review::

    [[violation]]
    contract = "layers"
    importer = "shop.low"
    imported = "shop.high"
    fingerprint = "3f9c0a1b2d4e5f60"
    reason = "legacy import, see TICKET-12"
    expires = 2026-12-31

It is read with :mod:`tomllib`. The writer is our own: the shape is flat (strings and
one date), and a dozen lines keep the file's comments and field order under our control
without a new dependency for TOML output.
"""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from importgate.model import BaselineEntry, CouldNotRun

DEFAULT_PATH = Path("contracts") / "baseline.toml"

_REQUIRED = ("contract", "importer", "imported", "fingerprint", "reason")
_HEADER_RE = re.compile(r"^\s*\[\[\s*violation\s*\]\]")
_FIX = (
    "Fix the entry by hand, or delete the file and record it again with "
    '`importgate baseline --reason "..."`.'
)

HEADER = """\
# importgate's ratchet: violations `importgate check` tolerates until they are fixed.
# Recorded with `importgate baseline --reason "..."`. When a violation is fixed, delete its
# entry (or run `importgate baseline --prune`); `check` fails on stale and expired entries.
"""


def _header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if _HEADER_RE.match(line)]


def _parse_date(value: Any, where: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        raise CouldNotRun(f"{where}: 'expires' must be a date (YYYY-MM-DD), not a time.", hint=_FIX)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise CouldNotRun(f"{where}: 'expires' must be a date YYYY-MM-DD, got {value!r}.", hint=_FIX)


def _entry(raw: Any, where: str, line: int | None) -> BaselineEntry:
    if not isinstance(raw, dict):
        raise CouldNotRun(f"{where}: expected a [[violation]] table.", hint=_FIX)
    missing = [name for name in _REQUIRED if name not in raw]
    unknown = sorted(set(raw) - {*_REQUIRED, "expires"})
    if missing or unknown:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown key {', '.join(unknown)}"] if unknown else []
        raise CouldNotRun(f"{where}: {'; '.join(problems)}.", hint=_FIX)
    wrong = [name for name in _REQUIRED if not isinstance(raw[name], str)]
    if wrong:
        raise CouldNotRun(f"{where}: {', '.join(wrong)} must be text (quoted).", hint=_FIX)
    if not raw["reason"].strip():
        raise CouldNotRun(f"{where}: 'reason' is empty; say why the violation is tolerated.")
    return BaselineEntry(
        contract=raw["contract"],
        importer=raw["importer"],
        imported=raw["imported"],
        fingerprint=raw["fingerprint"],
        reason=raw["reason"],
        expires=_parse_date(raw.get("expires"), where),
        line=line,
    )


def read_baseline(path: Path) -> list[BaselineEntry]:
    """The entries of ``path``; :class:`CouldNotRun` naming the line or entry if malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CouldNotRun(
            f"Cannot read the baseline {path}: {error.strerror or error}.",
            hint="Make it a readable file, or point --baseline at another one.",
        ) from error
    except UnicodeDecodeError as error:
        raise CouldNotRun(f"The baseline {path} is not UTF-8 text: {error}.", hint=_FIX) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CouldNotRun(f"The baseline {path} is not valid TOML: {error}.", hint=_FIX) from error
    unknown = sorted(set(data) - {"violation"})
    if unknown:
        raise CouldNotRun(
            f"The baseline {path} has unknown top-level key(s) {', '.join(unknown)}; "
            "it holds only [[violation]] entries.",
            hint=_FIX,
        )
    raw_entries = data.get("violation", [])
    if not isinstance(raw_entries, list):
        raise CouldNotRun(f"The baseline {path}: 'violation' must be [[violation]] tables.")
    lines = _header_lines(text)
    entries: list[BaselineEntry] = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(raw_entries):
        line = lines[index] if index < len(lines) else None
        where = f"{path}:{line or '?'} (entry {index + 1})"
        entry = _entry(raw, where, line)
        if entry.key in seen:
            raise CouldNotRun(
                f"{where}: repeats entry {seen[entry.key]} (same contract and fingerprint).",
                hint="Delete one of the two.",
            )
        seen[entry.key] = index + 1
        entries.append(entry)
    return entries


def _string(value: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also forbids a raw DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def render_baseline(entries: Iterable[BaselineEntry]) -> str:
    """The file's text: a header comment, then the entries in a stable order."""
    blocks = [HEADER]
    ordered = sorted(entries, key=lambda e: (e.contract, e.importer, e.imported, e.fingerprint))
    for entry in ordered:
        lines = ["[[violation]]"]
        for name in _REQUIRED:
            lines.append(f"{name} = {_string(getattr(entry, name))}")
        if entry.expires:
            lines.append(f"expires = {entry.expires.isoformat()}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def write_baseline(path: Path, entries: Iterable[BaselineEntry]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_baseline(entries), encoding="utf-8")
    except OSError as error:
        raise CouldNotRun(
            f"Cannot write the baseline {path}: {error.strerror or error}."
        ) from error
