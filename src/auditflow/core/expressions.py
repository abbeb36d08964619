"""The safe condition language of gates.

A condition is one Python *expression* restricted to a whitelist of ``ast`` node types:
row fields (bare names, or ``row["odd name"]``), literals (numbers, strings, True, False,
None, lists and tuples), comparisons (chained too; ``is`` / ``is not`` only against
None), ``and`` / ``or`` / ``not``, ``+ - * / // %``, unary ``-`` / ``+`` and ``in`` /
``not in``. Anything else (calls, attribute access, lambdas, comprehensions, f-strings,
``*`` unpacking, ``:=``, other subscripts, ``**``) is rejected when the condition is
compiled, with the ``line:col`` of the offending token.

The text is parsed with :mod:`ast` and turned into a tree of small Python closures; it is
never passed to ``eval`` or ``exec``. Hand-written because no maintained library offers
exactly this whitelist with positioned errors (simpleeval-style evaluators allow calls
and attribute access by default, which is what must be impossible here).
"""

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditflow.contracts.errors import ExpressionError

__all__ = ["MAX_CONDITION_LENGTH", "Condition", "compile_condition", "route_key"]

MAX_CONDITION_LENGTH = 10_000
"""Longer condition texts are rejected (they are almost certainly a mistake)."""

Evaluator = Callable[[Mapping[str, Any]], Any]

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda left, right: left in right,
    ast.NotIn: lambda left, right: left not in right,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}

_DESCRIBE: dict[type[ast.AST], str] = {
    ast.Call: "a function call",
    ast.Attribute: "attribute access",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Starred: "* unpacking",
    ast.NamedExpr: "the := operator",
    ast.Subscript: 'a subscript (only row["field"] is allowed)',
    ast.IfExp: "a conditional expression (x if c else y)",
    ast.Dict: "a dict literal",
    ast.Set: "a set literal (use a list or tuple with `in`)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
    ast.Pow: "the ** operator",
    ast.MatMult: "the @ operator",
    ast.BitAnd: "the & operator",
    ast.BitOr: "the | operator",
    ast.BitXor: "the ^ operator",
    ast.LShift: "the << operator",
    ast.RShift: "the >> operator",
    ast.Invert: "the ~ operator",
}

_SCALARS = (bool, int, float, str, type(None))


def route_key(value: Any) -> str:
    """The route label for a condition's result: ``"true"`` / ``"false"`` for booleans,
    ``str(value)`` for anything else (so ``None`` -> ``"None"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition. Evaluate it on a row with :meth:`evaluate`."""

    text: str
    """The condition as written in the settings."""
    fields: frozenset[str]
    """The row fields it reads."""
    _evaluator: Evaluator = field(repr=False, compare=False)

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        """The value of the condition on ``row``.

        Raises :class:`ExpressionError` for a field missing from the row or an operation
        the values do not support (``"a" < 1``, division by zero), naming the position.
        """
        return self._evaluator(row)


def compile_condition(text: str) -> Condition:
    """Parse and check ``text``; raise :class:`ExpressionError` with ``line:col`` for
    anything outside the language."""
    if not isinstance(text, str):
        raise ExpressionError(f"a condition must be a string, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("1:1: the condition is empty", line=1, col=1)
    if len(text) > MAX_CONDITION_LENGTH:
        raise ExpressionError(
            f"1:1: the condition is {len(text)} characters long; "
            f"at most {MAX_CONDITION_LENGTH} are allowed",
            line=1,
            col=1,
        )
    # Wrapping in parentheses on their own lines allows leading blanks and line breaks
    # (YAML block strings) and keeps every column; only line numbers shift by one.
    wrapped = f"(\n{text}\n)"
    try:
        tree = ast.parse(wrapped, mode="eval")
    except SyntaxError as error:
        lines = text.splitlines() or [""]
        line = max((error.lineno or 2) - 1, 1)
        col = error.offset or 1
        if line > len(lines):  # the error is at the closing parenthesis: the text ended early
            line, col = len(lines), len(lines[-1]) + 1
        raise ExpressionError(
            f"{line}:{col}: not a valid expression: {error.msg}", line=line, col=col
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError(f"1:1: cannot parse the condition: {error}", line=1, col=1) from None
    builder = _Builder(text.splitlines())
    try:
        evaluator = builder.build(tree.body)
    except RecursionError:
        raise ExpressionError("1:1: the condition is nested too deeply", line=1, col=1) from None
    return Condition(text=text, fields=frozenset(builder.fields), _evaluator=evaluator)


class _Builder:
    """Walks the tree once, rejecting unknown nodes and building closures."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.fields: set[str] = set()

    # -- positions and errors ------------------------------------------------------

    def position(self, node: ast.AST) -> tuple[int, int]:
        line = max(getattr(node, "lineno", 2) - 1, 1)
        byte_col = getattr(node, "col_offset", 0)
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        col = len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")) + 1
        return line, col

    def where(self, node: ast.AST) -> str:
        line, col = self.position(node)
        return f"{line}:{col}"

    def reject(self, node: ast.AST, what: str | None = None) -> ExpressionError:
        line, col = self.position(node)
        if what is None:
            what = _DESCRIBE.get(type(node), f"`{type(node).__name__}`")
        snippet = self.snippet(node)
        detail = f": {snippet}" if snippet else ""
        return ExpressionError(
            f"{line}:{col}: {what} is not allowed in a condition{detail}", line=line, col=col
        )

    def snippet(self, node: ast.AST) -> str:
        line, col = self.position(node)
        end_line = getattr(node, "end_lineno", None)
        if end_line is None or line - 1 >= len(self.lines):
            return ""
        text = self.lines[line - 1][col - 1 :]
        if end_line - 1 == line:
            end_byte = getattr(node, "end_col_offset", None)
            full = self.lines[line - 1]
            if end_byte is not None:
                end = len(full.encode("utf-8")[:end_byte].decode("utf-8", errors="ignore"))
                text = full[col - 1 : end]
        return text if len(text) <= 60 else text[:57] + "..."

    def runtime_error(self, node: ast.AST, message: str) -> ExpressionError:
        line, col = self.position(node)
        return ExpressionError(f"{line}:{col}: {message}", line=line, col=col)

    # -- the whitelist ---------------------------------------------------------------

    def build(self, node: ast.expr) -> Evaluator:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.List | ast.Tuple):
            return self.sequence(node)
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        raise self.reject(node)

    def constant(self, node: ast.Constant) -> Evaluator:
        value = node.value
        if not isinstance(value, _SCALARS):
            kind = {bytes: "a bytes literal", complex: "a complex number"}.get(
                type(value), f"`{node.value!r}`"
            )
            raise self.reject(node, kind)
        return lambda row: value

    def lookup(self, node: ast.AST, name: str) -> Evaluator:
        self.fields.add(name)
        where = self.where(node)

        def get(row: Mapping[str, Any]) -> Any:
            try:
                return row[name]
            except KeyError:
                raise ExpressionError(
                    f"{where}: the row has no field {name!r}"
                    f" (fields: {', '.join(sorted(map(str, row))) or 'none'})"
                ) from None

        return get

    def name(self, node: ast.Name) -> Evaluator:
        if node.id == "row":
            raise self.reject(node, 'bare `row` (use row["field"] or the field name)')
        return self.lookup(node, node.id)

    def subscript(self, node: ast.Subscript) -> Evaluator:
        key = node.slice
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == "row"
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str)
        ):
            return self.lookup(node, key.value)
        raise self.reject(node)

    def sequence(self, node: ast.List | ast.Tuple) -> Evaluator:
        items = [self.build(item) for item in node.elts]
        return lambda row: tuple(item(row) for item in items)

    def boolop(self, node: ast.BoolOp) -> Evaluator:
        values = [self.build(value) for value in node.values]
        if isinstance(node.op, ast.And):

            def all_of(row: Mapping[str, Any]) -> Any:
                result: Any = True
                for value in values:
                    result = value(row)
                    if not result:
                        return result
                return result

            return all_of

        def any_of(row: Mapping[str, Any]) -> Any:
            result: Any = False
            for value in values:
                result = value(row)
                if result:
                    return result
            return result

        return any_of

    def unary(self, node: ast.UnaryOp) -> Evaluator:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda row: not operand(row)
        if isinstance(node.op, ast.USub | ast.UAdd):
            apply = operator.neg if isinstance(node.op, ast.USub) else operator.pos
            return self.guarded(node, lambda row: apply(operand(row)))
        raise self.reject(node.op if hasattr(node.op, "lineno") else node, _describe(node.op))

    def binary(self, node: ast.BinOp) -> Evaluator:
        apply = _BINARY.get(type(node.op))
        if apply is None:
            raise self.reject(node, _describe(node.op))
        left, right = self.build(node.left), self.build(node.right)
        repeat = isinstance(node.op, ast.Mult)

        def evaluate(row: Mapping[str, Any]) -> Any:
            a, b = left(row), right(row)
            if repeat and (isinstance(a, str | tuple) or isinstance(b, str | tuple)):
                raise TypeError("repeating strings or lists with * is not supported")
            return apply(a, b)

        return self.guarded(node, evaluate)

    def compare(self, node: ast.Compare) -> Evaluator:
        left = self.build(node.left)
        steps: list[tuple[Callable[[Any, Any], Any], Evaluator]] = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.Is | ast.IsNot) and not (
                isinstance(comparator, ast.Constant) and comparator.value is None
            ):
                raise self.reject(comparator, "`is` / `is not` with anything but None")
            steps.append((_COMPARE[type(op)], self.build(comparator)))

        def evaluate(row: Mapping[str, Any]) -> Any:
            current = left(row)
            for apply, right in steps:
                following = right(row)
                if not apply(current, following):
                    return False
                current = following
            return True

        return self.guarded(node, evaluate)

    def guarded(self, node: ast.AST, evaluate: Evaluator) -> Evaluator:
        """Turn a Python error of this operation into a positioned ExpressionError."""
        snippet = self.snippet(node)

        def run(row: Mapping[str, Any]) -> Any:
            try:
                return evaluate(row)
            except ExpressionError:
                raise
            except (TypeError, ArithmeticError, ValueError) as error:
                raise self.runtime_error(node, f"cannot evaluate {snippet}: {error}") from None

        return run


def _describe(op: ast.AST) -> str:
    return _DESCRIBE.get(type(op), f"the operator `{type(op).__name__}`")
