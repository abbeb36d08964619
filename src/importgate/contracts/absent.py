"""The ``absent`` contract: modules that must not exist (e.g. a ``*_legacy`` leftover).

Options:

``modules``
    One or more module patterns: a plain name (``mypackage.old_api``), ``*`` within one
    segment (``mypackage.old_*``) and ``**`` for any number of segments, zero included
    (``**.*_legacy``).
``broken_contract_guidance``
    Text shown after the findings when the contract is broken.

A pattern is looked up among the modules of the import graph and on disk: inside the
directory of every package of the graph (a ``.py`` file or a directory that a package
would not list, such as one without ``__init__.py``), and, for a plain name, wherever
Python would find it.
"""

from __future__ import annotations

from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields
from importlinter.application import contract_utils

from importgate.contracts import patterns
from importgate.contracts.common import invalid, render_violations
from importgate.graph import ModuleLocator
from importgate.model import VIOLATIONS_KEY, Violation


class AbsentContract(Contract):
    """None of the modules matched by ``modules`` exists."""

    type_name = "absent"

    modules = fields.ListField(subfield=fields.StringField())
    broken_contract_guidance = fields.TextField(required=False)

    def validate(self) -> None:
        for pattern in self.modules:  # type: ignore[attr-defined]
            problem = patterns.check_pattern(pattern)
            if problem:
                raise invalid("modules", problem)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        locator = ModuleLocator()
        on_disk = _modules_on_disk(graph, locator)
        violations: list[Violation] = []
        for pattern in self.modules:  # type: ignore[attr-defined]
            candidates = set(graph.modules) | on_disk.keys()
            if "*" not in pattern and "?" not in pattern and locator.file_of(pattern):
                candidates.add(pattern)
            for module in patterns.matching(pattern, candidates):
                path = locator.display_path(module) or on_disk.get(module)
                where = "in the import graph" if module in graph.modules else "on disk"
                violations.append(
                    Violation(
                        importer=module,
                        imported=None,
                        message=f"{module} must not exist (matches '{pattern}'), but it is {where}",
                        path=path,
                    )
                )
        return ContractCheck(
            kept=not violations, warnings=[], metadata={VIOLATIONS_KEY: violations}
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        render_violations(check.metadata[VIOLATIONS_KEY])
        contract_utils.render_broken_contract_guidance(
            self.broken_contract_guidance  # type: ignore[arg-type]
        )


def _modules_on_disk(graph: grimp.ImportGraph, locator: ModuleLocator) -> dict[str, str]:
    """Modules a package directory holds but the graph may not list, with their paths."""
    found: dict[str, str] = {}
    for package in graph.modules:
        init = locator.file_of(package)
        if init is None or init.name != "__init__.py":
            continue
        for entry in init.parent.iterdir():
            name = entry.name
            if entry.is_file() and name.endswith(".py") and name != "__init__.py":
                module = f"{package}.{name[:-3]}"
            elif entry.is_dir() and name.isidentifier() and any(entry.glob("*.py")):
                module = f"{package}.{name}"
            else:
                continue
            if module not in graph.modules:
                found[module] = locator.display_path(module) or _relative(entry)
    return found


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
