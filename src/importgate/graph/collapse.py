"""Collapse a package's import graph to a chosen depth, counting the imports merged.

A picture of every module is unreadable past a few dozen modules; what architecture
reviews look at is how the *parts* of a package depend on each other. ``collapse``
merges each module below ``root`` into its ancestor ``depth`` levels below ``root``
(``depth=1``: the root's children) and counts, for each pair of parts, the distinct
module-to-module imports between them.

grimp answers "which modules does X import directly"; it has no notion of collapsing
(its ``find_illegal_dependencies_for_layers`` works on chains, not counts), and pydeps
clusters by file system, not by depth below an arbitrary module. The loop here is a
single pass over the descendants' direct imports, so it is linear in the number of
imports.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import grimp

from importgate.model.diagram import CollapsedGraph

__all__ = ["CollapsedGraph", "collapse", "collapsed_name"]


def collapsed_name(module: str, root: str, depth: int) -> str | None:
    """The node ``module`` merges into, or None when it is not a descendant of ``root``.

    >>> collapsed_name("pkg.a.b.c", "pkg", 1)
    'pkg.a'
    >>> collapsed_name("pkg.a", "pkg", 3)
    'pkg.a'
    >>> collapsed_name("other.a", "pkg", 1) is None
    True
    """
    if not module.startswith(root + "."):
        return None
    parts = module.split(".")
    return ".".join(parts[: root.count(".") + 1 + depth])


def collapse(
    graph: grimp.ImportGraph, root: str, depth: int = 1, *, include_root: bool = False
) -> CollapsedGraph:
    """The dependency graph among ``root``'s descendants collapsed to ``depth``.

    Imports of modules outside ``root`` are left out. Imports from or to ``root``
    itself (its ``__init__``) are left out too, unless ``include_root`` is true, in
    which case ``root`` is a node of its own. An import inside one node (after
    merging) is not an edge. Raises ``ValueError`` when ``depth < 1`` or ``root`` is
    not a module of ``graph``.
    """
    if depth < 1:
        raise ValueError(f"depth must be 1 or more, not {depth}")
    if root not in graph.modules:
        raise ValueError(f"{root} is not a module of the import graph")

    descendants = sorted(graph.find_descendants(root))
    scope = [root, *descendants] if include_root else descendants
    node_of: dict[str, str] = {
        module: collapsed_name(module, root, depth) or root for module in scope
    }

    members: defaultdict[str, list[str]] = defaultdict(list)
    for module in scope:
        members[node_of[module]].append(module)

    edges: Counter[tuple[str, str]] = Counter()
    for module in scope:
        source = node_of[module]
        for imported in graph.find_modules_directly_imported_by(module):
            target = node_of.get(imported)
            if target is not None and target != source:
                edges[(source, target)] += 1

    return CollapsedGraph(
        root=root,
        depth=depth,
        nodes=tuple(sorted(members)),
        edges=dict(sorted(edges.items())),
        members={node: tuple(names) for node, names in sorted(members.items())},
    )
