"""The bottom layer: plain value types shared by every other part of importgate.

Nothing here imports grimp, import-linter or any sibling package, so results can be
built, compared and serialised without touching a graph.
"""

from importgate.model.baseline import BaselineEntry, BaselineReport, BaselineStatus
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
    DETAILS_KEY,
    VIOLATIONS_KEY,
    CheckResult,
    ContractResult,
    ImportKind,
    Link,
    Violation,
)

__all__ = [
    "DETAILS_KEY",
    "EXIT_BROKEN",
    "EXIT_COULD_NOT_RUN",
    "EXIT_KEPT",
    "VIOLATIONS_KEY",
    "BaselineEntry",
    "BaselineReport",
    "BaselineStatus",
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
