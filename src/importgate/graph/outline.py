"""Where each line of a source file sits in the block structure, found by indentation.

Used by :mod:`importgate.graph.kinds` to walk from an import line up to the block
headers that enclose it.
"""

from __future__ import annotations

from collections.abc import Sequence


def indentation(text: str) -> int:
    """Indentation of one line; -1 for blank and comment-only lines.

    As in Python's tokenizer, a form feed in the leading blanks starts the count anew.
    """
    stripped = text.lstrip(" \t\f")
    if not stripped or stripped[0] == "#":
        return -1
    leading = text[: len(text) - len(stripped)]
    return len(leading) - leading.rfind("\f") - 1


class Outline:
    """The indentation structure of one file, worked out only where the walk goes.

    ``above(index, indent)`` is the nearest line above ``index`` indented less than
    ``indent``. Scanning line by line, every import in a long function would re-read the
    function up to its header. Instead, each line a scan passes learns its "parent" (the
    nearest line above it that is indented less) as soon as the scan meets that parent,
    and later scans jump from a line straight to its parent: everything in between is
    indented at least as deep. Each line of a file is scanned at most once.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines  # may be a list that grows (more of the file cut into lines)
        self._indents: list[int | None] = [None] * len(lines)
        self._parents: dict[int, int] = {}

    def _grow(self) -> None:
        self._indents.extend([None] * (len(self.lines) - len(self._indents)))

    def indent(self, index: int) -> int:
        if index >= len(self._indents):
            self._grow()
        known = self._indents[index]
        if known is None:
            known = self._indents[index] = indentation(self.lines[index])
        return known

    def above(self, index: int, indent: int) -> int:
        """Index of the nearest line above ``index`` with ``0 <= indentation < indent``."""
        # The hot loop of a big report: indent() is inlined and attributes are locals.
        if index > len(self._indents):
            self._grow()
        lines, indents, parents = self.lines, self._indents, self._parents
        pending: list[int] = []  # passed lines whose parent is not met yet, deepest last
        candidate = index - 1
        while candidate >= 0:
            depth = indents[candidate]
            if depth is None:
                depth = indents[candidate] = indentation(lines[candidate])
            if depth < 0:  # blank or comment-only: no place in the structure
                candidate -= 1
                continue
            while pending and (indents[pending[-1]] or 0) > depth:
                parents[pending.pop()] = candidate
            if depth < indent:
                return candidate
            parent = parents.get(candidate)
            if parent is None:
                pending.append(candidate)
                candidate -= 1
            else:
                candidate = parent
        for line in pending:
            parents[line] = -1  # nothing above is indented less
        return -1
