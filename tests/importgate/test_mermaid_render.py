"""Mermaid itself (mermaid-cli in headless chromium) renders what importgate writes."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from importgate.model.diagram import Diagram, DiagramEdge, DiagramNode, EdgeStyle, NodeStyle
from importgate.report.mermaid import render
from tests.importgate.tools import mmdc, puppeteer_config


def _render_svg(source: str, tmp_path: Path) -> str:
    tool = mmdc()
    config = puppeteer_config(tmp_path)
    given = tmp_path / "diagram.mmd"
    given.write_text(source, encoding="utf-8")
    output = tmp_path / "diagram.svg"
    completed = subprocess.run(
        [tool, "--quiet", "-p", str(config), "-i", str(given), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return output.read_text(encoding="utf-8")


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


def test_layered_diagram_with_every_style_renders(tmp_path):
    nodes = (
        DiagramNode("shop.high", "high", layer=2, layer_name="high"),
        DiagramNode("shop.mid", "mid", layer=1, layer_name="mid", style=NodeStyle.CYCLE),
        DiagramNode("shop.low", "low", layer=0, layer_name="low", style=NodeStyle.BROKEN),
        DiagramNode("shop.end", "end"),
        DiagramNode("shop.o", "o", style=NodeStyle.ADDED),
        DiagramNode("shop.x", "x", style=NodeStyle.REMOVED),
    )
    edges = (
        DiagramEdge("shop.high", "shop.mid", "2"),
        DiagramEdge("shop.low", "shop.high", "1", EdgeStyle.BROKEN),
        DiagramEdge("shop.mid", "shop.end", "3", EdgeStyle.CYCLE),
        DiagramEdge("shop.end", "shop.mid", "1", EdgeStyle.CYCLE),
        DiagramEdge("shop.o", "shop.low", "1", EdgeStyle.ADDED),
        DiagramEdge("shop.x", "shop.low", "", EdgeStyle.REMOVED),
    )
    svg = _render_svg(render(Diagram(nodes, edges, title="shop")), tmp_path)

    assert "Syntax error" not in svg
    nodes, links = _parse(svg)
    assert nodes == {f"m_shop_{name}": name for name in ("high", "mid", "low", "end", "o", "x")}
    assert len(links) == len(edges)  # the invisible layer links draw nothing
    broken = next(style for ident, style in links.items() if "m_shop_low_m_shop_high" in ident)
    assert "stroke:#d32f2f" in broken
    added = next(style for ident, style in links.items() if "m_shop_o_m_shop_low" in ident)
    assert "stroke:#2e7d32" in added
    plain = next(style for ident, style in links.items() if "m_shop_high_m_shop_mid" in ident)
    assert "#d32f2f" not in plain


def test_names_that_need_escaping_render_as_written(tmp_path):
    awkward = ['a "quoted" <name>', "pipe | and # hash", "end", "graph.click"]
    nodes = tuple(DiagramNode(f"n{i}", label) for i, label in enumerate(awkward))
    edges = (DiagramEdge("n0", "n1", 'label "x" | y'), DiagramEdge("n2", "n3", "<2>"))
    svg = _render_svg(render(Diagram(nodes, edges)), tmp_path)
    nodes, links = _parse(svg)
    assert sorted(nodes.values()) == sorted(awkward)
    assert len(links) == 2
