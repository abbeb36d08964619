"""Property tests: every unknown key and every missing required key is reported, each
with its own path, however many there are at once."""

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditflow.contracts.errors import SettingsError
from auditflow.core.settings import parse_settings
from auditflow.core.settings_errors import loc_to_path

VALID: dict[str, Any] = {
    "source": {
        "plugin": "csv",
        "options": {"path": "data.csv"},
        "on_validation_failure": "quarantine",
    },
    "transforms": [
        {"name": "map", "plugin": "field_mapper", "options": {}, "on_error": "errors"},
        {"name": "pass", "plugin": "passthrough"},
    ],
    "gates": [{"name": "big", "condition": "amount > 1", "routes": {"true": "high"}}],
    "aggregations": [
        {
            "name": "stats",
            "plugin": "batch_stats",
            "trigger": {"count": 5},
            "transforms": [{"name": "after", "plugin": "passthrough"}],
        }
    ],
    "sinks": {"output": {"plugin": "csv"}, "high": {"plugin": "jsonl"}},
    "default_sink": "output",
    "landscape": {"url": "sqlite:///a.db"},
    "checkpoint": {"frequency": 3},
}

# Mappings that are settings models (free-form `options`, `routes` and `sinks` maps are not).
FREE_FORM = {"options", "routes", "sinks"}


def model_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        if not path or path[-1] not in FREE_FORM:
            found.append(path)
        for key, value in node.items():
            found += model_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += model_paths(value, (*path, index))
    return found


MODEL_PATHS = model_paths(VALID)

REQUIRED: list[tuple[Any, ...]] = [
    ("source", "plugin"),
    ("source", "on_validation_failure"),
    ("transforms", 0, "name"),
    ("transforms", 1, "plugin"),
    ("gates", 0, "condition"),
    ("gates", 0, "routes"),
    ("aggregations", 0, "trigger"),
    ("aggregations", 0, "transforms", 0, "name"),
    ("sinks", "high", "plugin"),
    ("default_sink",),
]


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def test_valid_baseline() -> None:
    assert parse_settings(VALID).default_sink == "output"


@settings(max_examples=150, deadline=None)
@given(
    unknown=st.sets(st.sampled_from(MODEL_PATHS), max_size=6),
    missing=st.sets(st.sampled_from(REQUIRED), max_size=4),
)
def test_every_problem_is_named_with_its_path(
    unknown: set[tuple[Any, ...]], missing: set[tuple[Any, ...]]
) -> None:
    data = copy.deepcopy(VALID)
    # nothing inside a removed block can be reported
    missing = {m for m in missing if not any(m[: len(o)] == o and m != o for o in missing)}
    unknown = {u for u in unknown if not any(u[: len(m)] == m for m in missing)}
    for path in unknown:
        at(data, path)["zz_unknown"] = 1
    for path in missing:
        del at(data, path[:-1])[path[-1]]
    expected = {f"{loc_to_path((*p, 'zz_unknown'))}: unknown key" for p in unknown}
    expected |= {f"{loc_to_path(p)}: required but missing" for p in missing}
    if not expected:
        parse_settings(data)
        return
    with pytest.raises(SettingsError) as caught:
        parse_settings(data)
    reported = {line.split(" (allowed:")[0] for line in caught.value.errors}
    assert expected <= reported
    if "default_sink" not in {p[0] for p in missing}:
        assert len(caught.value.errors) == len(expected)
