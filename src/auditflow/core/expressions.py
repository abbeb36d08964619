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
import io
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditflow.contracts.errors import ExpressionError
from auditflow.core.expression_builder import ConditionBuilder, Evaluator

__all__ = ["MAX_CONDITION_LENGTH", "Condition", "compile_condition", "route_key"]

MAX_CONDITION_LENGTH = 10_000
"""Longer condition texts are rejected (they are almost certainly a mistake)."""


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
    escape = _closes_the_wrapper(wrapped)
    if escape is not None:
        line, col = escape
        raise ExpressionError(
            f"{line}:{col}: unbalanced closing bracket", line=line, col=col
        ) from None
    builder = ConditionBuilder(text.splitlines())
    try:
        evaluator = builder.build(tree.body)
    except RecursionError:
        raise ExpressionError("1:1: the condition is nested too deeply", line=1, col=1) from None
    return Condition(text=text, fields=frozenset(builder.fields), _evaluator=evaluator)


def _closes_the_wrapper(wrapped: str) -> tuple[int, int] | None:
    """Position (in the condition's own lines and 1-based columns) of a closing bracket
    that would close the wrapping parenthesis early: ``1), (2`` parses as a tuple once
    wrapped, but is not one expression as written."""
    brackets = [
        token
        for token in tokenize.generate_tokens(io.StringIO(wrapped).readline)
        if token.type == tokenize.OP and token.string in "()[]{}"
    ]
    depth = 0
    for token in brackets[:-1]:  # the last one is the wrapper's own ")"
        depth += 1 if token.string in "([{" else -1
        if depth == 0:
            return token.start[0] - 1, token.start[1] + 1
    return None
