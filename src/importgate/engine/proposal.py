"""``importgate init PACKAGE``: propose a ``layers`` and an ``acyclic`` contract from today's graph.

The children of PACKAGE are ordered by what they import: a child that imports nothing
else in the package is a bottom layer; every other child sits one layer above the
highest child it imports. Children on the same level never import each other, so they
share a layer as independent siblings (``a | b``). Children that import each other in a
cycle cannot be ordered: they are grouped in one layer as non-independent siblings
(``a : b``), with a comment naming the cycle, so the contract holds today and the cycle
stays visible. The ``acyclic`` contract lists every import that lies on a cycle today in
``ignore_imports``, each one a line to delete once the cycle is broken.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import cache

import grimp

from importgate.contracts.cycles import find_cycles, strongly_connected_components
from importgate.engine import errors
from importgate.model import CouldNotRun

Group = tuple[str, ...]
"""Children that share a layer because they import each other in a cycle (or one child)."""


@dataclass(frozen=True)
class Proposal:
    package: str
    layers: tuple[tuple[Group, ...], ...]
    """Top layer first; each layer holds one or more groups."""
    cycles: Mapping[Group, tuple[str, ...]]
    """For each cyclic group, one cycle among its children."""
    cyclic_imports: tuple[tuple[str, str], ...]
    """Module-level imports that lie on an import cycle inside the package today."""


def _child_graph(graph: grimp.ImportGraph, package: str, children: Set[str]) -> dict[str, set[str]]:
    prefix = package + "."

    def child_of(module: str) -> str | None:
        if not module.startswith(prefix):
            return None
        return prefix + module[len(prefix) :].split(".", 1)[0]

    depends: dict[str, set[str]] = {child: set() for child in children}
    for child in children:
        for module in {child} | graph.find_descendants(child):
            for imported in graph.find_modules_directly_imported_by(module):
                target = child_of(imported)
                if target is not None and target != child and target in children:
                    depends[child].add(target)
    return depends


def _module_graph(graph: grimp.ImportGraph, package: str) -> dict[str, set[str]]:
    modules = {package} | graph.find_descendants(package)
    return {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}


def propose(graph: grimp.ImportGraph, package: str) -> Proposal:
    """The proposal for ``package`` from ``graph``; :class:`CouldNotRun` if it has no children."""
    if package not in graph.modules:
        root = package.split(".")[0]
        raise CouldNotRun(
            f"Module '{package}' is not in the import graph of {root}.",
            hint=f"Pass a package that exists inside {root} (e.g. 'importgate init {root}').",
        )
    children = graph.find_children(package)
    if not children:
        raise CouldNotRun(
            f"'{package}' has no submodules to put in layers.",
            hint="Pass a package whose children (modules and subpackages) should be layered.",
        )
    depends = _child_graph(graph, package, children)
    group_of: dict[str, Group] = {child: (child,) for child in children}
    for component in strongly_connected_components(depends):
        group = tuple(sorted(component))
        group_of.update(dict.fromkeys(group, group))
    groups = set(group_of.values())
    below = {g: {group_of[d] for c in g for d in depends[c]} - {g} for g in groups}

    @cache
    def level(group: Group) -> int:
        return 1 + max((level(lower) for lower in below[group]), default=-1)

    top = max(level(g) for g in groups)
    layers = tuple(
        tuple(sorted(g for g in groups if level(g) == height)) for height in range(top, -1, -1)
    )
    cycles = {
        group: find_cycles({c: depends[c] & set(group) for c in group})[0]
        for group in groups
        if len(group) > 1
    }
    modules = _module_graph(graph, package)
    cyclic = sorted(
        (importer, imported)
        for component in strongly_connected_components(modules)
        for importer in component
        for imported in modules[importer] & component
    )
    return Proposal(package, layers, cycles, tuple(cyclic))


def build(package: str) -> Proposal:
    """Build the graph of ``package``'s root package (no cache) and propose contracts."""
    cwd = os.getcwd()
    if sys.path[:1] != [cwd]:
        sys.path.insert(0, cwd)
    root = package.split(".")[0]
    try:
        graph = grimp.build_graph(root, cache_dir=None)
    except Exception as error:
        raise errors.graph_error(
            error, [root], None, named_by="given to importgate init"
        ) from error
    return propose(graph, package)


def _tail(package: str, module: str) -> str:
    return module[len(package) + 1 :]


def render(proposal: Proposal) -> str:
    """The proposal as ``.importlinter`` text, ready to paste."""
    package = proposal.package
    slug = package.replace(".", "-")
    lines = [
        f"# Proposed by `importgate init {package}` from today's import graph.",
        "[importlinter]",
        f"root_package = {package.split('.')[0]}",
        "contract_types =",
        "    acyclic: importgate.contracts.acyclic.AcyclicContract",
        "",
        f"[importlinter:contract:{slug}-layers]",
        f"name = {package} is layered",
        "type = layers",
        f"containers = {package}",
        "exhaustive = true",
        "layers =",
    ]
    for layer in proposal.layers:
        singles = [group[0] for group in layer if len(group) == 1]
        if singles:
            lines.append("    " + " | ".join(_tail(package, m) for m in singles))
        for group in (g for g in layer if len(g) > 1):
            cycle = proposal.cycles[group]
            path = " -> ".join(_tail(package, m) for m in (*cycle, cycle[0]))
            lines.append(
                f"    # CYCLE: {', '.join(_tail(package, m) for m in group)} import each other "
                f"({path}); grouped with ':' until the cycle is broken"
            )
            lines.append("    " + " : ".join(_tail(package, m) for m in group))
    lines += [
        "",
        f"[importlinter:contract:{slug}-acyclic]",
        f"name = {package} has no import cycles",
        "type = acyclic",
        f"packages = {package}",
    ]
    if proposal.cyclic_imports:
        lines.append(
            f"# {len(proposal.cyclic_imports)} import(s) lie on a cycle today; "
            "delete each line once its cycle is broken."
        )
        lines.append("ignore_imports =")
        lines += [f"    {a} -> {b}" for a, b in proposal.cyclic_imports]
    return "\n".join(lines) + "\n"
