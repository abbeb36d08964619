"""What a picture of an import graph is made of, independent of how it is drawn.

Several writers share these types: the Mermaid writer (``importgate.report.mermaid``),
the DOT / SVG / HTML writers of ``importgate graph`` and the diagrams of ``check
--format markdown`` and ``importgate diff``. Each of them gets a :class:`Diagram` and
draws it; none of them looks at a grimp graph.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class EdgeStyle(enum.StrEnum):
    """How an edge is drawn; each writer maps these to its own colours and strokes."""

    NORMAL = "normal"
    """An import the contracts allow: plain grey arrow."""

    BROKEN = "broken"
    """An import that breaks a contract: red."""

    ADDED = "added"
    """An import a change adds (``importgate diff``): green."""

    REMOVED = "removed"
    """An import a change removes (``importgate diff``): dashed grey."""

    CYCLE = "cycle"
    """An import that lies on an import cycle: orange."""


class NodeStyle(enum.StrEnum):
    """How a node (a module or collapsed package) is drawn."""

    NORMAL = "normal"
    CYCLE = "cycle"
    """The module takes part in an import cycle."""

    BROKEN = "broken"
    """The module is the importer or imported end of a contract-breaking import."""

    ADDED = "added"
    """The module exists only after a change."""

    REMOVED = "removed"
    """The module exists only before a change."""


@dataclass(frozen=True, slots=True)
class DiagramNode:
    """A box in the picture.

    ``id`` is the full module name (unique in a diagram; writers turn it into a safe
    identifier of their own); ``label`` is what is shown, e.g. the name relative to
    the package drawn. ``layer`` orders boxes bottom-up: 0 is the lowest layer of a
    layers contract, higher numbers sit above it, ``None`` means "not in a layer".
    ``layer_name`` is the caption of that layer (e.g. ``"engine | report"``).
    """

    id: str
    label: str = ""
    layer: int | None = None
    layer_name: str = ""
    style: NodeStyle = NodeStyle.NORMAL
    tooltip: str = ""

    @property
    def text(self) -> str:
        """The label, or the id when no label was given."""
        return self.label or self.id


@dataclass(frozen=True, slots=True)
class DiagramEdge:
    """An arrow ``source -> target`` meaning "source imports target"."""

    source: str
    target: str
    label: str = ""
    style: EdgeStyle = EdgeStyle.NORMAL
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class Diagram:
    """Nodes and edges to draw; every edge's ends are ids of ``nodes``."""

    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...] = ()
    title: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)

    def node(self, node_id: str) -> DiagramNode:
        """The node with id ``node_id`` (KeyError when absent)."""
        for candidate in self.nodes:
            if candidate.id == node_id:
                return candidate
        raise KeyError(node_id)

    @property
    def layered(self) -> bool:
        """True when at least one node sits in a layer."""
        return any(node.layer is not None for node in self.nodes)


@dataclass(frozen=True, slots=True)
class CollapsedGraph:
    """The imports among a package's descendants, collapsed to a depth.

    Built by :func:`importgate.graph.collapse.collapse`. ``nodes`` are module names at
    most ``depth`` levels below ``root`` (a deeper module is merged into its ancestor
    at that depth). ``edges[(a, b)]`` is the number of distinct module-to-module
    imports from a module inside ``a`` to a module inside ``b`` (``a != b``).
    ``members[a]`` lists the modules merged into node ``a`` (``a`` itself included
    when it is a module of the graph).
    """

    root: str
    depth: int
    nodes: tuple[str, ...]
    edges: Mapping[tuple[str, str], int]
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def imports_of(self, node: str) -> tuple[str, ...]:
        """The nodes ``node`` imports, sorted."""
        return tuple(sorted(b for (a, b) in self.edges if a == node))

    def importers_of(self, node: str) -> tuple[str, ...]:
        """The nodes that import ``node``, sorted."""
        return tuple(sorted(a for (a, b) in self.edges if b == node))

    def label(self, node: str) -> str:
        """``node`` relative to ``root`` (``"a.b"`` under ``"pkg"`` for ``"pkg.a.b"``)."""
        prefix = self.root + "."
        return node[len(prefix) :] if node.startswith(prefix) else node
