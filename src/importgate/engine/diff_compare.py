"""Compare two snapshots: dependencies, contracts, violations and cycles.

Violations are matched across the sides by contract (id, or name when it has none) and
by the modules involved, never by line numbers, so moving an import within a file or
adding lines above it is not a new violation:

* an import violation by ``(importer, imported)``; one without an ``imported`` module
  (a module missing from an exhaustive layers contract) also by its message;
* an import cycle by its modules, in the order of the cycle, starting from the smallest
  (the ``acyclic`` contract already reports them so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from importgate.engine.diff_snapshot import Snapshot
from importgate.graph.collapse import collapsed_name
from importgate.model import ContractResult, Link, Violation
from importgate.model.diff import ContractChange, DiffResult, DiffSide, EdgeChange, is_cycle

Edge = tuple[str, str]
Collapse = Callable[[str], str | None]


def collapser(roots: Iterable[str], depth: int) -> Collapse:
    """Map a module to its node at ``depth`` below its root package (as ``importgate
    graph`` draws it); a root package stays itself; None outside every root (an
    external package)."""
    ordered = sorted(set(roots), key=len, reverse=True)

    def collapse(module: str) -> str | None:
        for root in ordered:
            if module == root:
                return root
            name = collapsed_name(module, root, depth)
            if name is not None:
                return name
        return None

    return collapse


def _edge(importer: str, imported: str, collapse: Collapse) -> Edge | None:
    source, target = collapse(importer), collapse(imported)
    if source is None or target is None or source == target:
        return None
    return source, target


def _edges(imports: Iterable[Link], collapse: Collapse) -> dict[Edge, list[Link]]:
    edges: dict[Edge, list[Link]] = {}
    for link in imports:
        edge = _edge(link.importer, link.imported, collapse)
        if edge is not None:
            edges.setdefault(edge, []).append(link)
    return edges


def violation_key(violation: Violation) -> tuple[str | None, ...]:
    """What identifies a violation across revisions (not its line numbers)."""
    if is_cycle(violation):
        modules = [link.importer for link in violation.chain]
        start = modules.index(min(modules))
        return ("cycle", *modules[start:], *modules[:start])
    message = violation.message if violation.imported is None else ""
    return ("import", violation.importer, violation.imported, message)


def _contract_key(contract: ContractResult) -> str:
    return contract.id or contract.name


def _compare_contract(base: ContractResult | None, head: ContractResult | None) -> ContractChange:
    base_keys = {violation_key(v) for v in base.violations} if base else set()
    head_keys = {violation_key(v) for v in head.violations} if head else set()
    new = tuple(v for v in (head.violations if head else ()) if violation_key(v) not in base_keys)
    fixed = tuple(v for v in (base.violations if base else ()) if violation_key(v) not in head_keys)
    either = head or base
    assert either is not None
    return ContractChange(
        id=either.id,
        name=either.name,
        type=either.type,
        base_kept=base.kept if base else None,
        head_kept=head.kept if head else None,
        new_violations=new,
        fixed_violations=fixed,
    )


def _breaking(
    contracts: Iterable[ContractChange], base_imports: set[Edge], collapse: Collapse
) -> set[Edge]:
    """Collapsed edges behind new violations: the chain's imports that are new in the
    head, or the whole chain when none is (e.g. a contract that got stricter)."""
    breaking: set[Edge] = set()
    for contract in contracts:
        for violation in contract.new_violations:
            links = [(link.importer, link.imported) for link in violation.chain]
            new_links = [pair for pair in links if pair not in base_imports] or links
            for importer, imported in new_links:
                edge = _edge(importer, imported, collapse)
                if edge is not None:
                    breaking.add(edge)
    return breaking


def _side(label: str, revision: str, commit: str | None, snapshot: Snapshot) -> DiffSide:
    return DiffSide(
        label=label,
        revision=revision,
        commit=commit,
        root_packages=snapshot.root_packages,
        config_file=snapshot.config_file,
        module_count=snapshot.module_count,
        import_count=snapshot.import_count,
        kept=sum(1 for c in snapshot.contracts if c.kept),
        broken=sum(1 for c in snapshot.contracts if not c.kept),
    )


def compare(
    base: Snapshot,
    head: Snapshot,
    depth: int,
    revisions: tuple[tuple[str, str | None], tuple[str, str | None]],
) -> DiffResult:
    """The diff from ``base`` to ``head``; ``revisions`` names each side and its commit."""
    collapse = collapser((*base.root_packages, *head.root_packages), depth)
    base_edges = _edges(base.imports, collapse)
    head_edges = _edges(head.imports, collapse)

    base_contracts = {_contract_key(c): c for c in base.contracts}
    head_contracts = {_contract_key(c): c for c in head.contracts}
    order = [*head_contracts, *(key for key in base_contracts if key not in head_contracts)]
    contracts = tuple(
        _compare_contract(base_contracts.get(key), head_contracts.get(key)) for key in order
    )
    base_imports = {(link.importer, link.imported) for link in base.imports}
    breaking = _breaking(contracts, base_imports, collapse)

    added = tuple(
        EdgeChange(a, b, tuple(head_edges[(a, b)]), breaking=(a, b) in breaking)
        for a, b in sorted(set(head_edges) - set(base_edges))
    )
    removed = tuple(
        EdgeChange(a, b, tuple(base_edges[(a, b)]))
        for a, b in sorted(set(base_edges) - set(head_edges))
    )
    (base_revision, base_commit), (head_revision, head_commit) = revisions
    return DiffResult(
        base=_side("base", base_revision, base_commit, base),
        head=_side("head", head_revision, head_commit, head),
        depth=depth,
        added_edges=added,
        removed_edges=removed,
        breaking_edges=tuple(sorted(breaking)),
        contracts=contracts,
        layers={**base.layers, **head.layers},
    )
