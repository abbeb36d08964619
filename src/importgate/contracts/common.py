"""Helpers shared by importgate's file-level contract types.

``import_time``, ``public_api``, ``module_size`` and ``absent`` report violations that
are about a module or a file rather than an import chain. They hand them to importgate
as :class:`~importgate.model.Violation` objects (under ``VIOLATIONS_KEY``) and print the
same text under plain ``lint-imports`` with :func:`render_violations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import grimp
from importlinter import output
from importlinter.domain.contract import InvalidContractOptions
from importlinter.domain.helpers import module_expressions_to_modules
from rich.markup import escape

from importgate.model import Violation


def invalid(field: str, problem: str) -> InvalidContractOptions:
    """The error import-linter (and importgate, with exit 2) reports for a bad option."""
    return InvalidContractOptions({field: problem})


def option_text(options: Mapping[str, Any], name: str) -> str | None:
    """A raw option as one string (import-linter hands lists for multi-line values)."""
    raw = options.get(name)
    if raw is None:
        return None
    if isinstance(raw, list):
        return " ".join(str(item) for item in raw)
    return str(raw).strip()


def positive_number(options: Mapping[str, Any], name: str) -> float | None:
    """Parse an optional option that must be a number above zero."""
    raw = option_text(options, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise invalid(name, f"'{raw}' is not a number.") from None
    if not value > 0:
        raise invalid(name, f"must be greater than 0, got {raw}.")
    return value


def modules_under(graph: grimp.ImportGraph, expressions: Iterable[Any]) -> set[str]:
    """The modules matched by module expressions, with all their descendants."""
    modules: set[str] = set()
    for root in module_expressions_to_modules(graph, expressions):
        if root.name not in graph.modules:
            raise ValueError(f"Module '{root.name}' does not exist.")
        modules.add(root.name)
        modules.update(graph.find_descendants(root.name))
    return modules


def render_violations(violations: Iterable[Violation]) -> None:
    """Print violations the way ``lint-imports`` prints a broken contract."""
    for violation in violations:
        output.print_error(escape(violation.message), bold=False)
        if violation.location:
            output.print(f"    {escape(violation.location)}")
        for note in violation.notes:
            output.print(f"    {escape(note)}")
        output.new_line()
