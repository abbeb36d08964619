"""Turn a grimp import pair into a fully explained :class:`~importgate.model.Link`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import grimp

from importgate.graph.kindcache import KindCache
from importgate.graph.kinds import classify_lines
from importgate.graph.sources import ModuleLocator
from importgate.model import ImportKind, Link

# Typing-only imports sort last so that a link is shown by its most "real" line.
_KIND_ORDER = {
    ImportKind.RUNTIME: 0,
    ImportKind.DEFERRED: 1,
    ImportKind.UNKNOWN: 2,
    ImportKind.TYPING: 3,
}


class LinkFactory:
    """Build links from a graph, with file paths, line text and import kinds."""

    def __init__(
        self,
        graph: grimp.ImportGraph,
        locator: ModuleLocator | None = None,
        kind_cache: KindCache | None = None,
    ) -> None:
        self.graph = graph
        self.locator = locator or ModuleLocator()
        self.kind_cache = kind_cache

    def _classify(self, importer: str, lines: list[int]) -> dict[int, ImportKind]:
        path = self.locator.file_of(importer)
        if path is None or self.kind_cache is None:
            return dict(classify_lines(path, lines))
        return self.kind_cache.kinds(path, lines, classify_lines)

    def kinds_of(self, importer: str, imported: str) -> dict[int, ImportKind]:
        """The kind of every line on which ``importer`` imports ``imported``."""
        details = self.graph.get_import_details(importer=importer, imported=imported)
        return self._classify(importer, [detail["line_number"] for detail in details])

    def link(self, importer: str, imported: str, line_numbers: Iterable[int | None] = ()) -> Link:
        """Explain the direct import ``importer -> imported``.

        ``line_numbers`` restricts the link to those lines (as reported by a contract);
        by default every line of the import is used.
        """
        details = self.graph.get_import_details(importer=importer, imported=imported)
        wanted = {n for n in line_numbers if n is not None}
        if wanted:
            details = [d for d in details if d["line_number"] in wanted] or details
        kinds = self._classify(importer, [d["line_number"] for d in details])
        details = sorted(
            details,
            key=lambda d: (_KIND_ORDER[kinds[d["line_number"]]], d["line_number"]),
        )
        if not details:
            return Link(
                importer=importer, imported=imported, path=self.locator.display_path(importer)
            )
        first = details[0]
        return Link(
            importer=importer,
            imported=imported,
            path=self.locator.display_path(importer),
            line_number=first["line_number"],
            line_contents=first["line_contents"].strip(),
            line_numbers=tuple(d["line_number"] for d in details),
            kind=kinds[first["line_number"]],
        )

    def chain(self, modules: Iterable[str]) -> tuple[Link, ...]:
        """Links along a path of modules ``[a, b, c]`` -> ``a->b``, ``b->c``."""
        names = list(modules)
        return tuple(self.link(a, b) for a, b in itertools.pairwise(names))
