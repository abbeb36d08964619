"""Where each line of a source file sits in the block structure, found by indentation.

Used by :mod:`importgate.graph.kinds` to walk from an import line up to the block
headers that enclose it.
"""

from __future__ import annotations


def _indent(text: str) -> int:
    """Indentation of one line; -1 for blank and comment-only lines."""
    stripped = text.lstrip(" \t")
    return -1 if not stripped or stripped[0] == "#" else len(text) - len(stripped)


class Outline:
    """The indentation structure of one file, worked out only where the walk goes.

    ``above(index, indent)`` is the nearest line above ``index`` indented less than
    ``indent``. Scanning line by line, every import in a long class would re-read the
    class body up to its header; instead a line a scan passed at the indentation it
    looked for remembers the answer (its "parent"), and later scans jump from such a
    line straight to its parent over lines that are all indented at least as deep.
    """

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.lines = lines
        self._indents: list[int | None] = [None] * len(lines)
        self._parents: dict[int, int] = {}

    def indent(self, index: int) -> int:
        known = self._indents[index]
        if known is None:
            known = self._indents[index] = _indent(self.lines[index])
        return known

    def above(self, index: int, indent: int) -> int:
        """Index of the nearest line above ``index`` with ``0 <= indentation < indent``."""
        passed: list[int] = []  # lines as deep as ``indent``: their parent is the answer
        candidate = index - 1
        while candidate >= 0:
            depth = self.indent(candidate)
            if 0 <= depth < indent:
                break
            if depth == indent:
                passed.append(candidate)
            # Everything between a line and its parent is at least as deep as the line,
            # so the scan goes on at the parent itself (blank lines have no parent).
            parent = self._parents.get(candidate) if depth >= 0 else None
            candidate = candidate - 1 if parent is None else parent
        for line in passed:
            self._parents[line] = candidate
        return candidate
