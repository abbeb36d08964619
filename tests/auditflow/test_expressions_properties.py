"""Property tests: generated conditions evaluate exactly as Python would.

The expected value is computed in the test, by a small reference evaluator over the
generated tree, or (for flat expressions that exercise precedence and chaining) by
Python itself on the generated text: test-generated input, never user input, and the
product under test never calls eval.
"""

import operator
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditflow.contracts.errors import ExpressionError
from auditflow.core.expressions import compile_condition

FIELDS = ("a", "b", "c")
ROW = st.fixed_dictionaries({name: st.integers(-20, 20) for name in FIELDS})

ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
    "%": operator.mod,
    "/": operator.truediv,
}
COMPARISON: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

Tree = tuple[Any, ...]

leaves = st.one_of(
    st.integers(-30, 30).map(lambda v: ("lit", v)),
    st.booleans().map(lambda v: ("lit", v)),
    st.sampled_from(FIELDS).map(lambda name: ("field", name)),
    st.sampled_from(FIELDS).map(lambda name: ("row", name)),
)


def extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(sorted(ARITHMETIC)), children, children),
        st.tuples(st.just("cmp"), st.sampled_from(sorted(COMPARISON)), children, children),
        st.tuples(st.just("bool"), st.sampled_from(["and", "or"]), children, children),
        st.tuples(st.just("not"), children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("in"), children, st.lists(children, max_size=3)),
    )


trees = st.recursive(leaves, extend, max_leaves=12)


def render(tree: Tree) -> str:
    kind = tree[0]
    if kind == "lit":
        return repr(tree[1])
    if kind == "field":
        return str(tree[1])
    if kind == "row":
        return f'row["{tree[1]}"]'
    if kind in ("bin", "cmp", "bool"):
        return f"({render(tree[2])} {tree[1]} {render(tree[3])})"
    if kind == "not":
        return f"(not {render(tree[1])})"
    if kind == "neg":
        return f"(-{render(tree[1])})"
    items = ", ".join(render(item) for item in tree[2])
    return f"({render(tree[1])} in [{items}])"


def reference(tree: Tree, row: dict[str, int]) -> Any:
    """Python's semantics, written out for the generated tree."""
    kind = tree[0]
    if kind == "lit":
        return tree[1]
    if kind in ("field", "row"):
        return row[tree[1]]
    if kind == "bin":
        return ARITHMETIC[tree[1]](reference(tree[2], row), reference(tree[3], row))
    if kind == "cmp":
        return COMPARISON[tree[1]](reference(tree[2], row), reference(tree[3], row))
    if kind == "bool":
        left = reference(tree[2], row)
        if tree[1] == "and":
            return reference(tree[3], row) if left else left
        return left if left else reference(tree[3], row)
    if kind == "not":
        return not reference(tree[1], row)
    if kind == "neg":
        return -reference(tree[1], row)
    needle = reference(tree[1], row)
    return needle in [reference(item, row) for item in tree[2]]


def agree(text: str, row: dict[str, int], expected: Callable[[], Any]) -> None:
    try:
        want = expected()
    except ArithmeticError:
        want = ExpressionError
    condition = compile_condition(text)
    if want is ExpressionError:
        try:
            condition.evaluate(row)
        except ExpressionError:
            return
        raise AssertionError(f"{text!r} should have failed on {row}")
    got = condition.evaluate(row)
    assert got == want and type(got) is type(want), (text, row, got, want)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, row=ROW)
def test_generated_trees_evaluate_like_the_reference(tree: Tree, row: dict[str, int]) -> None:
    text = render(tree)
    agree(text, row, lambda: reference(tree, row))


flat_operators = st.sampled_from([*ARITHMETIC, *COMPARISON, "and", "or", "in", "not in"])
scalars = st.one_of(st.integers(0, 30).map(str), st.sampled_from(FIELDS))
tuples = st.lists(st.integers(-3, 3), max_size=3).map(lambda items: repr(tuple(items)))


@settings(max_examples=300, deadline=None)
@given(
    first=scalars,
    rest=st.lists(st.tuples(flat_operators, scalars, tuples), max_size=5),
    row=ROW,
)
def test_precedence_and_chaining_match_python(
    first: str, rest: list[tuple[str, str, str]], row: dict[str, int]
) -> None:
    parts = [first]
    for position, (op, scalar, sequence) in enumerate(rest):
        # containers only on the right of `in`, and never next to `*`: repeating a list
        # is refused by design (a memory guard), which Python itself would allow
        following = rest[position + 1][0] if position + 1 < len(rest) else None
        container = op in ("in", "not in") and following != "*"
        parts.append(f"{op} {sequence if container else scalar}")
    text = " ".join(parts)

    def python() -> Any:
        # Test-side oracle on generated text: no builtins, only the row's integers.
        try:
            return eval(text, {"__builtins__": {}}, dict(row))
        except TypeError:
            raise ArithmeticError from None  # a type error must be an ExpressionError too

    agree(text, row, python)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_arbitrary_text_compiles_or_raises_expression_error(text: str) -> None:
    try:
        compile_condition(text)
    except ExpressionError as error:
        assert error.line is not None and error.col is not None
        assert str(error).startswith(f"{error.line}:{error.col}: ")


forbidden = st.sampled_from(
    [
        "open('x')",
        "x.__class__",
        "(lambda: 0)()",
        "[i for i in a]",
        "f'{a}'",
        "(z := 1)",
        "a[0]",
        "a ** 2",
        "__import__('os')",
        "getattr(a, 'b')",
    ]
)


@settings(max_examples=200, deadline=None)
@given(tree=trees, bad=forbidden, left=st.booleans())
def test_a_forbidden_piece_anywhere_is_rejected(tree: Tree, bad: str, left: bool) -> None:
    text = f"({bad}) and {render(tree)}" if left else f"{render(tree)} or ({bad})"
    try:
        compile_condition(text)
    except ExpressionError as error:
        assert "not allowed" in str(error)
    else:
        raise AssertionError(f"{text!r} was accepted")
