"""Find import cycles in a directed graph, each reported once, smallest first.

Enumerating *every* elementary cycle (Johnson's algorithm) is exponential on real code
bases: one tangle of 40 modules can hold millions of cycles, and nobody reads them.
What a developer needs is every import that takes part in a cycle, shown inside the
shortest cycle that contains it. So:

1. split the graph into strongly connected components (Tarjan, iterative, so deep
   graphs do not hit the recursion limit);
2. inside each component, for each edge not yet shown, find the shortest cycle through
   it (breadth-first search back from the imported module to the importer);
3. normalise each cycle to start at its smallest module, drop duplicates and sort by
   length, then by name.

Every edge that lies on any cycle lies on at least one reported cycle, and the result
is deterministic. networkx would do step 1, but it is a heavy dependency for twenty
lines, and step 2 is specific to this report.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Set

Cycle = tuple[str, ...]
"""A closed path ``(a, b, c)`` meaning ``a -> b -> c -> a``."""


def strongly_connected_components(graph: Mapping[str, Set[str]]) -> list[set[str]]:
    """Tarjan's algorithm without recursion; returns every component of 2+ nodes."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0

    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            if successors:
                successor = successors.pop()
                if successor not in index:
                    index[successor] = lowlink[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, sorted(graph.get(successor, ()))))
                elif successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def _shortest_path(
    graph: Mapping[str, Set[str]], start: str, goal: str, allowed: Set[str]
) -> list[str] | None:
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (parent := parents[path[-1]]) is not None:
                path.append(parent)
            return path[::-1]
        for successor in sorted(graph.get(node, ())):
            if successor in allowed and successor not in parents:
                parents[successor] = node
                queue.append(successor)
    return None


def _normalise(cycle: list[str]) -> Cycle:
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


def find_cycles(graph: Mapping[str, Set[str]]) -> list[Cycle]:
    """Return cycles covering every edge that lies on a cycle, smallest first."""
    found: set[Cycle] = set()
    for component in strongly_connected_components(graph):
        covered: set[tuple[str, str]] = set()
        edges = sorted(
            (importer, imported)
            for importer in component
            for imported in graph.get(importer, ())
            if imported in component
        )
        for importer, imported in edges:
            if (importer, imported) in covered:
                continue
            back = _shortest_path(graph, imported, importer, component)
            if back is None:  # pragma: no cover - impossible inside a component
                continue
            cycle = _normalise([importer, *back[:-1]])
            found.add(cycle)
            covered.update(_edges_of(cycle))
    return sorted(found, key=lambda cycle: (len(cycle), cycle))


def _edges_of(cycle: Cycle) -> Iterable[tuple[str, str]]:
    return zip(cycle, cycle[1:] + cycle[:1], strict=True)


def edges_of(cycle: Cycle) -> list[tuple[str, str]]:
    """The imports that make up a cycle, in order, closing back to its start."""
    return list(_edges_of(cycle))
