"""Kill a real pipeline run at random points, resume it, and prove nothing was lost or
duplicated. Shared by ``tests/auditflow/test_kill_resume.py`` (fewer rows) and
``benchmarks/kill_resume.py`` (100,000 rows).

The pipeline: csv source (1 row in 97 invalid -> quarantine sink ``bad``), a gate sending
amounts >= 990 to a database sink ``archive`` (with a resume key), a gate sending non-US
rows to the csv sink ``output``, and a transform-mode ``batch_stats`` aggregation (count
50) whose summaries go to the jsonl sink ``summary``. Each run is a subprocess of
``python -m auditflow``; kills wait for real progress (the checkpoints in the audit DB),
then a random extra delay so that some land between a sink write and its checkpoint.

By default the audit trail and the ``archive`` table are SQLite files in the folder;
``write_pipeline(..., landscape_url=..., archive_url=...)`` puts them in other databases
(``tests/auditflow/test_postgres.py`` runs the same rounds on PostgreSQL).
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from auditflow.core.landscape import open_landscape, sqlite_url
from auditflow.core.landscape.checkpoints import attempt_counters
from auditflow.core.landscape.counters import total
from auditflow.core.landscape.integrity import integrity_problems
from tests.auditflow.engine_support import auditflow, start_auditflow

SINK_FILES = ("out/output.csv", "out/summary.jsonl", "out/bad.jsonl")


def write_pipeline(
    folder: Path,
    rows: int,
    frequency: int = 200,
    *,
    landscape_url: str | None = None,
    archive_url: str = "sqlite:///out/archive.db",
) -> Path:
    """The input and settings of the crash pipeline in ``folder`` (earlier runs' audit
    trail and outputs there are removed; a ``landscape_url`` database must be empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / "out", ignore_errors=True)
    for old in folder.glob("pipeline.audit.db*"):
        old.unlink()
    rng = random.Random(rows)
    with (folder / "input.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "amount", "country", "day"])
        for i in range(rows):
            amount = "oops" if i % 97 == 13 else f"{rng.uniform(0, 1000):.2f}"
            day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00"
            writer.writerow([i, amount, rng.choice(["US", "US", "DE", "FR"]), day])
    settings = {
        "source": {
            "plugin": "csv",
            "options": {
                "path": "input.csv",
                "schema": {
                    "fields": {
                        "id": "int",
                        "amount": "decimal",
                        "country": "str",
                        "day": "datetime",
                    }
                },
            },
            "on_validation_failure": "bad",
        },
        "gates": [
            {
                "name": "big",
                "condition": "amount >= 990",
                "routes": {"true": "archive", "false": "continue"},
            },
            {
                "name": "us",
                "condition": "country == 'US'",
                "routes": {"true": "continue", "false": "output"},
            },
        ],
        "aggregations": [
            {
                "name": "stats",
                "plugin": "batch_stats",
                "options": {"field": "amount"},
                "trigger": {"count": 50},
                "output_mode": "transform",
                "sink": "summary",
            },
        ],
        "sinks": {
            "output": {"plugin": "csv", "options": {"path": "out/output.csv"}},
            "summary": {"plugin": "jsonl", "options": {"path": "out/summary.jsonl"}},
            "bad": {"plugin": "jsonl", "options": {"path": "out/bad.jsonl"}},
            "archive": {
                "plugin": "database",
                "options": {
                    "url": archive_url,
                    "table": "big",
                    "resume_key": "af_key",
                },
            },
        },
        "default_sink": "output",
        "checkpoint": {"frequency": frequency},
    }
    if landscape_url is not None:
        settings["landscape"] = {"url": landscape_url}
    path = folder / "pipeline.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


_ENGINES: dict[str, Engine] = {}


def _urls(folder: Path) -> tuple[str | None, str]:
    """(landscape URL when it is not the default SQLite file, archive sink URL)."""
    data = yaml.safe_load((folder / "pipeline.yaml").read_text(encoding="utf-8"))
    return data.get("landscape", {}).get("url"), data["sinks"]["archive"]["options"]["url"]


def _query(folder: Path, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    """The rows of ``sql`` (named ``:params``) on the audit trail of ``folder``."""
    url = _urls(folder)[0]
    if url is None:
        with sqlite3.connect(folder / "pipeline.audit.db", timeout=5) as connection:
            return connection.execute(sql, params or {}).fetchall()
    engine = _ENGINES.get(url) or _ENGINES.setdefault(url, create_engine(url))
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params or {}).all())


def progress(folder: Path) -> tuple[str | None, int]:
    """(run id, next row of its last checkpoint) as the audit DB says now."""
    sql = (
        "SELECT r.run_id, COALESCE(MAX(c.next_row_index), 0) FROM runs r"
        " LEFT JOIN checkpoints c ON c.run_id = r.run_id GROUP BY r.run_id"
    )
    if _urls(folder)[0] is None:
        db = folder / "pipeline.audit.db"
        if not db.exists():
            return None, 0
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
                found = connection.execute(sql).fetchone()
        except sqlite3.Error:  # the schema is not there yet
            return None, 0
    else:
        try:
            found = next(iter(_query(folder, sql)), None)
        except SQLAlchemyError:  # the schema is not there yet
            return None, 0
    return (None, 0) if found is None else (str(found[0]), int(found[1]))


@dataclass
class Outcome:
    """What one crash scenario did and found."""

    rows: int
    kills: list[tuple[str, int, int]] = field(default_factory=list)  # (signal, row, exit)
    attempts: int = 0
    past_checkpoint: int = 0  # kills that left sink bytes after the last checkpoint
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def kill_when(
    process: subprocess.Popen[str], folder: Path, at_row: int, signum: int, rng: random.Random
) -> tuple[int, int]:
    """Wait until the checkpoints reach ``at_row`` (or the process ends), wait a random
    bit more, then send ``signum``; return (row reached, exit code)."""
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if progress(folder)[1] >= at_row:
            break
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.05))
    reached = progress(folder)[1]
    if process.poll() is None:
        process.send_signal(signum)
    process.communicate(timeout=300)
    return reached, process.returncode


def bytes_past_checkpoint(folder: Path, run_id: str) -> int:
    """How many bytes the file sinks hold beyond their last checkpointed artifact (what a
    kill between a sink write and its checkpoint leaves; resume cuts it off)."""
    extra = 0
    for name in SINK_FILES:
        found = _query(
            folder,
            "SELECT a.size_bytes FROM artifacts a JOIN nodes n ON n.node_id = a.sink_node_id"
            " WHERE a.run_id = :run_id AND n.name = :name ORDER BY a.artifact_id DESC LIMIT 1",
            {"run_id": run_id, "name": Path(name).stem},
        )
        path = folder / name
        if path.exists():
            extra += path.stat().st_size - (found[0][0] if found else 0)
    return extra


def run_status(folder: Path, run_id: str) -> str:
    found = _query(folder, "SELECT status FROM runs WHERE run_id = :run_id", {"run_id": run_id})
    return str(found[0][0])


def sink_contents(folder: Path) -> dict[str, list[str]]:
    """Each sink's rows as text lines (database rows without the resume key)."""
    out: dict[str, list[str]] = {}
    for name in SINK_FILES:
        path = folder / name
        out[name] = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    archive = _urls(folder)[1]
    db = folder / "out" / "archive.db"
    rows: list[str] = []
    if archive.startswith("sqlite:") and db.exists():
        with sqlite3.connect(db) as connection:
            cursor = connection.execute("SELECT * FROM big ORDER BY af_key")
            names = [d[0] for d in cursor.description]
            rows = [
                json.dumps({k: v for k, v in zip(names, r, strict=True) if k != "af_key"})
                for r in cursor
            ]
    elif not archive.startswith("sqlite:"):
        engine = create_engine(archive)
        try:
            with engine.connect() as connection:
                found = connection.execute(text("SELECT * FROM big ORDER BY af_key")).mappings()
                rows = [
                    json.dumps({k: v for k, v in r.items() if k != "af_key"}, default=str)
                    for r in found
                ]
        except SQLAlchemyError:  # no row reached the archive table
            rows = []
        finally:
            engine.dispose()
    out["archive"] = rows
    return out


def run_to_end(folder: Path) -> dict[str, Any]:
    """An uninterrupted run: its counters."""
    done = auditflow(folder, "run", "pipeline.yaml", timeout=600)
    assert done.returncode in (0, 1), done.stderr
    run_id, _ = progress(folder)
    assert run_id is not None
    return _run_counters(folder, run_id)


def _run_counters(folder: Path, run_id: str) -> dict[str, Any]:
    found = _query(
        folder, "SELECT counters_json FROM runs WHERE run_id = :run_id", {"run_id": run_id}
    )
    counters: dict[str, Any] = json.loads(found[0][0])
    return counters


def crash_and_resume(
    folder: Path, rows: int, kills: int, signum: int, seed: int, expected: dict[str, Any]
) -> Outcome:
    """Run, kill ``kills`` times at random rows (first the run, then the resumes), resume
    until the run completes, then check the trail, the sinks and the counters against
    ``expected`` (``{"counters", "sinks"}`` of an uninterrupted run)."""
    rng = random.Random(seed)
    outcome = Outcome(rows)
    points = sorted(rng.sample(range(rows // 20, rows - rows // 20), kills))
    started = time.perf_counter()
    process = start_auditflow(folder, "run", "pipeline.yaml")
    run_id, finished = None, False
    for at_row in points:
        reached, code = kill_when(process, folder, at_row, signum, rng)
        outcome.kills.append((signal.Signals(signum).name, reached, code))
        run_id = run_id or progress(folder)[0]
        assert run_id is not None
        if code in (0, 1) or run_status(folder, run_id) == "completed":
            finished = True  # it finished before the kill landed: nothing to resume
            break
        if signum == signal.SIGTERM:
            assert code == 3, f"a SIGTERM stop exits 3, got {code}"
        outcome.attempts += 1
        outcome.past_checkpoint += bytes_past_checkpoint(folder, run_id) > 0
        process = start_auditflow(folder, "resume", run_id, "--settings", "pipeline.yaml")
    if not finished:
        _, err = process.communicate(timeout=600)
        assert process.returncode in (0, 1), err
    outcome.seconds = time.perf_counter() - started
    run_id = run_id or progress(folder)[0]
    assert run_id is not None
    outcome.problems = check(folder, run_id, rows, expected)
    return outcome


def check(folder: Path, run_id: str, rows: int, expected: dict[str, Any]) -> list[str]:
    """Every way the crashed-and-resumed run differs from the uninterrupted one."""
    url = _urls(folder)[0] or sqlite_url(folder / "pipeline.audit.db")
    engine = open_landscape(url, create=False)
    try:
        problems = integrity_problems(engine, run_id)
        shares = attempt_counters(engine, run_id)
    finally:
        engine.dispose()
    per_row = _query(
        folder,
        "SELECT COUNT(*) FROM rows r WHERE r.run_id = :run_id AND (SELECT COUNT(*) FROM tokens t"
        " JOIN token_outcomes o ON o.run_id = t.run_id AND o.token_id = t.token_id"
        " AND o.is_terminal WHERE t.run_id = r.run_id AND t.row_index = r.row_index) = 1",
        {"run_id": run_id},
    )[0][0]
    if per_row != rows:
        problems.append(f"{rows - per_row} of {rows} source rows lack exactly one terminal outcome")
    counters = _run_counters(folder, run_id)
    if counters != expected["counters"]:
        problems.append(f"counters {counters} != uninterrupted {expected['counters']}")
    if shares and total(shares) != _without_zero(expected["counters"]):
        problems.append(f"attempts add up to {total(shares)}, not {expected['counters']}")
    for sink, lines in sink_contents(folder).items():
        want = expected["sinks"][sink]
        if lines != want:
            dupes = len(lines) - len(set(lines))
            problems.append(
                f"sink {sink}: {len(lines)} rows ({dupes} duplicated), expected {len(want)}"
            )
    return problems


def _without_zero(counters: dict[str, Any]) -> dict[str, Any]:
    return total([counters])


def forget_engines() -> None:
    """Close the connections the harness keeps to non-SQLite audit trails."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
