"""The memoised indentation walk answers exactly what a line-by-line scan answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from importgate.graph.outline import Outline

# A line is code at some indentation, a blank line, or a comment at some indentation.
LINE = st.one_of(
    st.integers(0, 12).map(lambda depth: " " * depth + "x = 1"),
    st.just(""),
    st.integers(0, 12).map(lambda depth: " " * depth + "# note"),
)


def _scan(lines: tuple[str, ...], index: int, indent: int) -> int:
    for candidate in range(index - 1, -1, -1):
        stripped = lines[candidate].lstrip()
        code = stripped and not stripped.startswith("#")
        if code and len(lines[candidate]) - len(stripped) < indent:
            return candidate
    return -1


@given(
    st.lists(LINE, min_size=1, max_size=60).map(tuple),
    st.lists(st.tuples(st.integers(0, 59), st.integers(0, 14)), max_size=40),
)
def test_above_matches_a_plain_scan_in_any_order_of_questions(lines, questions):
    outline = Outline(lines)
    for index, indent in questions:
        index = index % len(lines)
        assert outline.above(index, indent) == _scan(lines, index, indent)
