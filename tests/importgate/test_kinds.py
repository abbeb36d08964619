"""Import lines are classified as runtime, deferred or typing-only from the syntax tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from importgate.graph import classify_lines
from importgate.model import ImportKind


def test_classification(tmp_path: Path):
    source = textwrap.dedent("""
        import os
        import typing
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import collections

        if typing.TYPE_CHECKING:
            import json
        else:
            import pickle

        def f():
            import csv

        class C:
            async def g(self):
                import re
        """).lstrip()
    path = tmp_path / "mod.py"
    path.write_text(source)
    lines = {
        line.strip(): n
        for n, line in enumerate(source.splitlines(), 1)
        if "import" in line and "TYPE_CHECKING" not in line
    }
    kinds = classify_lines(path, lines.values())
    by_text = {text: kinds[n] for text, n in lines.items()}
    assert by_text == {
        "import os": ImportKind.RUNTIME,
        "import typing": ImportKind.RUNTIME,
        "import collections": ImportKind.TYPING,
        "import json": ImportKind.TYPING,
        "import pickle": ImportKind.RUNTIME,
        "import csv": ImportKind.DEFERRED,
        "import re": ImportKind.DEFERRED,
    }


def test_unknown_file_gives_unknown_kind():
    assert classify_lines(None, [3]) == {3: ImportKind.UNKNOWN}


def _ast_kinds(path: Path) -> dict[int, ImportKind]:
    """The reference answer: classify every import statement from the syntax tree."""
    import ast

    from importgate.graph.syntax import spans

    tree = ast.parse(path.read_bytes())
    typing, deferred = spans(tree)
    kinds = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            line = node.lineno
            if any(a <= line <= b for a, b in typing):
                kinds[line] = ImportKind.TYPING
            elif any(a <= line <= b for a, b in deferred):
                kinds[line] = ImportKind.DEFERRED
            else:
                kinds[line] = ImportKind.RUNTIME
    return kinds


def _window_kind(lines: tuple[str, ...], line: int) -> ImportKind | None:
    """The parser's answer from the window around ``line`` alone (None: no window)."""
    from importgate.graph.syntax import window_spans, window_start

    found = window_spans(lines, window_start(lines, line), line)
    if found is None:
        return None
    typing, deferred = found
    if any(a <= line <= b for a, b in typing):
        return ImportKind.TYPING
    if any(a <= line <= b for a, b in deferred):
        return ImportKind.DEFERRED
    return ImportKind.RUNTIME


def test_text_walk_agrees_with_the_parser_on_real_code():
    """The fast text walk must give the parser's answer, or no answer, on every import."""
    import importlib.util

    from importgate.graph.kinds import _classify_by_text, _lines_of

    checked = answered = 0
    for package in ("sqlalchemy", "pydantic", "rich", "click", "importlinter", "hypothesis"):
        spec = importlib.util.find_spec(package)
        assert spec and spec.submodule_search_locations
        for path in sorted(Path(spec.submodule_search_locations[0]).rglob("*.py")):
            lines = _lines_of(path)
            for line, expected in _ast_kinds(path).items():
                checked += 1
                got = _classify_by_text(lines, line)
                if got is not None:
                    answered += 1
                    assert got == expected, f"{path}:{line}"
                elif (window := _window_kind(lines, line)) is not None:
                    assert window == expected, f"{path}:{line} (window)"
    assert checked > 5000
    # The walk is only worth having if it answers nearly everything by itself.
    assert answered / checked > 0.95, (answered, checked)


CONTINUED_HEADERS = """
import os


class Shape:
    def area(self, width: int, height: int,
             unit: str = "m") -> float:
        import math
        return math.prod((width, height))

    def grow(self, factor: float) -> \\
            "Shape":
        import copy
        return copy.copy(self)

    def check(self, values):
        if isinstance(values, (list, tuple)) and \\
                len(values) > 1:
            import statistics
        if (
            TYPE_CHECKING
        ):
            import typing
        for value in sorted(values,
                            key=abs):
            import decimal


if (
    TYPE_CHECKING
):
    import collections
while (os.environ
       and False):
    import json
"""


def test_continued_headers_agree_with_the_parser(tmp_path: Path):
    path = tmp_path / "shapes.py"
    path.write_text(CONTINUED_HEADERS.lstrip("\n"), encoding="utf-8")
    expected = _ast_kinds(path)
    assert sorted(expected.values()).count(ImportKind.TYPING) == 2
    assert classify_lines(path, expected) == expected


def test_continued_headers_need_no_parser_unless_a_condition_is_hidden(tmp_path: Path):
    from importgate.graph.kinds import _classify_by_text, _lines_of

    path = tmp_path / "shapes.py"
    path.write_text(CONTINUED_HEADERS.lstrip("\n"), encoding="utf-8")
    lines = _lines_of(path)
    by_text = {lines[line - 1].strip(): _classify_by_text(lines, line) for line in _ast_kinds(path)}
    assert by_text == {
        "import os": ImportKind.RUNTIME,
        "import math": ImportKind.DEFERRED,
        "import copy": ImportKind.DEFERRED,
        "import statistics": ImportKind.DEFERRED,
        # `if (` hides whether the condition is TYPE_CHECKING: left to the parser.
        "import typing": None,
        "import decimal": ImportKind.DEFERRED,
        "import collections": None,
        "import json": ImportKind.RUNTIME,
    }


def test_line_numbers_count_only_real_line_ends(tmp_path: Path):
    """A form feed (a '^L' page break) or a CR LF file must not shift the lines."""
    source = (
        "import os\r\n"
        "\x0c\r\n"
        "def f():\r\n"
        "    import json\r\n"
        "\x0c    import csv\r\n"
        "import sys  # after the page break\r\n"
    )
    path = tmp_path / "paged.py"
    path.write_bytes(source.encode())
    expected = _ast_kinds(path)
    assert expected == {
        1: ImportKind.RUNTIME,
        4: ImportKind.DEFERRED,
        5: ImportKind.DEFERRED,
        6: ImportKind.RUNTIME,
    }
    assert classify_lines(path, expected) == expected


def test_odd_whitespace_lines_leave_the_answer_to_the_parser(tmp_path: Path):
    from importgate.graph.kinds import _classify_by_text, _lines_of

    path = tmp_path / "odd.py"
    path.write_text("def f():\n\x0b\n    import json\n", encoding="utf-8")
    assert _classify_by_text(_lines_of(path), 3) is None
    assert set(classify_lines(path, [3])) == {3}


# Column-0 text inside strings stops the text walk; the parser reads a window instead.
COLUMN_ZERO_STRINGS = '''
import os

PADDING = 1
#
def render():
    art = """
+--+
|  |
"""
    import json
    return json.dumps(art)


class Shape:
    """A shape.

Column-0 text in a docstring.
"""

    def area(self):
        import math
        if TYPE_CHECKING:
            """
note
"""
            import typing
        from collections import (
            OrderedDict,
            deque,
        )
        return math.pi


def outer():
    text = """
def fake():
"""
    import csv


if TYPE_CHECKING:
    TEXT = """
text
"""
    import decimal
'''


def test_windows_around_column_zero_strings_agree_with_the_whole_file(tmp_path: Path):
    from importgate.graph.kinds import _classify_by_text, _lines_of

    path = tmp_path / "art.py"
    path.write_text(COLUMN_ZERO_STRINGS.lstrip("\n"), encoding="utf-8")
    expected = _ast_kinds(path)
    lines = _lines_of(path)
    number = {lines[n - 1].strip(): n for n in expected}
    hidden = [n for n in expected if _classify_by_text(lines, n) is None]
    assert sorted(hidden) == sorted(
        number[text]
        for text in (
            "import json",
            "import math",
            "import typing",
            "from collections import (",
            "import csv",
            "import decimal",
        )
    )
    windows = {lines[n - 1].strip(): _window_kind(lines, n) for n in hidden}
    assert windows == {
        "import json": ImportKind.DEFERRED,
        "import math": ImportKind.DEFERRED,
        "import typing": ImportKind.TYPING,
        "from collections import (": ImportKind.DEFERRED,  # the window takes in the ")"
        # The nearest top-level "def ...:" line is text in a string: the window does
        # not parse, and the whole file answers.
        "import csv": None,
        # The string's "def fake():" line is again the nearest: the whole file answers.
        "import decimal": None,
    }
    assert classify_lines(path, expected) == expected
    assert expected[number["import csv"]] == ImportKind.DEFERRED
    assert expected[number["import decimal"]] == ImportKind.TYPING


@given(
    st.text(alphabet="ab \n", max_size=40),
    st.lists(st.one_of(st.none(), st.integers(0, 15)), max_size=6),
)
def test_lines_cut_bit_by_bit_are_the_lines_cut_at_once(text: str, counts: list[int | None]):
    from importgate.graph.kinds import _Source

    every = text.split("\n")
    if every[-1] == "":
        every.pop()
    source = _Source(text)
    for count in counts:
        lines = source.upto(count)
        wanted = len(every) if count is None else min(count, len(every))
        assert lines[:wanted] == every[:wanted]
        assert len(lines) >= wanted and lines == every[: len(lines)]
    assert source.upto(None) == every


def test_the_outline_follows_lines_cut_later(tmp_path: Path):
    """Questions about lines further down come after the first lines were cut."""
    source = (
        "def f():\n    import a\n" + "x = 1\n" * 50 + "class C:\n    def g(self):\n"
        "        import b\n"
    )
    path = tmp_path / "late.py"
    path.write_text(source, encoding="utf-8")
    expected = _ast_kinds(path)
    assert classify_lines(path, [2]) == {2: ImportKind.DEFERRED}
    assert classify_lines(path, [55]) == {55: ImportKind.DEFERRED}
    assert classify_lines(path, expected) == expected


def test_negated_or_combined_type_checking_guards_code_that_runs(tmp_path: Path):
    source = textwrap.dedent("""
        import typing
        from typing import TYPE_CHECKING

        if not typing.TYPE_CHECKING:
            import json
        if DEBUG or not typing.TYPE_CHECKING:
            import pickle
        if not TYPE_CHECKING:
            import csv
        if typing . TYPE_CHECKING:
            import re
        """).lstrip()
    path = tmp_path / "mod.py"
    path.write_text(source)
    numbered = {line.strip(): n for n, line in enumerate(source.splitlines(), 1)}
    wanted = ["import json", "import pickle", "import csv", "import re"]
    kinds = classify_lines(path, [numbered[text] for text in wanted])
    assert [kinds[numbered[text]] for text in wanted] == [
        ImportKind.RUNTIME,
        ImportKind.RUNTIME,
        ImportKind.RUNTIME,
        ImportKind.TYPING,
    ]
