"""Checks a parsed condition against the whitelist and builds its evaluator.

Each allowed ``ast`` node becomes a small closure; any other node is rejected with its
``line:col``. Used by :func:`auditflow.core.expressions.compile_condition`.
"""

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from auditflow.contracts.errors import ExpressionError

__all__ = ["ConditionBuilder", "Evaluator"]

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


class ConditionBuilder:
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
