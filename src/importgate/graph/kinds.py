"""Classify import lines as runtime, deferred or typing-only.

grimp tells us *that* a module imports another on a given line; it does not say
whether that line runs when the module is imported. We read the importing file's
syntax tree (``ast``, the standard library's parser - no import parsing of our own) and
look at what encloses each line: an ``if TYPE_CHECKING:`` block makes it typing-only,
a function body makes it deferred, anything else runs at import time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from importgate.model import ImportKind


def _is_type_checking_test(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return False


class _Spans(ast.NodeVisitor):
    """Collect the line spans of TYPE_CHECKING blocks and function bodies."""

    def __init__(self) -> None:
        self.typing: list[tuple[int, int]] = []
        self.deferred: list[tuple[int, int]] = []

    def _span(self, nodes: list[ast.stmt]) -> tuple[int, int] | None:
        if not nodes:
            return None
        return nodes[0].lineno, max(node.end_lineno or node.lineno for node in nodes)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking_test(node.test):
            span = self._span(node.body)
            if span:
                self.typing.append(span)
        self.generic_visit(node)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        span = self._span(node.body)
        if span:
            self.deferred.append(span)
        self.generic_visit(node)

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function


@lru_cache(maxsize=4096)
def _spans_of(path: Path) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return (), ()
    visitor = _Spans()
    visitor.visit(tree)
    return tuple(visitor.typing), tuple(visitor.deferred)


def classify_lines(path: Path | None, line_numbers: Iterable[int]) -> Mapping[int, ImportKind]:
    """Return the kind of the import statement on each of ``line_numbers`` in ``path``."""
    lines = list(line_numbers)
    if path is None:
        return dict.fromkeys(lines, ImportKind.UNKNOWN)
    typing, deferred = _spans_of(path)
    kinds: dict[int, ImportKind] = {}
    for line in lines:
        if any(start <= line <= end for start, end in typing):
            kinds[line] = ImportKind.TYPING
        elif any(start <= line <= end for start, end in deferred):
            kinds[line] = ImportKind.DEFERRED
        else:
            kinds[line] = ImportKind.RUNTIME
    return kinds
