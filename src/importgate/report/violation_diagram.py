"""The diagram of a check: each root package collapsed to a depth, breaking imports red.

Drawn from ``CheckResult.collapsed`` (filled when the check is run with
``CheckOptions.collapse_depth``), so this module never sees a grimp graph. Every import
of a violating chain is mapped to the collapsed edge it falls in; those edges are drawn
red, and the parts at their ends are marked. The picture is written by
:mod:`importgate.report.mermaid`.
"""

from __future__ import annotations

from collections import defaultdict

from importgate.model import (
    CheckResult,
    CollapsedGraph,
    Diagram,
    DiagramEdge,
    DiagramNode,
    EdgeStyle,
    NodeStyle,
)


def breaking_edges(result: CheckResult, collapsed: CollapsedGraph) -> dict[tuple[str, str], int]:
    """Collapsed edges that carry an import of a violating chain, with how many do."""
    node_of = {module: node for node, modules in collapsed.members.items() for module in modules}
    counts: defaultdict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for contract in result.contracts:
        for violation in contract.violations:
            for link in violation.chain:
                source, target = node_of.get(link.importer), node_of.get(link.imported)
                if source and target and source != target:
                    counts[(source, target)].add((link.importer, link.imported))
    return {edge: len(imports) for edge, imports in sorted(counts.items())}


def breaking_nodes(result: CheckResult, collapsed: CollapsedGraph) -> set[str]:
    """Parts that hold an import of a violating chain at either end."""
    node_of = {module: node for node, modules in collapsed.members.items() for module in modules}
    nodes: set[str] = set()
    for contract in result.contracts:
        for violation in contract.violations:
            for link in violation.chain:
                nodes.update(
                    n for n in (node_of.get(link.importer), node_of.get(link.imported)) if n
                )
    return nodes


def check_diagram(
    result: CheckResult, collapsed: CollapsedGraph, *, only_breaking: bool = False
) -> Diagram:
    """The diagram of one collapsed root package with the breaking imports in red.

    Edge labels count the imports a collapsed edge stands for (``"3 (1 breaking)"`` on a
    red edge). With ``only_breaking`` the diagram keeps just the red edges and the parts
    they join, for packages too large to draw whole.
    """
    broken = breaking_edges(result, collapsed)
    marked = breaking_nodes(result, collapsed)
    edges = []
    for (source, target), count in collapsed.edges.items():
        breaking = broken.get((source, target), 0)
        if only_breaking and not breaking:
            continue
        label = f"{count} ({breaking} breaking)" if breaking else str(count)
        style = EdgeStyle.BROKEN if breaking else EdgeStyle.NORMAL
        edges.append(DiagramEdge(source, target, label, style))
    shown = (
        {name for edge in edges for name in (edge.source, edge.target)}
        if only_breaking
        else set(collapsed.nodes)
    )
    nodes = tuple(
        DiagramNode(
            id=name,
            label=collapsed.label(name),
            style=NodeStyle.BROKEN if name in marked else NodeStyle.NORMAL,
        )
        for name in collapsed.nodes
        if name in shown
    )
    return Diagram(nodes=nodes, edges=tuple(edges))
