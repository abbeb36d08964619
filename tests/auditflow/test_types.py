"""``AggregationFlushResult``: ``+`` is a commutative monoid that loses and swaps nothing."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditflow.engine.orchestrator.types import (
    COUNTERS,
    AggregationFlushResult,
    RouteValidationError,
    RunResult,
    RunStatus,
)

counts = st.integers(min_value=0, max_value=10**6)
results = st.builds(
    AggregationFlushResult,
    **{name: counts for name in COUNTERS},
    routed_destinations=st.dictionaries(st.sampled_from(["a", "b", "high", "low"]), counts),
)
EMPTY = AggregationFlushResult()


@given(results, results, results)
def test_addition_is_associative(
    a: AggregationFlushResult, b: AggregationFlushResult, c: AggregationFlushResult
) -> None:
    assert (a + b) + c == a + (b + c)


@given(results, results)
def test_addition_is_commutative(a: AggregationFlushResult, b: AggregationFlushResult) -> None:
    assert a + b == b + a


@given(results)
def test_the_empty_result_is_the_identity(a: AggregationFlushResult) -> None:
    assert a + EMPTY == a
    assert EMPTY + a == a


@given(results, results)
def test_every_counter_is_summed_into_itself(
    a: AggregationFlushResult, b: AggregationFlushResult
) -> None:
    total = a + b
    for name in COUNTERS:
        assert getattr(total, name) == getattr(a, name) + getattr(b, name), name
    for sink in set(a.routed_destinations) | set(b.routed_destinations):
        expected = a.routed_destinations.get(sink, 0) + b.routed_destinations.get(sink, 0)
        assert total.routed_destinations.get(sink, 0) == expected


@pytest.mark.parametrize("name", COUNTERS)
def test_a_single_counter_stays_in_its_own_field(name: str) -> None:
    one = AggregationFlushResult(**{name: 1})
    total = one + one + AggregationFlushResult(routed_destinations={"x": 2})
    expected = {**dict.fromkeys(COUNTERS, 0), name: 2, "routed_destinations": {"x": 2}}
    assert total.counters() == expected


def test_results_are_frozen_slotted_and_keep_no_shared_dict() -> None:
    source = {"high": 1}
    result = AggregationFlushResult(rows_routed=1, routed_destinations=source)
    source["high"] = 99
    assert result.routed_destinations == {"high": 1}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.rows_routed = 2  # type: ignore[misc]
    assert not hasattr(result, "__dict__")
    with pytest.raises(TypeError):
        result.routed_destinations["high"] = 3  # type: ignore[index]


def test_run_result_carries_the_totals() -> None:
    totals = AggregationFlushResult(rows_processed=3, rows_succeeded=2, rows_quarantined=1)
    run = RunResult.of("abc", RunStatus.COMPLETED, totals)
    assert run.counters() == totals.counters()
    assert run.status == "completed" and run.error is None


def test_route_validation_error_names_everything_and_sorts_sinks() -> None:
    error = RouteValidationError("gate 'big'", "hihg", "true", ["output", "high", "errors"])
    assert str(error) == (
        "gate 'big' sends 'true' to sink 'hihg', which does not exist; "
        "available sinks: errors, high, output"
    )
