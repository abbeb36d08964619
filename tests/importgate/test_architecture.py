"""``importgate.engine.architecture``: styles and layers from real graphs and contracts."""

from __future__ import annotations

import grimp
import pytest

from importgate.engine.architecture import architecture
from importgate.model import CheckResult, ContractResult, EdgeStyle, Link, NodeStyle, Violation
from tests.importgate.conftest import ini, run_cli


def _graph(imports: list[tuple[str, str]], modules: tuple[str, ...] = ()) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    graph.add_module("p")
    for name in {m for pair in imports for m in pair} | set(modules):
        graph.add_module(name)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    return graph


def test_only_edges_inside_one_cycle_are_cycle_edges():
    graph = _graph([("p.a", "p.b"), ("p.b", "p.a"), ("p.b", "p.c"), ("p.c", "p.d"), ("p.d", "p.c")])
    picture = architecture(graph, "p", 1, CheckResult(contracts=()))
    styles = {(e.source, e.target): e.style for e in picture.diagram.edges}
    assert styles == {
        ("p.a", "p.b"): EdgeStyle.CYCLE,
        ("p.b", "p.a"): EdgeStyle.CYCLE,
        ("p.b", "p.c"): EdgeStyle.NORMAL,
        ("p.c", "p.d"): EdgeStyle.CYCLE,
        ("p.d", "p.c"): EdgeStyle.CYCLE,
    }
    assert {n.id for n in picture.diagram.nodes if n.style is NodeStyle.CYCLE} == {
        "p.a",
        "p.b",
        "p.c",
        "p.d",
    }
    assert not picture.diagram.layered


def test_a_violation_chain_deep_inside_marks_the_collapsed_edge_red():
    graph = _graph([("p.low.x.y", "p.high.z"), ("p.high.z", "p.low.q")])
    link = Link(importer="p.low.x.y", imported="p.high.z")
    result = CheckResult(
        contracts=(
            ContractResult(
                id="layers",
                name="L",
                type="layers",
                kept=False,
                violations=(Violation("p.low", "p.high", chain=(link,)),),
            ),
        )
    )
    picture = architecture(graph, "p", 1, result)
    assert picture.broken == {("p.low", "p.high"): ("layers",)}
    edges = {(e.source, e.target): e for e in picture.diagram.edges}
    assert edges[("p.low", "p.high")].style is EdgeStyle.BROKEN
    assert "breaks layers" in edges[("p.low", "p.high")].tooltip
    assert edges[("p.high", "p.low")].style is EdgeStyle.CYCLE


def test_unknown_module_and_bad_depth_could_not_run():
    from importgate.model import CouldNotRun

    graph = _graph([("p.a", "p.b")])
    with pytest.raises(CouldNotRun, match="'q' is not in the import graph"):
        architecture(graph, "q", 1, CheckResult(contracts=(), root_packages=("p",)))
    with pytest.raises(CouldNotRun, match="--depth"):
        architecture(graph, "p", 0, CheckResult(contracts=()))


CONTAINERS = {
    "app/__init__.py": "",
    "app/orders/__init__.py": "",
    "app/orders/api.py": "from app.orders import domain\n",
    "app/orders/domain.py": "",
    "app/orders/extra.py": "",
    "app/billing/__init__.py": "",
    "app/billing/api.py": "from app.billing import domain\n",
    "app/billing/domain.py": "",
}


def test_layers_from_wildcard_containers_apply_to_each_container(project):
    config = ini(
        """
        [importlinter]
        root_package = app

        [importlinter:contract:l]
        name = each app has api over (optional cache) over domain
        type = layers
        containers = app.*
        layers =
            api
            (cache)
            domain
        """
    )
    root = project(CONTAINERS, config)
    for module in ("app.orders", "app.billing"):
        run = run_cli(root, "graph", module)
        assert run.returncode == 0, run.stderr
        prefix = "m_" + module.replace(".", "_")
        assert f'subgraph layer_2["api"]\n        direction LR\n        {prefix}_api' in run.stdout
        assert f'subgraph layer_0["domain"]\n        direction LR\n        {prefix}_domain' in (
            run.stdout
        )
    # app itself is no container: drawn without layers
    assert "subgraph" not in run_cli(root, "graph", "app").stdout
