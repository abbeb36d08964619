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
  breaks the indentation), the code around the line is parsed with ``ast`` (the
  standard library's parser: no import parsing of our own; see
  :mod:`importgate.graph.syntax`).

Parsing every importing file costs more than building the graph for a typical broken
contract; the text walk answers almost every line exactly and the parser the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from importgate.graph.outline import Outline, indentation
from importgate.graph.syntax import Spans, parse_spans, window_spans, window_start
from importgate.model import ImportKind


class _Source:
    """A file's text, cut into lines only as far as the questions about it reach.

    The walk only ever looks upward from an import line, and most imports sit in the
    top part of a file: on django + sympy, a report needs 210,000 of the 480,000 lines
    of the files it reads, and cutting a line costs more than reading it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self._rest = 0  # where the part not cut yet starts; -1 once all is cut
        self._outline: Outline | None = None

    def upto(self, count: int | None) -> list[str]:
        """The lines, at least the first ``count`` (if the file has them); all for None."""
        lines = self.lines
        if self._rest < 0 or (count is not None and len(lines) >= count):
            return lines
        rest = self.text[self._rest :] if self._rest else self.text
        wanted = -1 if count is None else count - len(lines)
        parts = rest.split("\n", wanted)
        if wanted < 0 or len(parts) <= wanted:  # the text ran out
            self._rest = -1
            if parts[-1] == "":
                parts.pop()
        else:
            self._rest = len(self.text) - len(parts.pop())
        lines.extend(parts)
        return lines

    @property
    def outline(self) -> Outline:
        """The indentation structure, over the same (growing) list of lines."""
        if self._outline is None:
            self._outline = Outline(self.lines)
        return self._outline


@lru_cache(maxsize=1024)  # a big report links a few hundred files, each many times
def _source_of(path: Path) -> _Source:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        text = ""
    # Lines as Python (and grimp) number them: only \r\n, \r and \n end a line.
    # str.splitlines() also splits at form feeds and other separators, which shifts
    # every line number after a page break ('^L') in old code.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Source(text)


def _lines_of(path: Path) -> tuple[str, ...]:
    """Every line of ``path`` (none when it cannot be read)."""
    return tuple(_source_of(path).upto(None))


@lru_cache(maxsize=4096)
def _spans_of(path: Path) -> Spans:
    return parse_spans(_source_of(path).text, filename=str(path)) or ((), ())


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


# ``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` and nothing else: ``not t.TYPE_CHECKING``
# or ``x or t.TYPE_CHECKING`` guard code that does run.
_TYPE_CHECKING_TEST = re.compile(r"(?:\w+\s*\.\s*)*TYPE_CHECKING")


def _header_kind(header: str) -> ImportKind | None:
    """What a block header makes of the code it encloses (None: no effect)."""
    word = header.split(None, 1)[0].rstrip(":")
    if word in ("def", "async"):
        return ImportKind.DEFERRED
    condition = header.rstrip(":").strip().split(None, 1)[-1]
    if word in ("if", "elif") and _TYPE_CHECKING_TEST.fullmatch(condition):
        return ImportKind.TYPING
    return None


# Keywords that can only start a compound statement's header (``match`` and ``case`` are
# soft keywords, so a line starting with them may be a continued expression).
_CONTINUED_HEADERS = ("def", "async", "class", "if", "elif", "while", "for", "with", "except")

# A condition that is only a name or an attribute (``TYPE_CHECKING``,
# ``typing.TYPE_CHECKING``) has nothing but these characters, and none of these words.
_NOT_A_NAME = re.compile(r"[^\w.()\s\\]|\b(?:and|or|not|is|in|if|else|lambda)\b|\w\s*\(")


def _continued_header(code: str) -> bool:
    """The first line of a header that goes on over the next lines.

    A bracket left open or a trailing backslash continues the line.
    """
    if code.split(None, 1)[0] not in _CONTINUED_HEADERS:
        return False
    return code.endswith("\\") or any(
        code.count(opening) > code.count(closing) for opening, closing in ("()", "[]", "{}")
    )


def _may_hide_type_checking(code: str) -> bool:
    """A condition split over lines, of which this first line does not show enough.

    Only a bare name or attribute counts as a ``TYPE_CHECKING`` test; when the visible
    part already has an operator, a call or a literal, the condition is not one.
    """
    word = code.split(None, 1)[0]
    return word in ("if", "elif") and not _NOT_A_NAME.search(code[len(word) :])


def _classify_by_text(
    lines: Sequence[str], line: int, outline: Outline | None = None
) -> ImportKind | None:
    """Classify from indentation alone; None when the text is ambiguous."""
    if not 0 < line <= len(lines):
        return None
    outline = outline or Outline(lines)
    indent = outline.indent(line - 1)
    found: list[ImportKind] = []
    closing = False  # just passed the ')' line of a multi-line header
    index = line - 1
    while indent > 0:
        index = outline.above(index, indent)
        if index < 0:
            break
        code = lines[index].strip().split("#", 1)[0].rstrip()
        if not code:  # only characters Python does not take as indentation
            return None
        if code[:1] in (")", "]", "}"):
            closing = True
            continue
        if code.split(None, 1)[0].rstrip(":(") not in _HEADER_KEYWORDS:
            if code.startswith("@"):
                continue
            return None
        continued = not code.endswith(":")  # the header goes on below this line
        if continued and not (closing or _continued_header(code)):
            return None
        if continued and _may_hide_type_checking(code):
            return None
        closing = False
        indent = outline.indent(index)
        if continued and code.split(None, 1)[0] in ("if", "elif"):
            continue  # shown above not to be a TYPE_CHECKING test
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
    if not lines:
        return {}
    text = _source_of(path)
    source = text.upto(max(lines))
    kinds: dict[int, ImportKind] = {}
    for line in lines:
        if 0 < line <= len(source) and indentation(source[line - 1]) == 0:
            kinds[line] = ImportKind.RUNTIME  # column 0: a module-level statement
        elif kind := _classify_by_text(source, line, text.outline):
            kinds[line] = kind
    indented = [line for line in lines if line not in kinds]
    if not indented:
        return kinds
    source = text.upto(None)  # a window may reach below the line
    # The parser: a window around each group of lines when it parses, else the file.
    groups: dict[int, list[int]] = {}
    for line in indented:
        groups.setdefault(window_start(source, line), []).append(line)
    for start, group in groups.items():
        typing, deferred = window_spans(source, start, max(group)) or _spans_of(path)
        for line in group:
            if any(first <= line <= last for first, last in typing):
                kinds[line] = ImportKind.TYPING
            elif any(first <= line <= last for first, last in deferred):
                kinds[line] = ImportKind.DEFERRED
            else:
                kinds[line] = ImportKind.RUNTIME
    return kinds
