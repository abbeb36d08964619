"""The ``acyclic`` contract: no import cycle anywhere inside the listed packages.

import-linter's ``acyclic_siblings`` looks at the children of a package, one level at a
time, and reports package-level dependencies. ``acyclic`` looks at every module at every
depth and reports each cycle as a closed chain of real imports, file and line per link,
smallest cycles first, followed by grimp's suggested cycle breakers.

Options:

``packages``
    One or more module expressions (``mypackage``, ``mypackage.*``); the contract covers
    these modules and all their descendants.
``runtime_only`` (default ``false``)
    Leave out imports that sit under ``if TYPE_CHECKING:``: only cycles that can break at
    import time count.
``ignore_kinds``
    Import kinds to leave out: ``typing``, ``deferred`` or both (``typing, deferred``).
    ``runtime_only = true`` is the same as ``ignore_kinds = typing``.
``ignore_imports``, ``unmatched_ignore_imports_alerting``
    As in import-linter's standard contracts.
``broken_contract_guidance``
    Text shown after the cycles when the contract is broken.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain.helpers import module_expressions_to_modules
from rich.markup import escape

from importgate.contracts.cycles import Cycle, edges_of, find_cycles
from importgate.contracts.kind_filter import (
    IGNORED_KIND_COUNT_KEY,
    ImportKindsField,
    drop_import_kinds,
)
from importgate.graph import LinkFactory
from importgate.model import VIOLATIONS_KEY, ImportKind, Link, Violation

BREAKERS_KEY = "cycle_breakers"


class AcyclicContract(Contract):
    """No import cycles among the modules inside ``packages``, at any depth."""

    type_name = "acyclic"

    packages = fields.ListField(subfield=fields.ModuleExpressionField())
    runtime_only = fields.BooleanField(required=False, default=False)
    ignore_kinds = ImportKindsField(required=False, default=frozenset())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)
    broken_contract_guidance = fields.TextField(required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        # Links are only built for imports still in the graph, so the mutated graph
        # (ignored and typing-only imports removed) still has every detail they need.
        links = LinkFactory(graph)
        modules = self._modules_in_scope(graph)
        ignored = set(self.ignore_kinds)  # type: ignore[call-overload]
        if self.runtime_only:
            ignored.add(ImportKind.TYPING)
        removed = drop_import_kinds(graph, ignored, modules, links)

        adjacency = {
            module: graph.find_modules_directly_imported_by(module) & modules for module in modules
        }
        cycles = find_cycles(adjacency)
        output.verbose_print(verbose, f"Found {len(cycles)} import cycle(s).")
        violations = [self._violation(cycle, links) for cycle in cycles]
        breakers = self._cycle_breakers(graph, cycles, links)
        return ContractCheck(
            kept=not cycles,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={
                VIOLATIONS_KEY: violations,
                BREAKERS_KEY: breakers,
                IGNORED_KIND_COUNT_KEY: removed,
            },
        )

    def _modules_in_scope(self, graph: grimp.ImportGraph) -> set[str]:
        roots = module_expressions_to_modules(
            graph,
            self.packages,  # type: ignore[arg-type]
        )
        modules: set[str] = set()
        for root in roots:
            if root.name not in graph.modules:
                raise ValueError(f"Module '{root.name}' does not exist.")
            modules.add(root.name)
            modules.update(graph.find_descendants(root.name))
        return modules

    @staticmethod
    def _violation(cycle: Cycle, links: LinkFactory) -> Violation:
        chain = tuple(links.link(a, b) for a, b in edges_of(cycle))
        size = len(cycle)
        noun = "module" if size == 1 else "modules"
        return Violation(
            importer=cycle[0],
            imported=cycle[0],
            chain=chain,
            message=f"Import cycle of {size} {noun}: " + " -> ".join([*cycle, cycle[0]]),
        )

    @staticmethod
    def _cycle_breakers(
        graph: grimp.ImportGraph, cycles: list[Cycle], links: LinkFactory
    ) -> list[Link]:
        """grimp's nominated cycle breakers, plus one edge for any cycle they miss.

        grimp nominates breakers among the *children* of a package, so a cycle that runs
        through a package's own ``__init__`` is not covered; for such a cycle we suggest
        the import of the package by its descendant, the usual fix.
        """
        breakers: set[tuple[str, str]] = set()
        for package in sorted({_common_package(cycle) for cycle in cycles}):
            if package in graph.modules and len(graph.find_children(package)) > 1:
                breakers |= graph.nominate_cycle_breakers(package)
        for cycle in cycles:
            edges = edges_of(cycle)
            if not breakers.intersection(edges):
                upward = [(a, b) for a, b in edges if a.startswith(b + ".")]
                breakers.add(upward[0] if upward else edges[-1])
        return [links.link(importer, imported) for importer, imported in sorted(breakers)]

    def render_broken_contract(self, check: ContractCheck) -> None:
        violations: list[Violation] = check.metadata[VIOLATIONS_KEY]
        for violation in violations:
            output.print_error(escape(violation.message), bold=False)
            for link in violation.chain:
                output.print_error(
                    f"    {escape(link.importer)} -> {escape(link.imported)}", bold=False
                )
                output.print(f"        {escape(link.describe())}")
            output.new_line()
        breakers: list[Link] = check.metadata[BREAKERS_KEY]
        if breakers:
            output.print("Suggested cycle breakers (grimp): remove these imports")
            for link in breakers:
                output.print(
                    f"  - {escape(link.importer)} -> {escape(link.imported)}"
                    f"  ({escape(link.location)})"
                )
            output.new_line()
        contract_utils.render_broken_contract_guidance(
            self.broken_contract_guidance  # type: ignore[arg-type]
        )


def _common_package(cycle: Cycle) -> str:
    """The deepest package that contains every module of the cycle."""
    parts = [name.split(".") for name in cycle]
    common: list[str] = []
    for pieces in zip(*parts, strict=False):
        if len(set(pieces)) != 1:
            break
        common.append(pieces[0])
    return ".".join(common)
