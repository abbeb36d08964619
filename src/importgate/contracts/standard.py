"""import-linter's ``layers``, ``forbidden`` and ``independence`` with ``ignore_kinds``.

Each class subclasses import-linter's own contract and only removes the imports of the
ignored kinds from its (copied) graph before import-linter's logic runs, so verdicts and
reports are import-linter's. Register them under names of your choice, e.g.::

    contract_types =
        layers_kinds: importgate.contracts.standard.LayersContract
        forbidden_kinds: importgate.contracts.standard.ForbiddenContract
        independence_kinds: importgate.contracts.standard.IndependenceContract

and add ``ignore_kinds = typing`` (or ``typing, deferred``) to a contract of that type.
Without ``ignore_kinds`` each behaves exactly like the standard type.
"""

from __future__ import annotations

import grimp
from importlinter import ContractCheck
from importlinter.contracts import forbidden, independence, layers

from importgate.contracts.kind_filter import (
    IGNORED_KIND_COUNT_KEY,
    ImportKindsField,
    drop_import_kinds,
)


def _noted(check: ContractCheck, removed: int) -> ContractCheck:
    check.metadata[IGNORED_KIND_COUNT_KEY] = removed
    return check


class LayersContract(layers.LayersContract):
    """``layers``, plus ``ignore_kinds``."""

    ignore_kinds = ImportKindsField(required=False, default=frozenset())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removed = drop_import_kinds(graph, self.ignore_kinds)  # type: ignore[arg-type]
        return _noted(super().check(graph, verbose), removed)


class ForbiddenContract(forbidden.ForbiddenContract):
    """``forbidden``, plus ``ignore_kinds``."""

    ignore_kinds = ImportKindsField(required=False, default=frozenset())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removed = drop_import_kinds(graph, self.ignore_kinds)  # type: ignore[arg-type]
        return _noted(super().check(graph, verbose), removed)


class IndependenceContract(independence.IndependenceContract):
    """``independence``, plus ``ignore_kinds``."""

    ignore_kinds = ImportKindsField(required=False, default=frozenset())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removed = drop_import_kinds(graph, self.ignore_kinds)  # type: ignore[arg-type]
        return _noted(super().check(graph, verbose), removed)
