"""Mermaid itself (mermaid-cli in headless chromium) renders what importgate writes."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from importgate.model.diagram import Diagram, DiagramEdge, DiagramNode, EdgeStyle, NodeStyle
from importgate.report.mermaid import render
from tests.importgate.test_readme_graph import README_MODULES, readme_blocks
from tests.importgate.tools import REPO, mmdc, puppeteer_config


def _render_all(sources: dict[str, str], directory: Path) -> dict[str, str]:
    """Render every source with ONE mermaid-cli run (a markdown file, one block each).

    Starting chromium costs seconds; one run for all diagrams keeps the suite fast.
    """
    tool = mmdc()
    config = puppeteer_config(directory)
    names = list(sources)
    given = directory / "diagrams.md"
    given.write_text(
        "".join(f"```mermaid\n{sources[name]}```\n\n" for name in names), encoding="utf-8"
    )
    output = directory / "rendered.md"
    completed = subprocess.run(
        [tool, "--quiet", "-p", str(config), "-i", str(given), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return {
        name: (directory / f"rendered-{index}.svg").read_text(encoding="utf-8")
        for index, name in enumerate(names, start=1)
    }


def _parse(svg: str) -> tuple[dict[str, str], dict[str, str]]:
    """Mermaid's drawn nodes (mermaid id -> shown text) and links (id -> inline style)."""
    nodes: dict[str, str] = {}
    links: dict[str, str] = {}
    for element in ET.fromstring(svg).iter():
        classes = element.get("class", "").split()
        ident = element.get("id", "")
        if element.tag.endswith("}g") and "node" in classes:
            match = re.search(r"flowchart-(m_\w+?)-\d+$", ident)
            assert match, ident
            nodes[match.group(1)] = "".join(element.itertext())
        elif element.tag.endswith("}path") and "flowchart-link" in classes:
            links[ident] = element.get("style", "")
    return nodes, links


STYLED = Diagram(
    nodes=(
        DiagramNode("shop.high", "high", layer=2, layer_name="high"),
        DiagramNode("shop.mid", "mid", layer=1, layer_name="mid", style=NodeStyle.CYCLE),
        DiagramNode("shop.low", "low", layer=0, layer_name="low", style=NodeStyle.BROKEN),
        DiagramNode("shop.end", "end"),
        DiagramNode("shop.o", "o", style=NodeStyle.ADDED),
        DiagramNode("shop.x", "x", style=NodeStyle.REMOVED),
    ),
    edges=(
        DiagramEdge("shop.high", "shop.mid", "2"),
        DiagramEdge("shop.low", "shop.high", "1", EdgeStyle.BROKEN),
        DiagramEdge("shop.mid", "shop.end", "3", EdgeStyle.CYCLE),
        DiagramEdge("shop.end", "shop.mid", "1", EdgeStyle.CYCLE),
        DiagramEdge("shop.o", "shop.low", "1", EdgeStyle.ADDED),
        DiagramEdge("shop.x", "shop.low", "", EdgeStyle.REMOVED),
    ),
    title="shop",
)

AWKWARD_LABELS = ['a "quoted" <name>', "pipe | and # hash", "end", "graph.click"]
AWKWARD = Diagram(
    nodes=tuple(DiagramNode(f"n{i}", label) for i, label in enumerate(AWKWARD_LABELS)),
    edges=(DiagramEdge("n0", "n1", 'label "x" | y'), DiagramEdge("n2", "n3", "<2>")),
)


def _docs_blocks() -> list[str]:
    text = (REPO / "docs" / "graph.md").read_text(encoding="utf-8")
    return re.findall(r"^```mermaid\n(.*?)^```$", text, re.S | re.M)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    sources = {"styled": render(STYLED), "awkward": render(AWKWARD)}
    sources.update({f"readme:{m}": text for m, text in readme_blocks().items()})
    sources.update({f"docs:{i}": text for i, text in enumerate(_docs_blocks())})
    return _render_all(sources, tmp_path_factory.mktemp("mermaid"))


def test_layered_diagram_with_every_style_renders(rendered):
    svg = rendered["styled"]
    assert "Syntax error" not in svg
    nodes, links = _parse(svg)
    assert nodes == {f"m_shop_{name}": name for name in ("high", "mid", "low", "end", "o", "x")}
    assert len(links) == len(STYLED.edges)  # the invisible layer links draw nothing
    broken = next(style for ident, style in links.items() if "m_shop_low_m_shop_high" in ident)
    assert "stroke:#d32f2f" in broken
    added = next(style for ident, style in links.items() if "m_shop_o_m_shop_low" in ident)
    assert "stroke:#2e7d32" in added
    plain = next(style for ident, style in links.items() if "m_shop_high_m_shop_mid" in ident)
    assert "#d32f2f" not in plain


def test_names_that_need_escaping_render_as_written(rendered):
    nodes, links = _parse(rendered["awkward"])
    assert sorted(nodes.values()) == sorted(AWKWARD_LABELS)
    assert len(links) == 2


def test_readme_diagrams_render(rendered):
    blocks = readme_blocks()
    assert set(blocks) == set(README_MODULES)
    for module in blocks:
        nodes, links = _parse(rendered[f"readme:{module}"])
        assert nodes and links, module
        assert all(name.startswith("m_" + module.replace(".", "_")) for name in nodes)


def test_docs_mermaid_examples_render(rendered):
    count = len(_docs_blocks())
    assert count
    for index in range(count):
        nodes, _ = _parse(rendered[f"docs:{index}"])
        assert set(nodes) == {"m_shop_high", "m_shop_mid", "m_shop_low", "m_shop_util"}
