"""Resume: a stopped run continues from its last checkpoint, every row exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from auditflow.contracts.errors import PluginError
from auditflow.core.landscape import schema as s
from auditflow.core.landscape.checkpoints import attempt_counters
from auditflow.core.landscape.counters import total
from auditflow.core.landscape.integrity import integrity_problems
from auditflow.engine import rowcodec
from auditflow.engine.orchestrator import Orchestrator, PipelineConfig, RunResult
from auditflow.engine.resume import ResumeError
from tests.auditflow.engine_support import (
    auditflow,
    landscape,
    numbered_rows,
    read_jsonl,
    run,
    settings,
    write_csv,
    write_pipeline,
)

STATS = {"name": "stats", "plugin": "batch_stats", "options": {"field": "amount"},
         "trigger": {"count": 8}, "output_mode": "transform"}  # fmt: skip
GATE = {
    "name": "big",
    "condition": "amount >= 300",
    "routes": {"true": "high", "false": "continue"},
}


def _pipeline(folder: Path, rows: int = 60, **extra: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "input.csv", numbered_rows(rows, bad=[5, 33]))
    data = settings(gates=[GATE], aggregations=[STATS], checkpoint={"frequency": 7}, **extra)
    return write_pipeline(folder, data)


def _stop_at(row: int) -> Any:
    def on_row(totals: Any) -> None:
        if totals.rows_processed == row:
            signal.raise_signal(signal.SIGTERM)

    return on_row


def _resume(path: Path, run_id: str) -> RunResult:
    return Orchestrator(PipelineConfig.from_file(path)).resume(run_id)


def _outputs(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {n: read_jsonl(folder / "out" / f"{n}.jsonl") for n in ("output", "high", "bad")}


def _reference(tmp_path: Path) -> tuple[RunResult, dict[str, list[dict[str, Any]]]]:
    result = run(_pipeline(tmp_path / "ref"))
    return result, _outputs(tmp_path / "ref")


@pytest.mark.parametrize("stop_at", [1, 20, 59])
def test_an_interrupted_run_resumes_to_what_an_uninterrupted_run_gives(
    tmp_path: Path, stop_at: int
) -> None:
    reference, expected = _reference(tmp_path)
    path = _pipeline(tmp_path / "work")
    first = run(path, on_row=_stop_at(stop_at))
    assert first.status == "interrupted" and first.rows_processed == stop_at
    resumed = _resume(path, first.run_id)
    assert resumed.run_id == first.run_id and resumed.status == "completed"
    assert resumed.counters() == reference.counters()
    assert _outputs(tmp_path / "work") == expected
    engine = landscape(path)
    try:
        assert integrity_problems(engine, first.run_id) == []
        shares = attempt_counters(engine, first.run_id)
        assert total(shares) == total([reference.counters()])
        assert shares[0]["rows_processed"] == stop_at  # the first run's share
    finally:
        engine.dispose()


def test_rows_written_after_the_checkpoint_are_cut_off(tmp_path: Path) -> None:
    _, expected = _reference(tmp_path)
    path = _pipeline(tmp_path / "work")
    first = run(path, on_row=_stop_at(30))
    for name in ("output", "high", "bad"):  # as if killed between a sink write and its checkpoint
        with (tmp_path / "work" / "out" / f"{name}.jsonl").open("a", encoding="utf-8") as f:
            f.write('{"id": 999, "written": "after the checkpoint"}\n')
    assert _resume(path, first.run_id).status == "completed"
    assert _outputs(tmp_path / "work") == expected


def test_a_sink_file_changed_before_the_checkpoint_is_refused(tmp_path: Path) -> None:
    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(30))
    output = tmp_path / "out" / "output.jsonl"
    output.write_bytes(b"X" + output.read_bytes()[1:])
    with pytest.raises(PluginError, match="changed since the checkpoint"):
        _resume(path, first.run_id)


def test_a_refused_sink_file_is_left_as_it_is(tmp_path: Path) -> None:
    # e.g. a second `auditflow run` replaced the interrupted run's file with a longer one:
    # resume refuses, and must not cut the other run's rows off first
    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(30))
    output = tmp_path / "out" / "output.jsonl"
    changed = b"X" + output.read_bytes()[1:] + b'{"id": 999, "written": "by another run"}\n' * 50
    output.write_bytes(changed)
    with pytest.raises(PluginError, match="changed since the checkpoint"):
        _resume(path, first.run_id)
    assert output.read_bytes() == changed


def test_a_csv_sink_resumes_with_its_header_columns(tmp_path: Path) -> None:
    csv_sinks = {"output": {"plugin": "csv", "options": {"path": "out/output.csv"}},
                 "high": {"plugin": "csv", "options": {"path": "out/high.csv"}},
                 "bad": {"plugin": "jsonl", "options": {"path": "out/bad.jsonl"}}}  # fmt: skip
    ref = run(_pipeline(tmp_path / "ref", sinks=csv_sinks))
    path = _pipeline(tmp_path / "work", sinks=csv_sinks)
    first = run(path, on_row=_stop_at(25))
    assert _resume(path, first.run_id).counters() == ref.counters()
    for name in ("output.csv", "high.csv"):
        got = (tmp_path / "work" / "out" / name).read_bytes()
        assert got == (tmp_path / "ref" / "out" / name).read_bytes()


def test_a_database_sink_resumes_by_its_key(tmp_path: Path) -> None:
    db_sinks = settings()["sinks"] | {
        "high": {"plugin": "database",
                 "options": {"url": "sqlite:///out/high.db", "table": "high", "resume_key": "k"}}
    }  # fmt: skip
    ref = run(_pipeline(tmp_path / "ref", sinks=db_sinks))
    path = _pipeline(tmp_path / "work", sinks=db_sinks)
    first = run(path, on_row=_stop_at(40))
    import sqlite3

    with sqlite3.connect(tmp_path / "work" / "out" / "high.db") as connection:
        # a row committed after the checkpoint (killed before the trail was committed)
        connection.execute(
            "INSERT INTO high (id, k) VALUES (999, ?)", (f"{first.run_id}/" + "9" * 12,)
        )
    assert _resume(path, first.run_id).counters() == ref.counters()

    def rows(folder: Path) -> list[tuple[Any, ...]]:
        with sqlite3.connect(folder / "out" / "high.db") as connection:
            return connection.execute("SELECT id, amount, country FROM high ORDER BY k").fetchall()

    assert rows(tmp_path / "work") == rows(tmp_path / "ref")


def test_a_database_sink_without_a_resume_key_is_refused(tmp_path: Path) -> None:
    db_sinks = settings()["sinks"] | {
        "high": {"plugin": "database", "options": {"url": "sqlite:///out/h.db", "table": "h"}}
    }
    path = _pipeline(tmp_path, sinks=db_sinks)
    first = run(path, on_row=_stop_at(10))
    with pytest.raises(PluginError, match="resume_key"):
        _resume(path, first.run_id)


def test_a_completed_run_is_refused(tmp_path: Path) -> None:
    path = _pipeline(tmp_path)
    done = run(path)
    with pytest.raises(ResumeError, match="ended completed"):
        _resume(path, done.run_id)


def test_changed_settings_are_refused_naming_the_node(tmp_path: Path) -> None:
    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(10))
    changed = dict(GATE, condition="amount >= 301")
    write_pipeline(tmp_path, settings(gates=[changed], aggregations=[STATS],
                                      checkpoint={"frequency": 7}))  # fmt: skip
    with pytest.raises(ResumeError, match=r"node config hash differs.*gate:big"):
        _resume(path, first.run_id)
    write_pipeline(tmp_path, settings(aggregations=[STATS], checkpoint={"frequency": 7}))
    with pytest.raises(ResumeError, match=r"topology hash differs.*removed: \['gate:big'\]"):
        _resume(path, first.run_id)


def _set_running(path: Path, run_id: str, pid: int) -> None:
    engine = landscape(path)
    with engine.begin() as connection:
        connection.execute(
            update(s.runs).where(s.runs.c.run_id == run_id).values(status="running", pid=pid)
        )
    engine.dispose()


def test_a_run_whose_process_lives_is_refused_a_dead_one_resumes(tmp_path: Path) -> None:
    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(10))
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _set_running(path, first.run_id, alive.pid)
        with pytest.raises(ResumeError, match=f"still running \\(process {alive.pid}"):
            _resume(path, first.run_id)
    finally:
        alive.kill()
        alive.wait()
    assert _resume(path, first.run_id).status == "completed"  # its process is gone now


def test_the_cli_resumes_and_refuses(tmp_path: Path) -> None:
    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(10))
    done = auditflow(tmp_path, "resume", first.run_id, "--settings", path.name)
    assert done.returncode == 1, done.stderr  # completed, with quarantined rows
    assert f"run {first.run_id} completed" in done.stdout
    again = auditflow(tmp_path, "resume", first.run_id, "--settings", path.name)
    assert again.returncode == 2
    assert "only failed, interrupted or killed runs can be resumed" in again.stderr
    assert "Traceback" not in again.stderr
    unknown = auditflow(tmp_path, "resume", "nope", "--settings", path.name)
    assert unknown.returncode == 2 and "there is no run 'nope'" in unknown.stderr


def test_the_integrity_query_finds_a_missing_outcome(tmp_path: Path) -> None:
    path = _pipeline(tmp_path)
    done = run(path)
    engine = landscape(path)
    try:
        assert integrity_problems(engine, done.run_id) == []
        o = s.token_outcomes
        with engine.begin() as connection:
            victim = connection.scalars(
                select(o.c.outcome_id).where(o.c.outcome == "completed").limit(1)
            ).one()
            connection.execute(delete(o).where(o.c.outcome_id == victim))
        problems = integrity_problems(engine, done.run_id)
    finally:
        engine.dispose()
    assert "1 token(s) do not have exactly one terminal outcome" in problems
    assert any(p.startswith("counter rows_succeeded is") for p in problems)


def test_the_integrity_query_finds_a_moved_root_token_and_a_wrong_batch_size(
    tmp_path: Path,
) -> None:
    path = _pipeline(tmp_path)
    done = run(path)
    engine = landscape(path)
    t, b = s.tokens, s.batches
    try:
        with engine.begin() as connection:
            connection.execute(  # row 1's root token now claims row 0: two roots, and none
                update(t).where(t.c.run_id == done.run_id, t.c.row_index == 1).values(row_index=0)
            )
            connection.execute(
                update(b)
                .where(b.c.run_id == done.run_id, b.c.batch_id == 1)
                .values(size=b.c.size + 1)
            )
        problems = integrity_problems(engine, done.run_id)
    finally:
        engine.dispose()
    assert "2 source row(s) do not have exactly one root token" in problems
    assert "1 batch(es) have a size that is not their member count" in problems


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.floats(allow_nan=False) | st.decimals(allow_nan=False, allow_infinity=False)
    | st.datetimes() | st.dates() | st.times() | st.binary(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.sampled_from(["a", "$t", "v"]), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


@given(values)
def test_checkpointed_rows_come_back_with_their_types(value: Any) -> None:
    back = rowcodec.decode(json.loads(json.dumps(rowcodec.encode(value))))
    assert back == value and type(back) is type(value)
    if isinstance(value, dict):
        assert list(back) == list(value)  # csv columns come from the key order


def test_a_known_row_round_trips() -> None:
    row = {"d": dt.date(2024, 1, 2), "x": Decimal("1.10"), "t": dt.datetime(2024, 1, 2, 3)}
    assert rowcodec.decode(json.loads(json.dumps(rowcodec.encode(row)))) == row


@pytest.mark.parametrize("status", ["executing", "failed"])
def test_a_batch_caught_executing_or_failed_is_retried(tmp_path: Path, status: str) -> None:
    reference, expected = _reference(tmp_path)
    path = _pipeline(tmp_path / "work")
    first = run(path, on_row=_stop_at(20))
    engine = landscape(path)
    b = s.batches
    with engine.begin() as connection:
        open_batch = connection.scalars(
            select(b.c.batch_id).where(b.c.run_id == first.run_id, b.c.status == "draft")
        ).one()
        connection.execute(update(b).where(b.c.batch_id == open_batch).values(status=status))
    engine.dispose()
    assert _resume(path, first.run_id).counters() == reference.counters()
    assert _outputs(tmp_path / "work") == expected
    engine = landscape(path)
    with engine.connect() as connection:
        retried = connection.execute(
            select(b.c.status, b.c.attempt).where(b.c.batch_id == open_batch)
        ).one()
    problems = integrity_problems(engine, first.run_id)
    engine.dispose()
    assert tuple(retried) == ("completed", 2) and problems == []


def test_a_resumed_run_exports_with_its_attempts_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditflow.engine.export_verify import verify_export
    from auditflow.engine.orchestrator.export import export_recorded_run

    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", "resume-test-key")
    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(30))
    _resume(path, first.run_id)
    out = tmp_path / "trail.jsonl"
    url = PipelineConfig.from_file(path).landscape_url
    export_recorded_run(url, first.run_id, "json", out, sign=True)
    report = verify_export(out, b"resume-test-key")
    assert report.counts["run_attempts"] == 2  # the first run and the resume
    attempts = [r for r in read_jsonl(out) if r["_type"] == "run_attempts"]
    assert [(a["attempt"], a["resumed_from"], a["status"]) for a in attempts] == [
        (0, None, "interrupted"),
        (1, 5, "completed"),
    ]


def test_a_run_claimed_by_another_resume_meanwhile_is_refused(tmp_path: Path) -> None:
    from auditflow.core.landscape.checkpoints import (
        ResumeConflict,
        begin_attempt,
        load_resume_point,
    )

    path = _pipeline(tmp_path)
    first = run(path, on_row=_stop_at(10))
    engine = landscape(path)
    try:
        point = load_resume_point(engine, first.run_id)
        assert point is not None
        _set_running(path, first.run_id, os.getpid() + 100_000)  # another resume got there
        with pytest.raises(ResumeConflict, match="changed while it was being resumed"):
            begin_attempt(engine, point, [])
        assert attempt_counters(engine, first.run_id) == []  # nothing was recorded
    finally:
        engine.dispose()
