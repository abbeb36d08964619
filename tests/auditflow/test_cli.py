"""The ``auditflow`` command in real subprocesses: exit codes, messages, explain."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import Table, func, select
from sqlalchemy.exc import OperationalError

from auditflow.core.landscape import schema as s
from tests.auditflow.engine_support import (
    auditflow,
    landscape,
    numbered_rows,
    settings,
    start_auditflow,
    write_csv,
    write_pipeline,
)

GATE = {
    "name": "big",
    "condition": "amount >= 100",
    "routes": {"true": "high", "false": "continue"},
}


def _run_id(stdout: str) -> str:
    first = stdout.splitlines()[0].split()
    assert first[0] == "run"
    return first[1]


def test_run_exits_0_when_every_row_completed_and_prints_the_counters(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(12))
    write_pipeline(tmp_path, settings(gates=[GATE]))
    done = auditflow(tmp_path, "run", "pipeline.yaml")
    assert done.returncode == 0, done.stderr
    assert f"run {_run_id(done.stdout)} completed" in done.stdout
    assert "rows_processed          12" in done.stdout
    assert "routed to high: 2" in done.stdout
    assert (tmp_path / "pipeline.audit.db").exists()  # the default trail, next to the settings


def test_run_exits_1_when_rows_were_quarantined(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(12, bad=[4]))
    write_pipeline(tmp_path, settings())
    done = auditflow(tmp_path, "run", "pipeline.yaml", "--db", f"sqlite:///{tmp_path}/x.db")
    assert done.returncode == 1, done.stderr
    assert "rows_quarantined        1" in done.stdout
    assert (tmp_path / "x.db").exists() and not (tmp_path / "pipeline.audit.db").exists()


def test_bad_settings_exit_2_naming_file_and_field(tmp_path: Path) -> None:
    write_pipeline(tmp_path, settings(gates=[{**GATE, "condition": "__import__('os')"}]))
    for command in ("run", "validate"):
        done = auditflow(tmp_path, command, "pipeline.yaml")
        assert done.returncode == 2
        assert "pipeline.yaml" in done.stderr and "gates[0].condition" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_route_to_a_missing_sink_exits_2_before_reading(tmp_path: Path) -> None:
    write_pipeline(tmp_path, settings(gates=[{**GATE, "routes": {"true": "hgh"}}]))
    for command in ("run", "validate"):
        done = auditflow(tmp_path, command, "pipeline.yaml")
        assert done.returncode == 2
        assert "pipeline.yaml: gate 'big' sends 'true' to sink 'hgh'" in done.stderr
        assert "available sinks: bad, high, output" in done.stderr
    assert not (tmp_path / "pipeline.audit.db").exists()


def test_bad_plugin_options_exit_2_naming_the_field(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(1))
    data = settings()
    data["sinks"]["high"] = {"plugin": "jsonl", "options": {"pth": "x.jsonl"}}
    write_pipeline(tmp_path, data)
    done = auditflow(tmp_path, "validate", "pipeline.yaml")
    assert done.returncode == 2
    assert "sinks.high.options" in done.stderr


def test_validate_accepts_good_settings_and_writes_nothing(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(3, bad=[1]))
    write_pipeline(tmp_path, settings(gates=[GATE]))
    done = auditflow(tmp_path, "validate", "pipeline.yaml")
    assert done.returncode == 0, done.stderr
    assert "valid (0 transforms, 1 gates, 0 aggregations, 3 sinks)" in done.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "pipeline.audit.db").exists()


def test_a_failing_run_exits_2_with_the_reason(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(5))
    (tmp_path / "blocker").write_text("not a folder")
    data = settings()
    data["sinks"]["output"] = {"plugin": "jsonl", "options": {"path": "blocker/o.jsonl"}}
    write_pipeline(tmp_path, data)
    done = auditflow(tmp_path, "run", "pipeline.yaml")
    assert done.returncode == 2
    assert f"run {_run_id(done.stdout)} failed" in done.stdout
    assert "blocker" in done.stderr and "Traceback" not in done.stderr


def test_explain_tells_a_routed_rows_path(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(12))
    write_pipeline(tmp_path, settings(gates=[GATE]))
    run_id = _run_id(auditflow(tmp_path, "run", "pipeline.yaml").stdout)
    db = f"sqlite:///{tmp_path}/pipeline.audit.db"
    done = auditflow(tmp_path, "explain", run_id, "11", "--db", db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"run {run_id}, source row 11 (valid)"
    assert "  2. gate big: completed -> 'true' -> high  [amount >= 100]" in lines
    assert lines[-1] == "  outcome: routed in sink high"
    by_settings = auditflow(tmp_path, "explain", "latest", "11", "--settings", "pipeline.yaml")
    assert by_settings.stdout == done.stdout


def test_explain_of_unknown_run_or_row_exits_2(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(3))
    write_pipeline(tmp_path, settings())
    run_id = _run_id(auditflow(tmp_path, "run", "pipeline.yaml").stdout)
    db = f"sqlite:///{tmp_path}/pipeline.audit.db"
    missing_run = auditflow(tmp_path, "explain", "nope", "0", "--db", db)
    assert missing_run.returncode == 2 and "no run 'nope'" in missing_run.stderr
    missing_row = auditflow(tmp_path, "explain", run_id, "3", "--db", db)
    assert missing_row.returncode == 2 and "has no source row 3" in missing_row.stderr
    no_db = auditflow(tmp_path, "explain", run_id, "0")
    assert no_db.returncode == 2 and "--db" in no_db.stderr


def _count(db_path: Path, table: Table) -> int:
    if not db_path.exists():
        return 0
    from auditflow.core.landscape import open_landscape, sqlite_url

    try:
        engine = open_landscape(sqlite_url(db_path), create=False)
    except Exception:
        return 0
    try:
        with engine.connect() as connection:
            found = connection.execute(select(func.count()).select_from(table)).scalar_one()
    except OperationalError:  # the run is still creating the tables
        return 0
    finally:
        engine.dispose()
    return int(found)


def _open_for_writing(fifo: Path, process: subprocess.Popen[str]) -> IO[str]:
    """Open the named pipe once the run opens it for reading (never block forever)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:  # ENXIO: no reader yet
            if error.errno != errno.ENXIO:
                raise
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the run never opened its source"
            time.sleep(0.02)
            continue
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "w", encoding="utf-8")


def _wait(process: subprocess.Popen[str], done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not done():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run did not get there"
        time.sleep(0.02)


def test_sigterm_stops_the_run_cleanly_with_exit_3(tmp_path: Path) -> None:
    # The source is a named pipe the test writes into, so the run is mid-source for sure
    # when the signal arrives: no timing involved, only waiting for its third checkpoint.
    fifo = tmp_path / "input.csv"
    os.mkfifo(fifo)
    data = settings()
    data["checkpoint"] = {"frequency": 1}
    write_pipeline(tmp_path, data)
    process = start_auditflow(tmp_path, "run", "pipeline.yaml")
    lines = [f"{r['id']},{r['amount']},{r['country']}\n" for r in numbered_rows(6)]
    db = tmp_path / "pipeline.audit.db"
    with _open_for_writing(fifo, process) as header:  # the source checks its header first
        header.write("id,amount,country\n")
    _wait(process, lambda: _count(db, s.runs) == 1)  # header checked, the run has begun
    with _open_for_writing(fifo, process) as feed:  # then reads the rows
        feed.write("id,amount,country\n" + "".join(lines[:3]))
        feed.flush()
        _wait(process, lambda: _count(db, s.checkpoints) == 3)  # three rows are done
        process.send_signal(signal.SIGTERM)
        feed.write("".join(lines[3:]))
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 3, stderr
    assert "interrupted" in stdout
    assert "rows_processed          3" in stdout
    engine = landscape(tmp_path / "pipeline.yaml")
    with engine.connect() as connection:
        status = connection.execute(select(s.runs.c.status)).scalar_one()
    engine.dispose()
    assert status == "interrupted"


def test_the_progress_bar_shows_only_on_a_terminal(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(300))
    write_pipeline(tmp_path, settings())
    piped = auditflow(tmp_path, "run", "pipeline.yaml")
    assert piped.returncode == 0 and piped.stderr == ""  # no terminal: no progress output

    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "auditflow", "run", "pipeline.yaml"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0
    assert b"rows " in shown  # the progress bar's row counter was drawn on the terminal


def test_running_the_same_settings_twice_records_a_new_run_and_replaces_file_sinks(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(12))
    write_pipeline(tmp_path, settings(gates=[GATE]))
    first = auditflow(tmp_path, "run", "pipeline.yaml")
    second = auditflow(tmp_path, "run", "pipeline.yaml")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    first_id, second_id = _run_id(first.stdout), _run_id(second.stdout)
    assert first_id != second_id
    engine = landscape(tmp_path / "pipeline.yaml")
    try:
        with engine.connect() as connection:
            runs = dict(connection.execute(select(s.runs.c.run_id, s.runs.c.status)).all())
            row_counts = dict(
                connection.execute(
                    select(s.rows.c.run_id, func.count()).group_by(s.rows.c.run_id)
                ).all()
            )
    finally:
        engine.dispose()
    assert runs == {first_id: "completed", second_id: "completed"}  # both kept in the trail
    assert row_counts == {first_id: 12, second_id: 12}
    # the file sinks hold the second run's rows once, not both runs' (documented: replaced)
    assert len((tmp_path / "out" / "output.jsonl").read_text().splitlines()) == 10
    assert len((tmp_path / "out" / "high.jsonl").read_text().splitlines()) == 2
    latest = auditflow(tmp_path, "explain", "latest", "0", "--settings", "pipeline.yaml")
    assert latest.stdout.startswith(f"run {second_id},"), latest.stdout


def test_a_sink_on_the_source_file_or_on_another_sinks_file_is_refused(tmp_path: Path) -> None:
    write_csv(tmp_path / "input.csv", numbered_rows(12))
    before = (tmp_path / "input.csv").read_bytes()
    data = settings()
    data["sinks"]["output"] = {"plugin": "csv", "options": {"path": "input.csv"}}
    write_pipeline(tmp_path, data)
    for command in ("validate", "run"):
        done = auditflow(tmp_path, command, "pipeline.yaml")
        assert done.returncode == 2, done.stdout
        assert "sinks.output.options.path:" in done.stderr
        assert "is also the file of the source" in done.stderr
    assert (tmp_path / "input.csv").read_bytes() == before  # the input survives
    data = settings()
    data["sinks"]["high"]["options"]["path"] = "out/./output.jsonl"
    write_pipeline(tmp_path, data)
    done = auditflow(tmp_path, "validate", "pipeline.yaml")
    assert done.returncode == 2
    assert "sinks.high.options.path:" in done.stderr
    assert "is also the file of sink 'output'" in done.stderr
