"""Properties of the cycle finder behind the ``acyclic`` contract."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from importgate.contracts.cycles import edges_of, find_cycles, strongly_connected_components

NODES = [f"m{i}" for i in range(7)]

graphs = st.dictionaries(
    st.sampled_from(NODES),
    st.frozensets(st.sampled_from(NODES)),
).map(lambda g: {node: {t for t in targets if t != node} for node, targets in g.items()})


def reachable(graph, start, goal) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_every_reported_cycle_is_real_and_reported_once(graph):
    cycles = find_cycles(graph)
    assert len(cycles) == len(set(cycles))
    for cycle in cycles:
        assert len(set(cycle)) == len(cycle), "elementary: no module twice"
        assert cycle[0] == min(cycle), "normalised to start at its smallest module"
        for importer, imported in edges_of(cycle):
            assert imported in graph[importer]


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_every_edge_on_a_cycle_is_shown(graph):
    shown = {edge for cycle in find_cycles(graph) for edge in edges_of(cycle)}
    for importer, targets in graph.items():
        for imported in targets:
            on_cycle = reachable(graph, imported, importer)
            assert ((importer, imported) in shown) == on_cycle


@settings(max_examples=200, deadline=None)
@given(graphs)
def test_smallest_cycles_first(graph):
    lengths = [len(cycle) for cycle in find_cycles(graph)]
    assert lengths == sorted(lengths)


def test_acyclic_graph_has_no_cycles_and_no_components():
    graph = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert find_cycles(graph) == []
    assert strongly_connected_components(graph) == []


def test_deep_chain_does_not_hit_recursion_limit():
    n = 5000
    graph = {f"m{i}": {f"m{i + 1}"} for i in range(n)}
    graph[f"m{n}"] = {"m0"}
    [cycle] = find_cycles(graph)
    assert len(cycle) == n + 1
