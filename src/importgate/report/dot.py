"""Graphviz DOT and SVG of a :class:`~importgate.model.diagram.Diagram`, through pydeps.

pydeps draws the graph *it* finds (with its own module finder, clustering and colours
by distance); it cannot take a graph built elsewhere. What fits is its Graphviz layer:
``pydeps.render_context.RenderContext`` writes the DOT text (graph header, nodes,
edges with attributes). The layout program (a system ``dot``, else the graphviz-pure
binary importgate depends on) is chosen and run by :mod:`importgate.report.graphviz`.
Layers become labelled clusters, chained by invisible edges (from the layer above to
every member, so a layer's modules share its top row) so the lowest layer is
drawn at the bottom.
"""

from __future__ import annotations

import itertools
import re

from pydeps.render_context import Rankdir, RenderContext

from importgate.model import Diagram, DiagramNode, EdgeStyle, NodeStyle
from importgate.report import graphviz
from importgate.report.mermaid import EDGE_COLOURS, node_ids

__all__ = ["DOT_INSTALL_HINT", "render", "require_dot", "to_svg"]

DOT_INSTALL_HINT = graphviz.INSTALL_HINT

_FILL = {
    NodeStyle.NORMAL: "#eef2ff",
    NodeStyle.CYCLE: "#fff3e0",
    NodeStyle.BROKEN: "#ffebee",
    NodeStyle.ADDED: "#e8f5e9",
    NodeStyle.REMOVED: "#f5f5f5",
}


def _value(text: str) -> str:
    """An attribute value pydeps can write between double quotes as it is."""
    return re.sub(r'["\\\n]', "'", text)


def _node_attrs(node: DiagramNode, ident: str) -> dict[str, str]:
    attrs = {
        "label": _value(node.text),
        "id": f"node-{ident}",
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": _FILL[node.style],
        "tooltip": _value(node.tooltip or node.id),
    }
    if node.style is NodeStyle.REMOVED:
        attrs["style"] = "rounded,filled,dashed"
    return attrs


def render(diagram: Diagram) -> str:
    """The DOT source of ``diagram`` (top to bottom: importers above what they import)."""
    ids = node_ids(node.id for node in diagram.nodes)
    context = RenderContext(rankdir=Rankdir.TOP_BOTTOM)
    with context.graph(name="importgate", concentrate=False):
        # Graphviz's default ranking of clusters fails ("trouble in init_rank") on a
        # layered graph with many imports across the boxes (importgate at --depth 2);
        # newrank ranks the whole graph at once and keeps each cluster together.
        context.writeln("    newrank=true;")
        if diagram.title:
            context.writeln(f'    label="{_value(diagram.title)}"; labelloc=t; fontname=Helvetica;')
        layers = sorted(
            {node.layer for node in diagram.nodes if node.layer is not None}, reverse=True
        )
        for layer in layers:
            members = [node for node in diagram.nodes if node.layer == layer]
            caption = _value(members[0].layer_name or f"layer {layer}")
            # RenderContext has no cluster helper; writeln is its raw-text method.
            context.writeln(f"    subgraph cluster_layer_{layer} {{")
            context.writeln(
                f'    label="{caption}"; style="rounded,dashed"; color="#9ca3af"; '
                "fontname=Helvetica; fontsize=10;"
            )
            for node in members:
                context.write_node(ids[node.id], **_node_attrs(node, ids[node.id]))
            context.writeln("    }")
        for node in diagram.nodes:
            if node.layer is None:
                context.write_node(ids[node.id], **_node_attrs(node, ids[node.id]))
        for index, edge in enumerate(diagram.edges):
            attrs = {
                "id": f"edge-{index}",
                "label": _value(edge.label),
                "color": EDGE_COLOURS[edge.style],
                "fontcolor": EDGE_COLOURS[edge.style],
                "tooltip": _value(edge.tooltip or f"{edge.source} imports {edge.target}"),
                "fontname": "Helvetica",
                "fontsize": "9",
            }
            if edge.style in (EdgeStyle.BROKEN, EdgeStyle.ADDED):
                attrs["penwidth"] = "2.5"
            if edge.style is EdgeStyle.REMOVED:
                attrs["style"] = "dashed"
            context.write_rule(ids[edge.source], ids[edge.target], **attrs)
        # An invisible edge from the layer above to every member pulls each module up to
        # its layer's top row; without one, a module imported only from far above (cli ->
        # report) may sink below its layer-mates and look like a lower layer.
        for upper, lower in itertools.pairwise(layers):
            first_upper = next(n for n in diagram.nodes if n.layer == upper)
            for member in (n for n in diagram.nodes if n.layer == lower):
                context.write_rule(ids[first_upper.id], ids[member.id], style="invis")
    text: str = context.text()
    return text


def require_dot() -> str:
    """The layout program's path (see :func:`importgate.report.graphviz.program`).

    :class:`CouldNotRun` when there is none, or when ``IMPORTGATE_DOT`` names nothing.
    """
    return graphviz.program().path


def to_svg(dot_source: str) -> str:
    """Lay out ``dot_source`` (system ``dot``, else graphviz-pure) and return the SVG text."""
    return graphviz.layout(dot_source, "svg")
