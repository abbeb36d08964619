"""The architecture picture of a package: collapsed graph + contract verdicts -> Diagram.

``importgate graph`` runs the same check as ``importgate check`` (same configuration,
same contracts, same grimp graph) and then, for each module asked for:

1. collapses the module's descendants to the requested depth
   (:func:`importgate.graph.collapse.collapse`);
2. draws red every collapsed edge that carries a link of a contract-breaking chain;
3. marks the edges and nodes that lie on an import cycle of the collapsed graph
   (strongly connected components, :mod:`importgate.contracts.cycles`);
4. when a layers contract has the module as a container (or lists its children as
   layers), puts each node in its layer so the writers draw the layers bottom-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import grimp
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract
from importlinter.domain.helpers import module_expressions_to_modules

from importgate.contracts.cycles import strongly_connected_components
from importgate.engine.check import CheckOptions, Progress, check_graph
from importgate.graph.collapse import collapse, collapsed_name
from importgate.model import (
    CheckResult,
    CollapsedGraph,
    CouldNotRun,
    Diagram,
    DiagramEdge,
    DiagramNode,
    EdgeStyle,
    NodeStyle,
)


@dataclass(frozen=True)
class Architecture:
    """One module's picture and the facts behind it."""

    module: str
    collapsed: CollapsedGraph
    diagram: Diagram
    broken: Mapping[tuple[str, str], tuple[str, ...]]
    """Collapsed edges that carry a contract-breaking import -> the contracts' labels."""
    cycle_nodes: frozenset[str]

    @property
    def summary(self) -> str:
        """One line: what the picture shows."""
        return (
            f"{self.module}: {len(self.collapsed.nodes)} nodes, "
            f"{len(self.collapsed.edges)} edges, {len(self.broken)} breaking a contract, "
            f"{len(self.cycle_nodes)} nodes in cycles"
        )


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


def draw_architectures(
    options: CheckOptions,
    modules: Sequence[str],
    depth: int = 1,
    progress: Progress = _quiet,
) -> tuple[list[Architecture], CheckResult]:
    """Check the contracts once, then draw each of ``modules`` (default: root packages)."""
    checked = check_graph(options, progress)
    wanted = list(modules) or list(checked.result.root_packages)
    pictures = [
        architecture(checked.graph, module, depth, checked.result, checked.contracts)
        for module in wanted
    ]
    return pictures, checked.result


def architecture(
    graph: grimp.ImportGraph,
    module: str,
    depth: int,
    result: CheckResult,
    contracts: Iterable[Contract] = (),
) -> Architecture:
    """The picture of ``module`` at ``depth`` given a check ``result`` on ``graph``."""
    try:
        collapsed = collapse(graph, module, depth)
    except ValueError as error:
        if depth < 1:
            raise CouldNotRun(f"--depth must be 1 or more, not {depth}.") from error
        roots = ", ".join(result.root_packages) or "the root packages"
        raise CouldNotRun(
            f"Module '{module}' is not in the import graph of {roots}.",
            hint="Give a package inside root_packages (e.g. 'importgate graph "
            f"{result.root_packages[0] if result.root_packages else 'mypackage'}'), "
            "or add its top-level package to root_packages in the configuration.",
        ) from error

    broken = _broken_edges(collapsed, result)
    component = _components(collapsed)
    cycle_nodes = set(component)
    layers = _layers_of(graph, module, contracts)
    nodes = []
    for name in collapsed.nodes:
        child = collapsed_name(name, module, 1) or name
        layer = layers.get(child[len(module) + 1 :])
        size = len(collapsed.members.get(name, ()))
        nodes.append(
            DiagramNode(
                id=name,
                label=collapsed.label(name),
                layer=layer[0] if layer else None,
                layer_name=layer[1] if layer else "",
                style=NodeStyle.CYCLE if name in cycle_nodes else NodeStyle.NORMAL,
                tooltip=f"{name} ({size} module{'s' if size != 1 else ''})",
            )
        )
    edges = []
    for (a, b), count in collapsed.edges.items():
        style = EdgeStyle.NORMAL
        tooltip = f"{a} imports {b}: {count} module import{'s' if count != 1 else ''}"
        if (a, b) in broken:
            style = EdgeStyle.BROKEN
            tooltip += "; breaks " + ", ".join(broken[(a, b)])
        elif a in component and component[a] == component.get(b):
            style = EdgeStyle.CYCLE
            tooltip += "; on an import cycle"
        edges.append(DiagramEdge(a, b, str(count), style, tooltip))
    diagram = Diagram(
        nodes=tuple(nodes),
        edges=tuple(edges),
        title=f"{module} (depth {depth})",
        metadata={"module": module, "depth": str(depth)},
    )
    return Architecture(module, collapsed, diagram, broken, frozenset(cycle_nodes))


def _broken_edges(
    collapsed: CollapsedGraph, result: CheckResult
) -> dict[tuple[str, str], tuple[str, ...]]:
    found: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for contract in result.contracts:
        label = contract.id or contract.name
        for violation in contract.violations:
            if not violation.failing:  # tolerated by the baseline: not drawn as a break
                continue
            for link in violation.chain:
                a = collapsed_name(link.importer, collapsed.root, collapsed.depth)
                b = collapsed_name(link.imported, collapsed.root, collapsed.depth)
                if a and b and (a, b) in collapsed.edges and label not in found[(a, b)]:
                    found[(a, b)].append(label)
    return {edge: tuple(labels) for edge, labels in sorted(found.items())}


def _adjacency(collapsed: CollapsedGraph) -> dict[str, set[str]]:
    adjacency: dict[str, set[str]] = {node: set() for node in collapsed.nodes}
    for a, b in collapsed.edges:
        adjacency[a].add(b)
    return adjacency


def _components(collapsed: CollapsedGraph) -> dict[str, int]:
    """Node -> index of its import cycle (strongly connected component of 2+ nodes)."""
    parts = strongly_connected_components(_adjacency(collapsed))
    return {node: index for index, part in enumerate(parts) for node in part}


def _layers_of(
    graph: grimp.ImportGraph, module: str, contracts: Iterable[Contract]
) -> dict[str, tuple[int, str]]:
    """Child tail -> (layer index from the bottom, caption), from the first layers
    contract that covers ``module``'s children; empty when none does."""
    for contract in contracts:
        if not isinstance(contract, LayersContract):
            continue
        # Fields are declared on the class; on an instance they hold the parsed values.
        layers: list[Any] = list(cast(Iterable[Any], contract.layers))  # highest first
        containers: list[Any] = list(cast(Iterable[Any], contract.containers or []))
        names = {m.name for m in module_expressions_to_modules(graph, containers)}
        if containers and module not in names:
            continue
        tails_per_layer = [sorted(tail.name for tail in layer.module_tails) for layer in layers]
        if not containers:  # layers are absolute names: use them if they are our children
            prefix = module + "."
            flat = [tail for tails in tails_per_layer for tail in tails]
            if not flat or not all(
                t.startswith(prefix) and "." not in t[len(prefix) :] for t in flat
            ):
                continue
            tails_per_layer = [[t[len(prefix) :] for t in tails] for tails in tails_per_layer]
        plan: dict[str, tuple[int, str]] = {}
        for position, tails in enumerate(tails_per_layer):
            index = len(tails_per_layer) - 1 - position
            for tail in tails:
                plan[tail] = (index, " | ".join(tails))
        return plan
    return {}
