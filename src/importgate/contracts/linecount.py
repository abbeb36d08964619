"""Count the lines of a Python source file: all of them, or only the code.

"Code" lines are lines that hold at least one token other than a comment, and that are
not part of a docstring (the first string statement of a module, class or function).
The tokenizer and ``ast`` do the reading; a file that does not tokenize or parse falls
back to counting non-blank lines that do not start with ``#``.
"""

from __future__ import annotations

import ast
import io
import tokenize

_NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def count_all(source: str) -> int:
    """Every line of the file, blank or not (what ``wc -l`` says for a final newline)."""
    return len(source.splitlines())


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    nodes: list[ast.AST] = [tree]
    nodes.extend(
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
    )
    for node in nodes:
        body = getattr(node, "body", [])
        first = body[0] if body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            end = first.end_lineno or first.lineno
            lines.update(range(first.lineno, end + 1))
    return lines


def count_code(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not inside a docstring."""
    try:
        tree = ast.parse(source)
        code_lines: set[int] = set()
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type not in _NOT_CODE:
                code_lines.update(range(token.start[0], token.end[0] + 1))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return sum(
            1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")
        )
    return len(code_lines - _docstring_lines(tree))
