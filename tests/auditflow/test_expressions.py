"""The gate condition language: what it accepts, what it rejects (with line:col), and
how it evaluates on rows."""

import pytest

from auditflow.contracts.errors import ExpressionError
from auditflow.core.expressions import Condition, compile_condition, route_key


def rejected(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_condition(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "position", "what"),
    [
        ("__import__('os')", "1:1", "a function call"),
        ("amount > 1 and __import__('os').system('x')", "1:16", "a function call"),
        ("row.keys", "1:1", "attribute access"),
        ("amount.real > 1", "1:1", "attribute access"),
        ("(lambda: 1)", "1:2", "a lambda"),
        ("[x for x in items]", "1:1", "a comprehension"),
        ("{x for x in items}", "1:1", "a comprehension"),
        ("{k: 1 for k in items}", "1:1", "a comprehension"),
        ("any(x for x in items)", "1:1", "a function call"),
        ("f'{amount}' == '1'", "1:1", "an f-string"),
        ("amount in [*items]", "1:12", "* unpacking"),
        ("(y := 1) > 0", "1:2", "the := operator"),
        ("items[0] == 1", "1:1", "a subscript"),
        ("row[0] == 1", "1:1", "a subscript"),
        ("row['a']['b'] == 1", "1:1", "a subscript"),
        ("items[1:2] == 1", "1:1", "a subscript"),
        ("amount ** 2 > 1", "1:1", "the ** operator"),
        ("amount | 1", "1:1", "the | operator"),
        ("~amount", "1:1", "the ~ operator"),
        ("1 if amount else 2", "1:1", "a conditional expression"),
        ("{'a': 1} == amount", "1:1", "a dict literal"),
        ("amount in {1, 2}", "1:11", "a set literal"),
        ("amount is 1", "1:11", "`is` / `is not` with anything but None"),
        ("b'x' == amount", "1:1", "a bytes literal"),
        ("amount == ...", "1:11", "`Ellipsis`"),
        ("row", "1:1", "bare `row`"),
        ("amount > 1 and\n  len(note) > 2", "2:3", "a function call"),
        ("é == 'x' and é.upper()", "1:14", "a function call"),
        ("é == 'x' and é.real", "1:14", "attribute access"),
        ("amount == 1j", "1:11", "a complex number"),
    ],
)
def test_rejected_with_position_and_reason(text: str, position: str, what: str) -> None:
    error = rejected(text)
    assert str(error).startswith(f"{position}: {what}"), str(error)
    line, col = position.split(":")
    assert (error.line, error.col) == (int(line), int(col))
    assert "not allowed" in str(error)


@pytest.mark.parametrize(
    ("text", "position"),
    [("amount >", "1:9"), ("amount > > 1", "1:10"), ("", "1:1"), ("   ", "1:1"), ("a b", "1:1")],
)
def test_syntax_errors_have_a_position(text: str, position: str) -> None:
    error = rejected(text)
    assert str(error).startswith(f"{position}: "), str(error)


@pytest.mark.parametrize(
    ("text", "position"), [("1), (2", "1:2"), ("a > 1) or (b", "1:6"), ("[a]) + ([b]", "1:4")]
)
def test_text_cannot_close_the_wrapping_parenthesis(text: str, position: str) -> None:
    assert str(rejected(text)) == f"{position}: unbalanced closing bracket"


def test_statements_are_not_expressions() -> None:
    assert "not a valid expression" in str(rejected("import os"))
    assert "not a valid expression" in str(rejected("x = 1"))


def test_overlong_conditions_are_rejected() -> None:
    assert "characters long" in str(rejected("a + " * 3000 + "1"))


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    text = "(" * 5000 + "1" + ")" * 5000
    with pytest.raises(ExpressionError):
        compile_condition(text)


@pytest.mark.parametrize(
    ("text", "row", "expected"),
    [
        ("amount > 100", {"amount": 150}, True),
        ("amount > 100", {"amount": 50}, False),
        ("1 < amount <= 3", {"amount": 3}, True),
        ("1 < amount <= 3", {"amount": 4}, False),
        ("status in ['a', 'b']", {"status": "b"}, True),
        ("status not in ('a', 'b')", {"status": "b"}, False),
        ("'x' in note", {"note": "a x b"}, True),
        ("note is None", {"note": None}, True),
        ("note is not None", {"note": None}, False),
        ('row["odd name"] == 2', {"odd name": 2}, True),
        ("row['class'] + 1", {"class": 1}, 2),
        ("-amount + 3 * 2 - 7 // 2 % 2", {"amount": 1}, 4),
        ("amount / 4", {"amount": 1}, 0.25),
        ("not flag", {"flag": False}, True),
        ("a or b", {"a": 0, "b": "fallback"}, "fallback"),
        ("a and b", {"a": 0, "b": "never"}, 0),
        ("True and None is None", {}, True),
        ("first + ' ' + last", {"first": "Ada", "last": "L"}, "Ada L"),
        ("\n  amount\n  > 1\n", {"amount": 2}, True),
    ],
)
def test_evaluates_like_python(text: str, row: dict[str, object], expected: object) -> None:
    assert compile_condition(text).evaluate(row) == expected


def test_short_circuit_skips_missing_fields() -> None:
    condition = compile_condition("present or missing")
    assert condition.evaluate({"present": 1}) == 1
    with pytest.raises(ExpressionError, match="missing"):
        condition.evaluate({"present": 0})


def test_fields_lists_what_the_condition_reads() -> None:
    condition = compile_condition('a > 1 and row["b c"] in [d, 2]')
    assert isinstance(condition, Condition)
    assert condition.fields == {"a", "b c", "d"}


@pytest.mark.parametrize(
    ("text", "row", "message"),
    [
        ("amount > 1", {"total": 1}, "1:1: the row has no field 'amount' (fields: total)"),
        ("a < b", {"a": 1, "b": "x"}, "1:1: cannot evaluate a < b: '<' not supported"),
        ("x + (a / b)", {"x": 1, "a": 1, "b": 0}, "1:6: cannot evaluate a / b: division by zero"),
        ("a % b", {"a": 1, "b": 0}, "1:1: cannot evaluate a % b"),
        ("-note", {"note": "x"}, "1:1: cannot evaluate -note"),
        ("note * 1000", {"note": "x"}, "repeating strings or lists"),
        ("3 * note", {"note": "x"}, "repeating strings or lists"),
        ("[1] * n", {"n": 10**9}, "repeating strings or lists"),
        ("a in b", {"a": 1, "b": 2}, "1:1: cannot evaluate a in b"),
    ],
)
def test_runtime_errors_are_expression_errors(
    text: str, row: dict[str, object], message: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_condition(text).evaluate(row)
    assert message in str(caught.value)


def test_no_python_builtins_leak_in() -> None:
    # Bare names are fields, never Python globals.
    with pytest.raises(ExpressionError, match="no field 'print'"):
        compile_condition("print").evaluate({})
    assert compile_condition("len").evaluate({"len": 3}) == 3


@pytest.mark.parametrize(
    ("value", "key"),
    [(True, "true"), (False, "false"), (1, "1"), ("high", "high"), (None, "None"), (2.5, "2.5")],
)
def test_route_key(value: object, key: str) -> None:
    assert route_key(value) == key


def test_non_string_condition() -> None:
    with pytest.raises(ExpressionError, match="must be a string"):
        compile_condition(123)  # type: ignore[arg-type]
