"""``ignore_kinds``: leave imports of some kinds out of a contract's graph.

importgate classifies every import line as ``runtime`` (module level), ``deferred``
(inside a function) or ``typing`` (under ``if TYPE_CHECKING:``). A contract with
``ignore_kinds = typing`` (or ``typing, deferred``) checks the graph as if imports of
those kinds did not exist: the lines of ignored kinds are taken out of the graph, and
the edge ``a -> b`` disappears when *every* line on which ``a`` imports ``b`` is of an
ignored kind. An edge with one runtime line stays, and its report shows only the lines
that still count.

The contract's graph is already a copy (import-linter and importgate hand each contract
its own), so the edges are removed in place before the standard logic runs.
"""

from __future__ import annotations

from collections.abc import Iterable

import grimp
from importlinter import fields

from importgate.graph import LinkFactory
from importgate.model import ImportKind

IGNORABLE = (ImportKind.RUNTIME, ImportKind.DEFERRED, ImportKind.TYPING)
IGNORED_KIND_COUNT_KEY = "ignored_kind_import_count"


class ImportKindsField(fields.Field):  # type: ignore[type-arg]
    """A set of import kinds: ``typing``, ``typing, deferred`` or one kind per line."""

    def parse(self, raw_data: str | list[str]) -> frozenset[ImportKind]:
        items = raw_data if isinstance(raw_data, list) else [raw_data]
        names = [part.strip() for item in items for part in item.split(",") if part.strip()]
        allowed = {str(kind) for kind in IGNORABLE}
        unknown = sorted(set(names) - allowed)
        if unknown:
            raise fields.ValidationError(
                f"Unknown import kind {', '.join(map(repr, unknown))}; "
                f"use {', '.join(sorted(allowed))} (comma-separated)."
            )
        return frozenset(ImportKind(name) for name in names)


def drop_import_kinds(
    graph: grimp.ImportGraph,
    kinds: Iterable[ImportKind],
    modules: Iterable[str] | None = None,
    links: LinkFactory | None = None,
) -> int:
    """Remove the import lines of ``kinds``, and so every edge made only of such lines.

    ``modules`` limits the importers (and the imported modules) looked at; by default,
    every module of the graph. Returns the number of edges removed entirely.
    """
    ignored = frozenset(kinds)
    if not ignored:
        return 0
    links = links or LinkFactory(graph)
    scope = set(graph.modules if modules is None else modules)
    removed = 0
    for importer in sorted(scope):
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & scope):
            kinds_by_line = links.kinds_of(importer, imported)
            if not ignored.intersection(kinds_by_line.values()):
                continue
            details = graph.get_import_details(importer=importer, imported=imported)
            graph.remove_import(importer=importer, imported=imported)
            kept = [d for d in details if kinds_by_line.get(d["line_number"]) not in ignored]
            for detail in kept:  # put back the lines of kinds that still count
                graph.add_import(
                    importer=importer,
                    imported=imported,
                    line_number=detail["line_number"],
                    line_contents=detail["line_contents"],
                )
            removed += not kept
    return removed
