"""The ``public_api`` contract: every name a module exports can still be imported from it.

Options:

``modules``
    One or more module names (no wildcards).
``source`` (default ``auto``)
    Where the promised names come from. ``snapshot``: the snapshot file
    ``<snapshot_dir>/<module>.json`` written by ``importgate snapshot MODULE`` (it must
    exist). ``all``: the module's ``__all__`` as it stands. ``auto``: the snapshot when
    there is one, else ``__all__``.
``snapshot_dir`` (default ``contracts/public_api``)
    The directory of the snapshot files, relative to the working directory.
``broken_contract_guidance``
    Text shown after the findings when the contract is broken.

Each promised name (and, with a snapshot, each name of today's ``__all__`` too) must
resolve statically to a definition: removed names, names re-exported from a place that
no longer defines them, and names listed in ``__all__`` but defined nowhere break the
contract. Names exported now but not in the snapshot are reported as warnings.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, cast

import grimp
from importlinter import Contract, ContractCheck, fields
from importlinter.application import contract_utils

from importgate.contracts.common import render_violations
from importgate.model import DETAILS_KEY, VIOLATIONS_KEY, Violation

if TYPE_CHECKING:
    from importgate.contracts.api_surface import Name, Surface


class Source(enum.Enum):
    AUTO = "auto"
    SNAPSHOT = "snapshot"
    ALL = "all"


class PublicApiContract(Contract):
    """The names exported by each of ``modules`` stay importable from it."""

    type_name = "public_api"

    modules = fields.ListField(subfield=fields.ModuleField())
    source = fields.EnumField(Source, default=Source.AUTO)
    snapshot_dir = fields.StringField(required=False)
    broken_contract_guidance = fields.TextField(required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        violations: list[Violation] = []
        warnings: list[str] = []
        details: dict[str, object] = {}
        # griffe takes ~70 ms to import: only pay for it when this contract runs.
        from importgate.contracts import api_surface

        names = [module.name for module in self.modules]  # type: ignore[attr-defined]
        surfaces = api_surface.load_surfaces(names)
        for module in names:
            found, added, summary = self._check_module(surfaces[module])
            violations.extend(found)
            warnings.extend(added)
            details[module] = summary
        return ContractCheck(
            kept=not violations,
            warnings=warnings,
            metadata={VIOLATIONS_KEY: violations, DETAILS_KEY: {"public_api": details}},
        )

    def _check_module(
        self, surface: Surface
    ) -> tuple[list[Violation], list[str], dict[str, object]]:
        from importgate.contracts import api_surface

        module = surface.module
        directory = cast("str | None", self.snapshot_dir) or api_surface.DEFAULT_SNAPSHOT_DIR
        snapshot_file = api_surface.snapshot_path(directory, module)
        source = cast(Source, self.source)
        use_snapshot = source is Source.SNAPSHOT or (
            source is Source.AUTO and snapshot_file.is_file()
        )
        if source is Source.SNAPSHOT and not snapshot_file.is_file():
            raise ValueError(
                f"No public-API snapshot {snapshot_file} for {module}; "
                f"create it with 'importgate snapshot {module}' and commit it."
            )
        if use_snapshot:
            promised = api_surface.read_snapshot(snapshot_file)
            basis = snapshot_file.as_posix()
        elif surface.exports is not None:
            promised = {name: None for name in surface.exports}
            basis = "__all__"
        else:
            raise ValueError(
                f"{module} has no __all__ and no snapshot {snapshot_file}; add __all__ "
                f"or run 'importgate snapshot {module}'."
            )
        current = {name: surface.resolve(name) for name in surface.exports or ()}
        added = sorted(name for name in surface.public if name not in promised)
        targets = {surface.resolve(name).target: name for name in added}

        violations: list[Violation] = []
        for name, recorded in sorted(promised.items()):
            resolved = surface.resolve(name)
            if resolved.importable:
                continue
            message = resolved.problem
            if recorded is not None and recorded in targets and name not in current:
                message = f"{module}.{name} was renamed to {targets[recorded]} ({recorded})"
            elif name not in surface.names and use_snapshot:
                message = f"{module}.{name} was removed (listed in {basis})"
            elif name not in surface.names:
                message = f"{module}.{name} is listed in __all__ but not defined or imported"
            violations.append(self._violation(module, resolved, message))
        for name, resolved in sorted(current.items()):
            if name not in promised and not resolved.importable:
                violations.append(self._violation(module, resolved, resolved.problem))
        warnings = [f"{module}: new exported name '{name}' (not in {basis})" for name in added]
        if use_snapshot:
            warnings.extend(
                f"{module}: '{name}' is in the snapshot but no longer in __all__"
                for name in sorted(promised)
                if surface.exports is not None
                and name not in surface.exports
                and surface.resolve(name).importable
            )
        summary = {"basis": basis, "names": len(promised), "added": added}
        return violations, warnings, summary

    @staticmethod
    def _violation(module: str, resolved: Name, message: str) -> Violation:
        return Violation(
            importer=module,
            imported=None,
            message=message,
            path=resolved.path,
            line_number=resolved.line_number,
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        render_violations(check.metadata[VIOLATIONS_KEY])
        contract_utils.render_broken_contract_guidance(
            self.broken_contract_guidance  # type: ignore[arg-type]
        )
