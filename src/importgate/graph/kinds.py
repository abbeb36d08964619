"""Classify import lines as runtime, deferred or typing-only.

grimp tells us *that* a module imports another on a given line; it does not say
whether that line runs when the module is imported. We answer from what encloses the
line: an ``if TYPE_CHECKING:`` block makes it typing-only, a function body makes it
deferred, anything else runs at import time.

This sits on the hot path of every report, so it is careful about cost:

* a statement that starts in column 0 is a module-level statement, so an import line
  with no indentation is ``runtime`` without parsing anything;
* for an indented line, the enclosing block headers are found by walking up the file
  to lines of smaller indentation (``def ...:``, ``if TYPE_CHECKING:``, ``else:``...);
* when that walk meets anything it cannot be sure of (a docstring or bracket that
  breaks the indentation), the file is parsed with ``ast`` (the standard library's
  parser: no import parsing of our own) and the walk visits statements only.

Parsing every importing file costs more than building the graph for a typical broken
contract; the text walk answers almost every line exactly and the parser the rest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from importgate.model import ImportKind

Span = tuple[int, int]


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


def _spans(tree: ast.Module) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
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


@lru_cache(maxsize=256)
def _lines_of(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


@lru_cache(maxsize=4096)
def _spans_of(path: Path) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    try:
        tree = ast.parse("\n".join(_lines_of(path)), filename=str(path))
    except (SyntaxError, ValueError):
        return (), ()
    return _spans(tree)


_HEADER_KEYWORDS = (
    "def",
    "async",
    "class",
    "if",
    "elif",
    "else",
    "try",
    "except",
    "finally",
    "with",
    "for",
    "while",
    "match",
    "case",
)


def _header_kind(header: str) -> ImportKind | None:
    """What a block header makes of the code it encloses (None: no effect)."""
    word = header.split(None, 1)[0].rstrip(":")
    if word in ("def", "async"):
        return ImportKind.DEFERRED
    if word in ("if", "elif") and header.rstrip(":").strip().split(None, 1)[-1].split(".")[-1] == (
        "TYPE_CHECKING"
    ):
        return ImportKind.TYPING
    return None


def _indent(text: str) -> int:
    """Indentation of one line; -1 for blank and comment-only lines."""
    stripped = text.lstrip(" \t")
    return -1 if not stripped or stripped[0] == "#" else len(text) - len(stripped)


class _Outline:
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


@lru_cache(maxsize=256)
def _outline_of(path: Path) -> _Outline:
    return _Outline(_lines_of(path))


def _opens_definition(code: str) -> bool:
    """A ``def`` / ``class`` header whose parameters go on over the next lines.

    ``def``, ``async`` and ``class`` are keywords, so a line starting with one is the
    start of a definition, never the continuation of an expression.
    """
    return code.split(None, 1)[0] in ("def", "async", "class") and code.count("(") > code.count(")")


def _classify_by_text(
    lines: tuple[str, ...], line: int, outline: _Outline | None = None
) -> ImportKind | None:
    """Classify from indentation alone; None when the text is ambiguous."""
    if not 0 < line <= len(lines):
        return None
    outline = outline or _Outline(lines)
    indent = outline.indent(line - 1)
    found: list[ImportKind] = []
    closing = False  # just passed the ')' line of a multi-line header
    index = line - 1
    while indent > 0:
        index = outline.above(index, indent)
        if index < 0:
            break
        code = lines[index].strip().split("#", 1)[0].rstrip()
        if code[:1] in (")", "]", "}"):
            closing = True
            continue
        if code.split(None, 1)[0].rstrip(":(") not in _HEADER_KEYWORDS:
            if code.startswith("@"):
                continue
            return None
        if not (code.endswith(":") or closing or _opens_definition(code)):
            return None
        closing = False
        indent = outline.indent(index)
        if kind := _header_kind(code):
            found.append(kind)
    if closing or indent:
        return None
    if ImportKind.TYPING in found:
        return ImportKind.TYPING
    return ImportKind.DEFERRED if found else ImportKind.RUNTIME


def classify_lines(path: Path | None, line_numbers: Iterable[int]) -> Mapping[int, ImportKind]:
    """Return the kind of the import statement on each of ``line_numbers`` in ``path``."""
    lines = list(line_numbers)
    if path is None:
        return dict.fromkeys(lines, ImportKind.UNKNOWN)
    source = _lines_of(path)
    kinds: dict[int, ImportKind] = {}
    for line in lines:
        if 0 < line <= len(source) and source[line - 1][:1] not in (" ", "\t"):
            kinds[line] = ImportKind.RUNTIME  # column 0: a module-level statement
        elif kind := _classify_by_text(source, line, _outline_of(path)):
            kinds[line] = kind
    indented = [line for line in lines if line not in kinds]
    if not indented:
        return kinds
    typing, deferred = _spans_of(path)
    for line in indented:
        if any(start <= line <= end for start, end in typing):
            kinds[line] = ImportKind.TYPING
        elif any(start <= line <= end for start, end in deferred):
            kinds[line] = ImportKind.DEFERRED
        else:
            kinds[line] = ImportKind.RUNTIME
    return kinds
