"""The bottom layer: plain value types shared by every other part of importgate.

Nothing here imports grimp, import-linter or any sibling package, so results can be
built, compared and serialised without touching a graph.
"""

from importgate.model.diagram import (
    CollapsedGraph,
    Diagram,
    DiagramEdge,
    DiagramNode,
    EdgeStyle,
    NodeStyle,
)
from importgate.model.errors import EXIT_BROKEN, EXIT_COULD_NOT_RUN, EXIT_KEPT, CouldNotRun
from importgate.model.results import (
    VIOLATIONS_KEY,
    CheckResult,
    ContractResult,
    ImportKind,
    Link,
    Violation,
)

__all__ = [
    "EXIT_BROKEN",
    "EXIT_COULD_NOT_RUN",
    "EXIT_KEPT",
    "VIOLATIONS_KEY",
    "CheckResult",
    "CollapsedGraph",
    "ContractResult",
    "CouldNotRun",
    "Diagram",
    "DiagramEdge",
    "DiagramNode",
    "EdgeStyle",
    "ImportKind",
    "Link",
    "NodeStyle",
    "Violation",
]
