"""One self-contained HTML page: the Graphviz SVG inline, with pan, zoom and selection.

No network at all: the SVG, the stylesheet, the script and the graph's data are all
inside the page, so it opens from a file, a CI artifact or an e-mail attachment. The
script (``assets/graph.js``) is plain DOM code: pan by dragging, zoom with the wheel or
the buttons, click a module to highlight what it imports (green) and what imports it
(purple). A page this small does not need a front-end library, and inlining one
would make every report hundreds of kilobytes.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources

from importgate.model import Diagram, EdgeStyle
from importgate.report import dot
from importgate.report.mermaid import EDGE_COLOURS, node_ids

__all__ = ["render", "render_svg"]

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="importgate">
<title>@TITLE@</title>
<style>
@CSS@
</style>
</head>
<body>
<header>
  <h1>@TITLE@</h1>
  <div class="tools">
    <button id="zoom-in" title="Zoom in">+</button>
    <button id="zoom-out" title="Zoom out">&minus;</button>
    <button id="zoom-fit" title="Fit the whole graph">fit</button>
  </div>
  <div class="legend">
    <span style="--c:@NORMAL@">import (label: module imports)</span>
    <span style="--c:@BROKEN@">breaks a contract</span>
    <span style="--c:@CYCLE@">on a cycle</span>
  </div>
</header>
<main id="canvas">
@SVG@
</main>
<aside id="selection"></aside>
<script type="application/json" id="graph-data">@DATA@</script>
<script>
@JS@
</script>
</body>
</html>
"""


def _asset(name: str) -> str:
    return resources.files("importgate.report").joinpath("assets", name).read_text("utf-8")


def _inline(svg: str) -> str:
    """Graphviz's SVG document reduced to the ``<svg>`` element (no prolog, doctype)."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.S)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.S).strip()


def _data(diagram: Diagram) -> str:
    ids = node_ids(node.id for node in diagram.nodes)
    document = {
        "title": diagram.title,
        "nodes": [
            {
                "name": node.id,
                "label": node.text,
                "svg_id": f"node-{ids[node.id]}",
                "layer": node.layer,
                "style": str(node.style),
                "tooltip": node.tooltip or node.id,
            }
            for node in diagram.nodes
        ],
        "edges": [
            {
                "source": edge.source,
                "target": edge.target,
                "label": edge.label,
                "svg_id": f"edge-{index}",
                "style": str(edge.style),
            }
            for index, edge in enumerate(diagram.edges)
        ],
    }
    # "</" inside a <script> element would end it early.
    return json.dumps(document, indent=1).replace("</", "<\\/")


def render_svg(diagram: Diagram, svg: str) -> str:
    """The page for ``diagram`` around an SVG Graphviz made from ``dot.render(diagram)``."""
    title = html.escape(diagram.title or "import graph")
    replacements = {
        "@TITLE@": title,
        "@NORMAL@": EDGE_COLOURS[EdgeStyle.NORMAL],
        "@BROKEN@": EDGE_COLOURS[EdgeStyle.BROKEN],
        "@CYCLE@": EDGE_COLOURS[EdgeStyle.CYCLE],
        "@CSS@": _asset("graph.css"),
        "@SVG@": _inline(svg),
        "@DATA@": _data(diagram),
        "@JS@": _asset("graph.js"),
    }
    return re.sub("|".join(map(re.escape, replacements)), lambda m: replacements[m.group()], _PAGE)


def render(diagram: Diagram) -> str:
    """The page for ``diagram``; lays it out with Graphviz (needs ``dot``)."""
    return render_svg(diagram, dot.to_svg(dot.render(diagram)))
