"""Settings checks that span fields: unique names, sink names, the default sink.

They work on raw data too (shapes they do not expect are left to the field checks), so
they are reported together with field errors when a file has both.
"""

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "CONTINUE",
    "DISCARD",
    "NAME_PATTERN",
    "NAME_RULE",
    "RESERVED_NAMES",
    "cross_field_problems",
]

DISCARD = "discard"
"""Destination meaning "drop the row, recording why" (never a sink name)."""
CONTINUE = "continue"
"""Gate route meaning "go on to the next step" (never a sink name)."""
RESERVED_NAMES = frozenset({DISCARD, CONTINUE})

NAME_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"
NAME_RULE = "letters, digits, '_', '-' and '.' (not starting with '-' or '.')"
NAME_RE = re.compile(NAME_PATTERN)


def cross_field_problems(data: Mapping[str, Any]) -> list[str]:
    """Problems between fields: duplicate names, reserved or bad sink names, a default
    sink that is not a sink. Works on raw data too (shapes it does not expect are left to
    the field checks), so these are reported alongside field errors."""
    problems: list[str] = []
    seen: dict[str, str] = {}

    def items(value: Any) -> list[tuple[int, Mapping[str, Any]]]:
        if not isinstance(value, list):
            return []
        return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]

    def claim(item: Mapping[str, Any], where: str) -> None:
        name = item.get("name")
        if not isinstance(name, str):
            return
        if name in seen:
            problems.append(f"{where}.name: {name!r} is already the name of {seen[name]}")
        else:
            seen[name] = where

    for i, transform in items(data.get("transforms")):
        claim(transform, f"transforms[{i}]")
    for i, gate in items(data.get("gates")):
        claim(gate, f"gates[{i}]")
    for i, aggregation in items(data.get("aggregations")):
        claim(aggregation, f"aggregations[{i}]")
        for j, transform in items(aggregation.get("transforms")):
            claim(transform, f"aggregations[{i}].transforms[{j}]")

    sinks = data.get("sinks")
    if not isinstance(sinks, Mapping):
        return problems
    sink_names = sorted(str(name) for name in sinks)
    for name in sink_names:
        if name in RESERVED_NAMES:
            problems.append(f"sinks.{name}: {name!r} is reserved and cannot name a sink")
        elif not NAME_RE.match(name):
            problems.append(f"sinks[{name!r}]: a sink name must be {NAME_RULE}")
        elif name in seen:
            problems.append(f"sinks.{name}: {name!r} is already the name of {seen[name]}")
    default = data.get("default_sink")
    if isinstance(default, str) and default not in sinks:
        problems.append(
            f"default_sink: {default!r} is not a sink (sinks: {', '.join(sink_names) or 'none'})"
        )
    return problems
