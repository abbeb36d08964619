"""Aggregation triggers: count on buffering, timeout before the late row, end-of-source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from auditflow.core.landscape import LandscapeRecorder, RunHeader, open_landscape, sqlite_url
from auditflow.core.landscape import schema as s
from auditflow.engine.orchestrator.aggregation import Aggregations, AggregationSpec
from auditflow.engine.orchestrator.types import AggregationFlushResult
from auditflow.engine.tokens import Numbering, Token
from auditflow.plugins.registry import create_batch_transform
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


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _aggregations(tmp_path: Path, clock: Clock, **trigger: Any) -> tuple[Aggregations, list[Any]]:
    engine = open_landscape(sqlite_url(tmp_path / "agg.db"))
    recorder = LandscapeRecorder.begin_run(engine, RunHeader("{}", "0" * 64, "v", "1" * 64))
    node = recorder.add_node("aggregation", "stats", "batch_stats", 0, "{}", "2" * 64)
    released: list[Any] = []

    def release(index: int, tokens: list[Token]) -> AggregationFlushResult:
        released.append([t.token_id for t in tokens])
        return AggregationFlushResult(rows_succeeded=len(tokens))

    spec = AggregationSpec(
        "stats",
        node,
        trigger.get("count"),
        trigger.get("timeout_seconds"),
        "passthrough",
        create_batch_transform("batch_stats", {"field": "x"}, tmp_path),
    )
    aggs = Aggregations([spec], recorder, Numbering(), Numbering(), clock, release)
    return aggs, released


def _token(token_id: int) -> Token:
    return Token(token_id, token_id, {"x": token_id})


def test_count_trigger_fires_when_the_buffer_fills(tmp_path: Path) -> None:
    aggs, released = _aggregations(tmp_path, Clock(), count=3)
    results = [aggs.buffer(0, _token(i)) for i in range(1, 8)]
    assert released == [[1, 2, 3], [4, 5, 6]]
    assert [r.rows_succeeded for r in results] == [0, 0, 3, 0, 0, 3, 0]
    assert aggs.checkpoint_state() == {
        "stats": {"batch_id": 3, "from": 0, "added": [[7, 7, 1, {"x": 7}]]}
    }
    aggs.buffer(0, _token(8))
    # a checkpoint holds only what entered since the previous one
    assert aggs.checkpoint_state() == {
        "stats": {"batch_id": 3, "from": 1, "added": [[8, 8, 1, {"x": 8}]]}
    }
    assert aggs.flush_all().rows_succeeded == 2
    assert released[-1] == [7, 8]
    assert aggs.checkpoint_state() == {}


def test_timeout_flushes_before_the_late_row_is_buffered(tmp_path: Path) -> None:
    clock = Clock()
    aggs, released = _aggregations(tmp_path, clock, count=100, timeout_seconds=10.0)
    aggs.buffer(0, _token(1))
    clock.now = 4.0
    assert aggs.check_timeouts() == AggregationFlushResult()  # not yet: 4 s < 10 s
    aggs.buffer(0, _token(2))
    clock.now = 10.0  # the next row arrives late: the check runs before it is buffered
    assert aggs.check_timeouts().rows_succeeded == 2
    aggs.buffer(0, _token(3))
    assert released == [[1, 2]]  # the late row 3 is not in the timed-out batch
    clock.now = 15.0  # the new batch opened at 10 s: its own clock
    assert aggs.check_timeouts() == AggregationFlushResult()
    clock.now = 20.0
    aggs.check_timeouts()
    assert released == [[1, 2], [3]]


def _batches(path: Path, run_id: str) -> list[tuple[int, str, str]]:
    engine = landscape(path)
    with engine.connect() as connection:
        found = connection.execute(
            select(s.batches.c.size, s.batches.c.trigger, s.batches.c.status)
            .where(s.batches.c.run_id == run_id)
            .order_by(s.batches.c.batch_id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in found]  # type: ignore[misc]


def _stats(**extra: Any) -> dict[str, Any]:
    return {
        "name": "stats",
        "plugin": "batch_stats",
        "options": {"field": "amount"},
        "trigger": {"count": 7},
        "output_mode": "transform",
        **extra,
    }


def test_end_of_source_flushes_the_partial_batch(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(20))
    path = write_pipeline(tmp_path, settings(aggregations=[_stats()]))
    result = run(path)
    assert _batches(path, result.run_id) == [
        (7, "count", "completed"),
        (7, "count", "completed"),
        (6, "end_of_source", "completed"),
    ]
    assert result.rows_consumed_in_batch == 20 and result.rows_succeeded == 3
    summaries = read_jsonl(tmp_path / "out" / "output.jsonl")
    assert [row["count"] for row in summaries] == [7, 7, 6]
    assert sum(row["sum"] for row in summaries) == sum(i * 10 for i in range(20))
    assert_trail_matches(path, result)


def test_a_run_with_a_clock_past_every_timeout_never_batches_two_rows(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(5))
    ticks = iter(range(0, 10_000, 100))  # every reading is 100 s after the last
    path = write_pipeline(
        tmp_path, settings(aggregations=[_stats(trigger={"count": 3, "timeout_seconds": 1})])
    )
    result = run(path, clock=lambda: float(next(ticks)))
    batches = _batches(path, result.run_id)
    assert [size for size, _, _ in batches] == [1, 1, 1, 1, 1]
    assert [trigger for _, trigger, _ in batches] == ["timeout"] * 4 + ["end_of_source"]
    assert_trail_matches(path, result)


def test_released_rows_go_through_the_aggregations_transforms_and_on(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(10))
    first = _stats(
        name="hold",
        output_mode="passthrough",
        trigger={"count": 4},
        transforms=[{"name": "tag", "plugin": "field_mapper", "options": {"set": {"seen": 1}}}],
    )
    second = _stats(trigger={"count": 5})
    path = write_pipeline(tmp_path, settings(aggregations=[first, second]))
    result = run(path)
    # batches by id: hold 4, stats 5 (filled by hold's releases), hold 4, stats 5 (filled
    # when the end-of-source flush of hold's last 2 rows releases them), hold 2
    assert [(size, trigger) for size, trigger, _ in _batches(path, result.run_id)] == [
        (4, "count"),
        (5, "count"),
        (4, "count"),
        (5, "count"),
        (2, "end_of_source"),
    ]
    summaries = read_jsonl(tmp_path / "out" / "output.jsonl")
    assert [row["count"] for row in summaries] == [5, 5]
    assert result.rows_buffered == 20 and result.rows_consumed_in_batch == 10
    assert_trail_matches(path, result)


def test_a_failing_batch_fails_its_members_not_the_run(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(4))
    bad = _stats(options={"field": "country"}, trigger={"count": 2})  # not a number
    path = write_pipeline(tmp_path, settings(aggregations=[bad]))
    result = run(path)
    assert result.status == "completed"
    assert result.rows_failed == 4 and result.rows_succeeded == 0
    assert [status for _, _, status in _batches(path, result.run_id)] == ["failed", "failed"]
    assert_trail_matches(path, result)
