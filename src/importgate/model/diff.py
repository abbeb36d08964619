"""The outcome of ``importgate diff``: what a change does to the architecture.

Built by :mod:`importgate.engine.diff` from two checked snapshots (base and head) and
rendered by the ``importgate.report.diff_*`` writers. Like :mod:`.results`, nothing here
touches a graph, so a diff can be built and rendered in tests without git.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from importgate.model.results import Link, Violation


@dataclass(frozen=True, slots=True)
class DiffSide:
    """One side of the diff: which tree was checked and how it fared."""

    label: str
    """``base`` or ``head``."""
    revision: str
    """What the user asked for (``main``, ``HEAD~1``) or ``working tree``."""
    commit: str | None
    """The full commit id, or None for the working tree."""
    root_packages: tuple[str, ...] = ()
    config_file: str | None = None
    module_count: int = 0
    import_count: int = 0
    kept: int = 0
    broken: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "revision": self.revision,
            "commit": self.commit,
            "root_packages": list(self.root_packages),
            "config_file": self.config_file,
            "module_count": self.module_count,
            "import_count": self.import_count,
            "kept": self.kept,
            "broken": self.broken,
        }


@dataclass(frozen=True, slots=True)
class EdgeChange:
    """A dependency between two (depth-collapsed) modules that appeared or went away.

    ``imports`` are the direct module imports behind it, taken from the side where the
    dependency exists (head for an added one, base for a removed one).
    """

    importer: str
    imported: str
    imports: tuple[Link, ...] = ()
    breaking: bool = False
    """True when an import behind it is part of a new violation."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "importer": self.importer,
            "imported": self.imported,
            "breaking": self.breaking,
            "imports": [link.to_dict() for link in self.imports],
        }


@dataclass(frozen=True, slots=True)
class ContractChange:
    """One contract on both sides. ``None`` means the contract is absent on that side."""

    id: str | None
    name: str
    type: str
    base_kept: bool | None
    head_kept: bool | None
    new_violations: tuple[Violation, ...] = ()
    fixed_violations: tuple[Violation, ...] = ()

    @property
    def status(self) -> str:
        """``newly broken``, ``newly kept``, ``still broken``, ``still kept``, ``added``
        or ``removed``."""
        if self.base_kept is None:
            return "added"
        if self.head_kept is None:
            return "removed"
        if self.base_kept and not self.head_kept:
            return "newly broken"
        if not self.base_kept and self.head_kept:
            return "newly kept"
        return "still kept" if self.head_kept else "still broken"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "status": self.status,
            "base_kept": self.base_kept,
            "head_kept": self.head_kept,
            "new_violations": [v.to_dict() for v in self.new_violations],
            "fixed_violations": [v.to_dict() for v in self.fixed_violations],
        }


def is_cycle(violation: Violation) -> bool:
    """A violation that is an import cycle (as the ``acyclic`` contract reports them)."""
    chain = violation.chain
    return (
        bool(chain)
        and violation.importer == violation.imported
        and chain[0].importer == chain[-1].imported
    )


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Everything ``importgate diff`` reports."""

    base: DiffSide
    head: DiffSide
    depth: int
    added_edges: tuple[EdgeChange, ...] = ()
    removed_edges: tuple[EdgeChange, ...] = ()
    breaking_edges: tuple[tuple[str, str], ...] = ()
    """Collapsed dependencies that carry a new violation (added or already there)."""
    contracts: tuple[ContractChange, ...] = ()
    layers: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    """Node -> (layer index from the bottom, caption), from the layers contracts."""

    @property
    def newly_broken(self) -> tuple[ContractChange, ...]:
        return tuple(c for c in self.contracts if c.status == "newly broken")

    @property
    def newly_kept(self) -> tuple[ContractChange, ...]:
        return tuple(c for c in self.contracts if c.status == "newly kept")

    def _violations(self, new: bool, cycles: bool) -> tuple[tuple[ContractChange, Violation], ...]:
        return tuple(
            (contract, violation)
            for contract in self.contracts
            for violation in (contract.new_violations if new else contract.fixed_violations)
            if is_cycle(violation) == cycles
        )

    @property
    def new_violations(self) -> tuple[tuple[ContractChange, Violation], ...]:
        """New violations that are not cycles (cycles are in :attr:`new_cycles`)."""
        return self._violations(new=True, cycles=False)

    @property
    def fixed_violations(self) -> tuple[tuple[ContractChange, Violation], ...]:
        return self._violations(new=False, cycles=False)

    @property
    def new_cycles(self) -> tuple[tuple[ContractChange, Violation], ...]:
        return self._violations(new=True, cycles=True)

    @property
    def fixed_cycles(self) -> tuple[tuple[ContractChange, Violation], ...]:
        return self._violations(new=False, cycles=True)

    @property
    def worsened(self) -> bool:
        """The head breaks a contract the base kept, or adds a violation: exit 1."""
        return bool(self.newly_broken) or any(c.new_violations for c in self.contracts)

    def to_dict(self) -> dict[str, Any]:
        def pairs(items: tuple[tuple[ContractChange, Violation], ...]) -> list[dict[str, Any]]:
            return [{"contract": c.id or c.name, **v.to_dict()} for c, v in items]

        return {
            "base": self.base.to_dict(),
            "head": self.head.to_dict(),
            "depth": self.depth,
            "worsened": self.worsened,
            "dependencies": {
                "added": [edge.to_dict() for edge in self.added_edges],
                "removed": [edge.to_dict() for edge in self.removed_edges],
                "breaking": [list(edge) for edge in self.breaking_edges],
            },
            "contracts": [contract.to_dict() for contract in self.contracts],
            "newly_broken": [c.id or c.name for c in self.newly_broken],
            "newly_kept": [c.id or c.name for c in self.newly_kept],
            "violations": {
                "new": pairs(self.new_violations),
                "fixed": pairs(self.fixed_violations),
            },
            "cycles": {"new": pairs(self.new_cycles), "fixed": pairs(self.fixed_cycles)},
        }
