"""Run counters as plain dicts (``counters_json``): adding and subtracting them.

A counter dict maps counter names to ints, plus ``routed_destinations``: sink -> int.
Resumed runs store each attempt's share, so the shares add up to the run's total.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NESTED = "routed_destinations"


def combine(a: Mapping[str, Any], b: Mapping[str, Any], sign: int = 1) -> dict[str, Any]:
    """``a + sign * b``, counter by counter (zero per-sink counts are dropped)."""
    out: dict[str, Any] = {}
    for name in sorted(set(a) | set(b)):
        if name == NESTED:
            left, right = dict(a.get(NESTED) or {}), dict(b.get(NESTED) or {})
            merged = {k: left.get(k, 0) + sign * right.get(k, 0) for k in set(left) | set(right)}
            out[NESTED] = {k: v for k, v in sorted(merged.items()) if v}
        else:
            out[name] = int(a.get(name, 0)) + sign * int(b.get(name, 0))
    return out


def total(parts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The sum of several counter dicts."""
    result: dict[str, Any] = {}
    for part in parts:
        result = combine(result, part)
    return result
