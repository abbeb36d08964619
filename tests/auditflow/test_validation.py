"""Route validation: every bad destination is refused before a row is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditflow.core.settings import load_settings
from auditflow.engine.orchestrator import Orchestrator, PipelineConfig, RouteValidationError
from auditflow.engine.orchestrator.validation import validate_routes
from tests.auditflow.engine_support import settings, write_pipeline

SINKS = "available sinks: bad, high, output"
MAPPER = {"name": "map", "plugin": "passthrough"}
GATE = {"name": "big", "condition": "amount > 100", "routes": {"true": "high", "false": "continue"}}
AGG = {"name": "stats", "plugin": "batch_stats", "options": {"field": "amount"},
       "trigger": {"count": 5}}  # fmt: skip


def _source(failure: str) -> dict[str, Any]:
    source = dict(settings()["source"])
    source["on_validation_failure"] = failure
    return source


CASES = {
    "source": (
        {"source": _source("quarantine")},
        "source 'csv' sends 'on_validation_failure' to sink 'quarantine', which does not exist",
    ),
    "transform": (
        {"transforms": [{**MAPPER, "on_error": "errors"}]},
        "transform 'map' sends 'on_error' to sink 'errors', which does not exist",
    ),
    "gate": (
        {"gates": [{**GATE, "routes": {"true": "hihg", "false": "continue"}}]},
        "gate 'big' sends 'true' to sink 'hihg', which does not exist",
    ),
    "gate-discard": (
        {"gates": [{**GATE, "routes": {"true": "high", "false": "discard"}}]},
        "gate 'big' sends 'false' to sink 'discard', which does not exist",
    ),
    "transform-continue": (
        {"transforms": [{**MAPPER, "on_error": "continue"}]},
        "transform 'map' sends 'on_error' to sink 'continue', which does not exist",
    ),
    "aggregation-sink": (
        {"aggregations": [{**AGG, "sink": "summary"}]},
        "aggregation 'stats' sends 'sink' to sink 'summary', which does not exist",
    ),
    "aggregation-transform": (
        {"aggregations": [{**AGG, "transforms": [{**MAPPER, "name": "m2", "on_error": "x"}]}]},
        "aggregation 'stats' transform 'm2' sends 'on_error' to sink 'x', which does not exist",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_destination_is_named_with_label_and_sorted_sinks(
    tmp_path: Path, case: str
) -> None:
    overrides, message = CASES[case]
    path = write_pipeline(tmp_path, settings(**overrides))
    with pytest.raises(RouteValidationError) as caught:
        validate_routes(load_settings(path))
    assert str(caught.value) == f"{message}; {SINKS}"
    assert caught.value.available == ["bad", "high", "output"]


def test_discard_and_continue_are_keywords_not_sinks(tmp_path: Path) -> None:
    path = write_pipeline(
        tmp_path,
        settings(
            source=_source("discard"),
            transforms=[{**MAPPER, "on_error": "discard"}, {**MAPPER, "name": "m2"}],
            gates=[GATE],
            aggregations=[{**AGG, "sink": "output"}],
        ),
    )
    validate_routes(load_settings(path))  # no error


def test_the_run_refuses_before_reading_a_row_or_opening_the_trail(tmp_path: Path) -> None:
    # input.csv does not even exist, and no audit database gets created
    path = write_pipeline(tmp_path, settings(gates=[{**GATE, "routes": {"true": "nowhere"}}]))
    config = PipelineConfig.from_file(path)
    with pytest.raises(RouteValidationError, match="'nowhere'"):
        Orchestrator(config).run()
    assert not list(tmp_path.glob("*.db"))
    assert not (tmp_path / "out").exists()
