"""Results of a check: links, violations, contract results and the whole run.

These are the types the JSON document (see ``docs/json-report.md``) is written from,
so their field names are part of importgate's stable interface.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from importgate.model.baseline import BaselineReport, BaselineStatus
from importgate.model.diagram import Diagram

FINGERPRINT_LENGTH = 16

# json.dumps(parts, ensure_ascii=False) makes a new encoder on every call; the same
# settings, made once (a report fingerprints every violation).
_FINGERPRINT_JSON = json.JSONEncoder(ensure_ascii=False)

VIOLATIONS_KEY = "importgate_violations"
"""Metadata key under which a contract type hands importgate a list of :class:`Violation`.

Any import-linter contract type may put ready-made violations in its
``ContractCheck.metadata`` under this key; importgate then reports them as they are
instead of translating the metadata itself.
"""

DETAILS_KEY = "importgate_details"
"""Metadata key for a mapping of extra findings a contract type wants in ``details``.

The mapping must be JSON-ready (strings, numbers, lists, mappings); importgate merges it
into :attr:`ContractResult.details`.
"""


class ImportKind(enum.StrEnum):
    """Where an import statement sits, which decides when it runs."""

    RUNTIME = "runtime"
    """At module level: runs when the importing module is imported."""

    DEFERRED = "deferred"
    """Inside a function or method body: runs only when that code is called."""

    TYPING = "typing"
    """Under ``if TYPE_CHECKING:``: never runs, read by type checkers only."""

    UNKNOWN = "unknown"
    """The source line could not be located (e.g. a graph built by hand)."""


@dataclass(frozen=True, slots=True)
class Link:
    """One direct import: ``importer`` imports ``imported`` at ``path:line_number``.

    ``line_numbers`` holds every line where the same import pair occurs (a module may
    import another several times); ``line_number`` is the first of them and
    ``line_contents`` is the text of that line.
    """

    importer: str
    imported: str
    path: str | None = None
    line_number: int | None = None
    line_contents: str = ""
    line_numbers: tuple[int, ...] = ()
    kind: ImportKind = ImportKind.UNKNOWN

    @property
    def location(self) -> str:
        """``path:LINE`` (or the module name when the file is unknown)."""
        where = self.path or self.importer
        line = "?" if self.line_number is None else str(self.line_number)
        return f"{where}:{line}"

    def describe(self) -> str:
        """The one-line explanation used by every text report: location, then the code."""
        code = self.line_contents or f"(import of {self.imported})"
        extra = ""
        if len(self.line_numbers) > 1:
            others = ", ".join(str(n) for n in self.line_numbers[1:])
            extra = f"  (also line {others})"
        kind = "" if self.kind in (ImportKind.RUNTIME, ImportKind.UNKNOWN) else f"  [{self.kind}]"
        return f"{self.location}  {code}{extra}{kind}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "importer": self.importer,
            "imported": self.imported,
            "path": self.path,
            "line_number": self.line_number,
            "line_contents": self.line_contents,
            "line_numbers": list(self.line_numbers),
            "kind": str(self.kind),
        }


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason a contract is broken.

    For import violations, ``importer`` / ``imported`` name the two modules (or packages)
    the contract forbids to be connected, and ``chain`` is the path of direct imports
    that connects them, first link from ``importer``. Violations that are not about an
    import path (for example a module missing from an exhaustive layers contract) have
    an empty chain and say what is wrong in ``message``.

    ``path`` and ``line_number`` locate a violation that is about a file rather than an
    import (a module too long, a module that must not exist, a name no longer exported);
    ``notes`` are extra lines that explain it (e.g. the slowest imports of a module).
    """

    importer: str | None
    imported: str | None
    chain: tuple[Link, ...] = ()
    message: str = ""
    fingerprint: str = ""
    """Set by the check: see :meth:`fingerprint_for`."""
    baseline: str | None = None
    """A :class:`BaselineStatus` when a baseline file is in use, else None."""
    path: str | None = None
    line_number: int | None = None
    notes: tuple[str, ...] = ()

    def fingerprint_for(self, contract: str) -> str:
        """A short hash naming this violation of ``contract``, free of line numbers.

        It covers the contract, the two ends, and for each link of the chain the two
        modules and the stripped import line, so moving code within a file keeps it. A
        violation without a chain is named by its ends (a module over a size limit stays
        the same violation as it grows), or by its message when it has neither.
        """
        parts: list[Any] = [contract, self.importer or "", self.imported or ""]
        parts.extend(
            [link.importer, link.imported, link.line_contents.strip()] for link in self.chain
        )
        if not (self.chain or self.importer or self.imported):
            parts.append(self.message)
        encoded = _FINGERPRINT_JSON.encode(parts).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()[:FINGERPRINT_LENGTH]

    @property
    def failing(self) -> bool:
        """True unless a live baseline entry tolerates this violation."""
        return self.baseline != BaselineStatus.BASELINED

    @property
    def location(self) -> str | None:
        """``path:LINE``, ``path`` or None."""
        if self.path is None:
            return None
        return self.path if self.line_number is None else f"{self.path}:{self.line_number}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "importer": self.importer,
            "imported": self.imported,
            "message": self.message,
            "chain": [link.to_dict() for link in self.chain],
            "fingerprint": self.fingerprint,
            "baseline": self.baseline,
            "path": self.path,
            "line_number": self.line_number,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class ContractResult:
    """The verdict on one contract, with everything needed to explain it."""

    id: str | None
    name: str
    type: str
    kept: bool
    violations: tuple[Violation, ...] = ()
    warnings: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    duration_ms: int = 0

    @property
    def key(self) -> str:
        """How the baseline names this contract: its id, else its name."""
        return self.id or self.name

    @property
    def baselined_count(self) -> int:
        return sum(1 for violation in self.violations if not violation.failing)

    @property
    def status(self) -> str:
        """``kept``, ``broken``, or ``baselined`` (broken only by baselined violations)."""
        if self.kept:
            return "kept"
        if self.violations and not any(v.failing for v in self.violations):
            return "baselined"
        return "broken"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "kept": self.kept,
            "status": self.status,
            "baselined_count": self.baselined_count,
            "violations": [violation.to_dict() for violation in self.violations],
            "warnings": list(self.warnings),
            "details": dict(self.details),
            "duration_ms": self.duration_ms,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one ``importgate check`` run."""

    contracts: tuple[ContractResult, ...]
    root_packages: tuple[str, ...] = ()
    config_file: str | None = None
    module_count: int = 0
    import_count: int = 0
    graph_duration_ms: int = 0
    diagrams: tuple[Diagram, ...] = ()
    """Pictures of the root packages with the breaking imports marked, for reports that
    embed a diagram (``--format markdown``); empty unless the command drew them."""
    baseline: BaselineReport | None = None
    """The ratchet's verdict when a baseline file is in use."""

    @property
    def kept(self) -> int:
        return sum(1 for contract in self.contracts if contract.kept)

    @property
    def broken(self) -> int:
        """Contracts broken by at least one violation that no baseline entry tolerates."""
        return sum(1 for contract in self.contracts if contract.status == "broken")

    @property
    def baselined(self) -> int:
        """Contracts broken only by violations listed in the baseline."""
        return sum(1 for contract in self.contracts if contract.status == "baselined")

    @property
    def passed(self) -> bool:
        return self.broken == 0 and (self.baseline is None or self.baseline.passed)
