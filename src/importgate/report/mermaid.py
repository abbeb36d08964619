"""Write a :class:`~importgate.model.diagram.Diagram` as a Mermaid ``flowchart``.

Mermaid renders natively in GitHub and GitLab markdown, so it is what the README, the
pull-request comment (``check --format markdown``) and ``importgate diff`` embed. No
Python library writes Mermaid with the escaping and styling rules below (the PyPI
``mermaid`` packages render through a web service), so this writer is importgate's own:

* node ids are made from module names but kept to ``[A-Za-z0-9_]`` with an ``m_``
  prefix, so no name can collide with a keyword (``end``, ``graph``, ``click``) or read
  as an arrow head (``o``/``x`` right after ``--``); labels are always quoted, with
  Mermaid's entity codes (``#quot;``, ``#lt;`` ...) for characters that would end or
  change them;
* arrow styles: broken imports red, added green, removed dashed grey, cycle edges
  orange, via ``linkStyle`` (link indices count every link, so the invisible layer
  links come last);
* layered diagrams: one subgraph per layer, highest layer first, chained with
  invisible links (``~~~``) so the lowest layer is drawn at the bottom even where no
  import connects two layers.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable

from importgate.model.diagram import Diagram, DiagramEdge, EdgeStyle, NodeStyle

__all__ = [
    "EDGE_COLOURS",
    "MAX_EDGES",
    "MAX_TEXT",
    "fenced",
    "node_ids",
    "quote",
    "render",
    "too_big",
]

EDGE_COLOURS: dict[EdgeStyle, str] = {
    EdgeStyle.NORMAL: "#6b7280",
    EdgeStyle.BROKEN: "#d32f2f",
    EdgeStyle.ADDED: "#2e7d32",
    EdgeStyle.REMOVED: "#9e9e9e",
    EdgeStyle.CYCLE: "#ef6c00",
}
"""Stroke colour of each edge style (shared with the other writers)."""

MAX_EDGES = 500
MAX_TEXT = 50_000
"""Mermaid's default ``maxEdges`` and ``maxTextSize``: past them GitHub shows an error box."""


def too_big(source: str) -> str | None:
    """Why Mermaid's default limits would refuse ``source``, or None when it fits."""
    edges = sum(1 for line in source.splitlines() if re.search(r" (-->|==>|-\.->|~~~)", line))
    if edges > MAX_EDGES:
        return f"{edges} links (Mermaid draws at most {MAX_EDGES})"
    if len(source) > MAX_TEXT:
        return f"{len(source)} characters (Mermaid reads at most {MAX_TEXT})"
    return None


_ARROWS = {
    EdgeStyle.NORMAL: "-->",
    EdgeStyle.BROKEN: "==>",
    EdgeStyle.ADDED: "==>",
    EdgeStyle.REMOVED: "-.->",
    EdgeStyle.CYCLE: "-->",
}

_LINK_STYLES = {
    EdgeStyle.BROKEN: f"stroke:{EDGE_COLOURS[EdgeStyle.BROKEN]},stroke-width:3px,"
    f"color:{EDGE_COLOURS[EdgeStyle.BROKEN]}",
    EdgeStyle.ADDED: f"stroke:{EDGE_COLOURS[EdgeStyle.ADDED]},stroke-width:3px,"
    f"color:{EDGE_COLOURS[EdgeStyle.ADDED]}",
    EdgeStyle.REMOVED: f"stroke:{EDGE_COLOURS[EdgeStyle.REMOVED]},stroke-width:1px,"
    "stroke-dasharray:5 5",
    EdgeStyle.CYCLE: f"stroke:{EDGE_COLOURS[EdgeStyle.CYCLE]},stroke-width:2px",
}

_CLASS_DEFS = {
    NodeStyle.CYCLE: "fill:#fff3e0,stroke:#ef6c00,stroke-width:2px",
    NodeStyle.BROKEN: "fill:#ffebee,stroke:#d32f2f,stroke-width:2px",
    NodeStyle.ADDED: "fill:#e8f5e9,stroke:#2e7d32,stroke-width:2px",
    NodeStyle.REMOVED: "fill:#f5f5f5,stroke:#9e9e9e,stroke-dasharray:5 5,color:#757575",
}

# Characters that end a quoted label or change how it is read, as Mermaid entity codes.
_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
}
_ENTITY_PATTERN = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


def quote(text: str) -> str:
    """``text`` as a double-quoted Mermaid string that shows exactly ``text``."""
    flat = " ".join(text.split())
    return '"' + _ENTITY_PATTERN.sub(lambda match: _ENTITIES[match.group()], flat) + '"'


def node_ids(names: Iterable[str]) -> dict[str, str]:
    """A safe, unique Mermaid id for each name (stable for the same input order)."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if name in ids:
            continue
        base = "m_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
        candidate, counter = base, 1
        while candidate in used:
            counter += 1
            candidate = f"{base}_{counter}"
        used.add(candidate)
        ids[name] = candidate
    return ids


def _edge_line(edge: DiagramEdge, ids: dict[str, str]) -> str:
    arrow = _ARROWS[edge.style]
    label = f"|{quote(edge.label)}|" if edge.label else ""
    return f"    {ids[edge.source]} {arrow}{label} {ids[edge.target]}"


def render(diagram: Diagram, direction: str = "TB") -> str:
    """The Mermaid source of ``diagram`` (no code fence), ending with a newline.

    ``direction`` is Mermaid's (``TB``, ``BT``, ``LR``, ``RL``). Edges whose ends are
    not nodes of the diagram raise ``KeyError``.
    """
    lines: list[str] = []
    if diagram.title:
        lines += ["---", f"title: {json.dumps(diagram.title)}", "---"]
    lines.append(f"flowchart {direction}")
    ids = node_ids(node.id for node in diagram.nodes)

    layers = sorted({node.layer for node in diagram.nodes if node.layer is not None}, reverse=True)
    for layer in layers:
        members = [node for node in diagram.nodes if node.layer == layer]
        caption = members[0].layer_name or f"layer {layer}"
        lines.append(f"    subgraph layer_{layer}[{quote(caption)}]")
        lines.append("        direction LR")
        lines += [f"        {ids[node.id]}[{quote(node.text)}]" for node in members]
        lines.append("    end")
    lines += [
        f"    {ids[node.id]}[{quote(node.text)}]" for node in diagram.nodes if node.layer is None
    ]

    styled: dict[EdgeStyle, list[int]] = {}
    for index, edge in enumerate(diagram.edges):
        lines.append(_edge_line(edge, ids))
        styled.setdefault(edge.style, []).append(index)
    # Invisible links from each layer to the one below keep the layers in order.
    for upper, lower in itertools.pairwise(layers):
        lines.append(f"    layer_{upper} ~~~ layer_{lower}")

    for style, indices in styled.items():
        if style in _LINK_STYLES:
            lines.append(f"    linkStyle {','.join(map(str, indices))} {_LINK_STYLES[style]}")
    for node_style, definition in _CLASS_DEFS.items():
        members_ids = [ids[node.id] for node in diagram.nodes if node.style == node_style]
        if members_ids:
            lines.append(f"    classDef {node_style} {definition}")
            lines.append(f"    class {','.join(members_ids)} {node_style}")
    return "\n".join(lines) + "\n"


def fenced(diagram: Diagram, direction: str = "TB") -> str:
    """``render(diagram)`` inside a ```` ```mermaid ```` code fence, for markdown."""
    return "```mermaid\n" + render(diagram, direction) + "```\n"
