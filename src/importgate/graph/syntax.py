"""The parser's answer for import lines the text walk of :mod:`importgate.graph.kinds`
cannot classify: which lines lie under ``if TYPE_CHECKING:`` or in a function body.

The walk gives up on a line when something between it and its block headers breaks the
indentation, almost always a docstring or string with text in column 0. Parsing the
whole file with ``ast`` answers exactly but costs in proportion to the file: one such
line in sympy's 8,000-line ``test_pretty.py`` cost 34 ms, and the syntax tree's tens of
thousands of nodes made the garbage collector run again and again.

So the parser first reads a *window*: from the nearest line above that starts a
top-level ``def``/``class`` (column 0, ending in ``:``) to the end of the import
statement. Read from a statement boundary, a window holds whole top-level statements
and then the start of the one around the import, whose blocks enclose the import
exactly as in the whole file. When the window does not parse (the import sits in a
``try:`` whose ``except`` lies below, the chosen ``def`` line was text in a string...),
or would be more than half the file, the whole file is parsed, once per file.

A window could mislead only if a string's column-0 line looked like a complete
``def ...:`` header *and* the text from it up to the import still parsed as Python with
the import in it; for real code the test suite compares every window's answer with the
whole file's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from importgate.graph.outline import indentation

Span = tuple[int, int]
Spans = tuple[tuple[Span, ...], tuple[Span, ...]]
"""``(typing, deferred)``: line ranges under ``if TYPE_CHECKING:`` and of function bodies."""

_TOP_LEVEL_HEADERS = ("def ", "async def ", "class ")


def _is_type_checking_test(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return False


def _span(nodes: list[ast.stmt]) -> Span | None:
    if not nodes:
        return None
    return nodes[0].lineno, max(node.end_lineno or node.lineno for node in nodes)


def _child_blocks(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in ``node`` (bodies, else-branches, handlers, cases)."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def spans(tree: ast.Module) -> Spans:
    """Where ``tree`` has ``if TYPE_CHECKING:`` bodies and function bodies."""
    typing: list[Span] = []
    deferred: list[Span] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking_test(node.test):
            if span := _span(node.body):
                typing.append(span)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            span := _span(node.body)
        ):
            deferred.append(span)
        for block in _child_blocks(node):
            todo.extend(block)
    return tuple(typing), tuple(deferred)


def parse_spans(text: str, filename: str = "<unknown>") -> Spans | None:
    """:func:`spans` of a whole source text; None when it does not parse."""
    try:
        return spans(ast.parse(text, filename=filename))
    except (SyntaxError, ValueError):
        return None


def window_start(lines: Sequence[str], line: int) -> int:
    """Index of the nearest top-level ``def``/``class`` line above ``line`` (else 0)."""
    for index in range(line - 2, 0, -1):
        text = lines[index]
        if text.startswith(_TOP_LEVEL_HEADERS) and text.split("#", 1)[0].rstrip().endswith(":"):
            return index
    return 0


def window_spans(lines: Sequence[str], start: int, last: int) -> Spans | None:
    """:func:`spans` of the window from index ``start`` to the statement on line ``last``,
    in the file's line numbers; None when the window does not parse or is too big."""
    depth = indentation(lines[last - 1])
    end = last  # the window ends before the next line that is not deeper than ``last``
    while end < len(lines):
        text = lines[end]
        indent = indentation(text)
        if 0 <= indent <= depth and text.lstrip()[:1] not in (")", "]", "}"):
            break
        end += 1
    if 2 * (end - start) > len(lines):
        return None  # parsing the whole file (once) costs little more
    found = parse_spans("\n".join(lines[start:end]))
    if found is None:
        return None
    typing, deferred = found
    return (
        tuple((first + start, final + start) for first, final in typing),
        tuple((first + start, final + start) for first, final in deferred),
    )
