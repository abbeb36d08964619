"""The orchestrator end to end on real files: outcomes, chunked writes, clean stops, and
random pipelines of passthrough transforms and gates that must conserve every row."""

from __future__ import annotations

import signal
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from auditflow.cli.explain import render
from auditflow.core.landscape import queries as q
from auditflow.core.landscape import schema as s
from auditflow.core.landscape.checkpoints import load_resume_point
from tests.auditflow.engine_support import (
    assert_trail_matches,
    landscape,
    numbered_rows,
    read_jsonl,
    run,
    settings,
    write_csv,
    write_pipeline,
)

GATE = {
    "name": "big",
    "condition": "amount >= 100",
    "routes": {"true": "high", "false": "continue"},
}


def test_outcomes_of_a_gate_pipeline_match_the_sinks_and_the_trail(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(30, bad=[3, 17]))
    path = write_pipeline(tmp_path, settings(gates=[GATE]))
    result = run(path)
    assert result.status == "completed"
    assert result.rows_processed == 30
    assert result.rows_quarantined == 2
    assert result.rows_routed == 19 and dict(result.routed_destinations) == {"high": 19}
    assert result.rows_succeeded == 9
    out = tmp_path / "out"
    assert [r["id"] for r in read_jsonl(out / "high.jsonl")] == [
        i for i in range(10, 30) if i != 17
    ]
    assert [r["id"] for r in read_jsonl(out / "output.jsonl")] == [i for i in range(10) if i != 3]
    bad = read_jsonl(out / "bad.jsonl")
    assert [r["id"] for r in bad] == ["3", "17"]
    assert all("amount" in r["_quarantine_reason"] for r in bad)
    assert_trail_matches(path, result)


@pytest.mark.parametrize("on_error", ["bad", "discard", None])
def test_transform_errors_take_on_error_or_end_failed_with_the_reason(
    tmp_path: Path, on_error: str | None
) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(6))
    mapper: dict[str, Any] = {
        "name": "pick",
        "plugin": "field_mapper",
        "options": {"select": ["id", "price"]},
    }
    if on_error is not None:
        mapper["on_error"] = on_error
    path = write_pipeline(tmp_path, settings(transforms=[mapper], gates=[GATE]))
    result = run(path)
    assert result.rows_failed == 6 and result.rows_succeeded == 0 and result.rows_routed == 0
    diverted = read_jsonl(tmp_path / "out" / "bad.jsonl")
    assert len(diverted) == (6 if on_error == "bad" else 0)
    assert all("'price' missing" in row["_error"] for row in diverted)
    engine = landscape(path)
    row = q.row_path(engine, result.run_id, 2)
    engine.dispose()
    assert row is not None
    final = row.tokens[0].final
    assert final is not None and final.outcome == "failed"
    assert final.sink == (None if on_error != "bad" else "bad")
    assert final.reason is not None and final.reason.startswith("transform 'pick'")
    assert "'price' missing" in final.reason
    assert_trail_matches(path, result)


def test_a_gate_that_cannot_evaluate_fails_the_row_with_the_reason(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(6))
    gate = {"name": "odd", "condition": "no_such_field > 1", "routes": {"true": "high"}}
    path = write_pipeline(tmp_path, settings(gates=[gate]))
    result = run(path)
    assert result.rows_failed == 6 and result.rows_succeeded == 0
    engine = landscape(path)
    row = q.row_path(engine, result.run_id, 2)
    engine.dispose()
    assert row is not None
    final = row.tokens[0].final
    assert final is not None and final.outcome == "failed"
    assert final.reason is not None and final.reason.startswith("gate 'odd'")
    assert "no_such_field" in final.reason
    assert_trail_matches(path, result)


def test_rows_are_written_and_committed_chunk_by_chunk(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(95))
    path = write_pipeline(tmp_path, settings())
    result = run(path, chunk_size=10)
    engine = landscape(path)
    with engine.connect() as connection:
        sizes = connection.scalars(
            select(s.artifacts.c.rows_written)
            .where(s.artifacts.c.run_id == result.run_id)
            .order_by(s.artifacts.c.artifact_id)
        ).all()
        checkpoints = connection.execute(
            select(s.checkpoints.c.sequence, s.checkpoints.c.next_row_index)
            .where(s.checkpoints.c.run_id == result.run_id)
            .order_by(s.checkpoints.c.sequence)
        ).all()
    engine.dispose()
    # the sink was flushed after every 10 rows, not once at the end
    assert list(sizes) == [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    assert [tuple(c) for c in checkpoints][:3] == [(1, 10), (2, 20), (3, 30)]
    assert checkpoints[-1][1] == 95
    assert_trail_matches(path, result)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_run_cleanly_as_interrupted(tmp_path: Path, signum: int) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(50))
    stats = {"name": "stats", "plugin": "batch_stats", "options": {"field": "amount"},
             "trigger": {"count": 8}}  # fmt: skip
    path = write_pipeline(tmp_path, settings(aggregations=[stats]))

    def on_row(totals: Any) -> None:
        if totals.rows_processed == 20:
            signal.raise_signal(signum)

    result = run(path, on_row=on_row, chunk_size=7)
    assert result.status == "interrupted"
    assert result.rows_processed == 20  # the row after the signal was not processed
    assert result.rows_consumed_in_batch == 16  # two full batches; 4 rows stay buffered
    engine = landscape(path)
    run_record = q.get_run(engine, result.run_id)
    waiting = q.tokens_without_one_terminal(engine, result.run_id)
    counts = q.outcome_counts(engine, result.run_id)
    with engine.connect() as connection:
        last_checkpoint = connection.execute(
            select(s.checkpoints.c.next_row_index, s.checkpoints.c.aggregation_state_json)
            .where(s.checkpoints.c.run_id == result.run_id)
            .order_by(s.checkpoints.c.sequence.desc())
        ).first()
    engine.dispose()
    assert last_checkpoint is not None and last_checkpoint[0] == 20
    engine = landscape(path)
    point = load_resume_point(engine, result.run_id)
    engine.dispose()
    # checkpoints hold buffer deltas; the resume point rebuilds the whole buffer
    assert point is not None and point.sequence == 3
    _batch_id, members = point.buffers["stats"]
    assert [m[0] for m in members] == [19, 20, 21, 22]
    assert [m[3]["id"] for m in members] == [16, 17, 18, 19]
    assert run_record is not None and run_record.status == "interrupted"
    assert waiting == [19, 20, 21, 22]  # rows 17-20 (ids 1-8, 10-17 went to batches 9, 18)
    assert counts == {"consumed_in_batch": 16, "completed": 2}
    assert signal.getsignal(signum) is not None  # handlers were restored
    engine = landscape(path)
    waiting_row = q.row_path(engine, result.run_id, 19)
    engine.dispose()
    assert waiting_row is not None
    assert render(waiting_row)[-1] == "  outcome: none yet (buffered; the run did not finish)"


def test_a_sink_that_cannot_write_fails_the_run_and_keeps_the_trail(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(25))
    (tmp_path / "blocker").write_text("a file where a folder should be")
    data = settings()
    data["sinks"]["output"] = {"plugin": "jsonl", "options": {"path": "blocker/out.jsonl"}}
    path = write_pipeline(tmp_path, data)
    result = run(path, chunk_size=10)
    assert result.status == "failed"
    assert result.error is not None and "blocker" in result.error
    assert result.rows_processed == 0  # nothing was committed: the first chunk failed
    engine = landscape(path)
    record = q.get_run(engine, result.run_id)
    engine.dispose()
    assert record is not None and record.status == "failed" and record.error == result.error
    assert_trail_matches(path, result)


# -- random pipelines: rows are conserved ------------------------------------------------

conditions = st.sampled_from(
    ["amount > 50", "id % 2 == 0", "country == 'DE'", "country in ['FR', 'US']", "id >= 7"]
)
destinations = st.sampled_from(["continue", "continue", "output", "high", "bad"])
steps = st.lists(
    st.one_of(
        st.just("passthrough"),
        st.tuples(conditions, destinations, destinations),
    ),
    max_size=5,
)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=steps,
    count=st.integers(min_value=0, max_value=25),
    bad=st.sets(st.integers(min_value=0, max_value=24), max_size=4),
)
def test_random_pipelines_conserve_rows(steps: list[Any], count: int, bad: set[int]) -> None:
    transforms: list[dict[str, Any]] = []
    gates: list[dict[str, Any]] = []
    for i, step in enumerate(steps):
        if step == "passthrough":
            transforms.append({"name": f"t{i}", "plugin": "passthrough"})
        else:
            condition, if_true, if_false = step
            routes = {"true": if_true, "false": if_false}
            gates.append({"name": f"g{i}", "condition": condition, "routes": routes})
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        write_csv(tmp / "input.csv", numbered_rows(count, bad=bad))
        path = write_pipeline(tmp, settings(transforms=transforms, gates=gates))
        result = run(path, chunk_size=4)
        invalid = len([i for i in bad if i < count])
        assert result.rows_processed == count
        assert result.rows_quarantined == invalid
        ended = result.rows_succeeded + result.rows_routed + result.rows_failed
        assert result.rows_processed == ended + result.rows_quarantined
        written = {
            n: len(read_jsonl(tmp / "out" / f"{n}.jsonl")) for n in ("output", "high", "bad")
        }
        assert sum(written.values()) == count
        assert written["high"] == result.routed_destinations.get("high", 0)
        assert_trail_matches(path, result)
