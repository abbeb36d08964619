"""Where file-based reports (SARIF, JUnit, GitHub annotations, markdown) show a violation.

An import violation is shown at its first link: the import statement in the module
that is not allowed to depend on the other. A violation with no import behind it (a
module missing from an exhaustive layers contract, a third-party contract type's own
message) is shown at the contract's section in the configuration file, since that is
where it is fixed. Paths are relative to the working directory, with POSIX separators.

With a baseline (``contracts/baseline.toml``), a violation the baseline tolerates is not
an error in any format, and each stale or expired entry is shown at its line in the
baseline file, where it is fixed (:func:`baseline_problems`).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from importgate.model import BaselineEntry, CheckResult, ContractResult, Link, Violation


@dataclass(frozen=True, slots=True)
class Location:
    """A file and (when known) a 1-based line in it."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@functools.lru_cache(maxsize=4096)
def relative_path(path: str) -> str:
    """``path`` relative to the working directory when it lies below it (POSIX form)."""
    if not os.path.isabs(path):
        return path.replace(os.sep, "/")
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(Path.cwd().resolve())
        except (ValueError, OSError):
            return candidate.as_posix()
    return candidate.as_posix()


@functools.lru_cache(maxsize=16)
def _config_lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def contract_line(config_file: str, contract: ContractResult) -> int | None:
    """The line of ``contract``'s section in an INI or TOML configuration, if found.

    INI files (``.importlinter``, ``setup.cfg``) name the section
    ``[importlinter:contract:ID]``; TOML contracts carry ``id = "ID"`` (or only a name).
    Neither import-linter nor the standard library's readers keep line numbers, so the
    file is scanned for those two shapes.
    """
    lines = _config_lines(config_file)
    patterns = []
    if contract.id:
        ident = re.escape(contract.id)
        patterns.append(rf"^\s*\[\s*importlinter:contract:{ident}\s*\]")
        patterns.append(rf"^\s*id\s*=\s*[\"']{ident}[\"']")
    name = re.escape(contract.name)
    patterns.append(rf"^\s*name\s*[=:]\s*[\"']?{name}[\"']?\s*$")
    for pattern in patterns:
        compiled = re.compile(pattern)
        for number, line in enumerate(lines, start=1):
            if compiled.search(line):
                return number
    return None


def config_location(result: CheckResult, contract: ContractResult) -> Location | None:
    """The contract's place in the configuration file (None when no file was read)."""
    if not result.config_file:
        return None
    return Location(relative_path(result.config_file), contract_line(result.config_file, contract))


def primary_link(violation: Violation, contract: ContractResult | None = None) -> Link | None:
    """The import to show a violation at: for a cycle, the link the contract suggests
    removing (its ``cycle_breakers``); otherwise the first link that has a file."""
    located = [link for link in violation.chain if link.path]
    if contract is not None:
        breakers = {
            (entry["importer"], entry["imported"])
            for entry in contract.details.get("cycle_breakers") or ()
        }
        for link in located:
            if (link.importer, link.imported) in breakers:
                return link
    return located[0] if located else None


def violation_location(
    result: CheckResult, contract: ContractResult, violation: Violation
) -> Location | None:
    """Where to show ``violation``: its first import, else the file it is about (a module
    too long, one that must not exist), else the contract's configuration."""
    link = primary_link(violation, contract)
    if link is not None and link.path is not None:
        return Location(relative_path(link.path), link.line_number)
    if violation.path is not None:
        return Location(relative_path(violation.path), violation.line_number)
    return config_location(result, contract)


def link_location(link: Link) -> Location | None:
    """Where one import of a chain is (None when its file is unknown)."""
    if link.path is None:
        return None
    return Location(relative_path(link.path), link.line_number)


def chain_text(violation: Violation) -> str:
    """``a -> b (a.py:3) -> c (b.py:7)``: the chain on one line, each import located."""
    if not violation.chain:
        return ""
    parts = [violation.chain[0].importer]
    for link in violation.chain:
        where = link_location(link)
        parts.append(f"{link.imported} ({where})" if where else link.imported)
    return " -> ".join(parts)


def summary(violation: Violation) -> str:
    """The violation's message, or a message made from its two ends."""
    if violation.message:
        return violation.message
    if violation.importer and violation.imported:
        return f"{violation.importer} is not allowed to import {violation.imported}"
    return violation.importer or "contract broken"


def rule_ids(result: CheckResult) -> list[str]:
    """A unique, stable identifier per contract: its id, else a slug of its name."""
    seen: set[str] = set()
    ids = []
    for contract in result.contracts:
        base = contract.id or re.sub(r"[^A-Za-z0-9_.-]+", "-", contract.name).strip("-")
        base = base or contract.type
        ident, n = base, 2
        while ident in seen:
            ident, n = f"{base}-{n}", n + 1
        seen.add(ident)
        ids.append(ident)
    return ids


def uri_of(path: str) -> str:
    """A relative path as a URI reference (percent-encoded, POSIX separators)."""
    return quote(path.replace(os.sep, "/"))


def failing(contract: ContractResult) -> list[Violation]:
    """The violations of ``contract`` that break it: all but those the baseline tolerates."""
    return [violation for violation in contract.violations if violation.failing]


def baselined(contract: ContractResult) -> list[Violation]:
    """The violations of ``contract`` that a live baseline entry tolerates."""
    return [violation for violation in contract.violations if not violation.failing]


@dataclass(frozen=True, slots=True)
class BaselineProblem:
    """A stale or expired baseline entry, where it is and what to do with it."""

    entry: BaselineEntry
    where: Location
    message: str


def baseline_problems(result: CheckResult) -> list[BaselineProblem]:
    """Every baseline entry to act on, located at its ``[[violation]]`` line."""
    if result.baseline is None:
        return []
    path = relative_path(result.baseline.file)
    return [
        BaselineProblem(entry, Location(path, entry.line), message)
        for entry, message in result.baseline.entries_to_act_on()
    ]
