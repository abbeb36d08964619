"""The audit trail and the database sink on a real PostgreSQL server (the session fixture
in ``conftest.py`` starts one): the example pipeline, the one-terminal-outcome index,
the database sink, export + verify, a SIGKILL + resume round and the integrity query."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from auditflow.core.landscape import LandscapeError, open_landscape
from auditflow.core.landscape import queries as q
from auditflow.core.landscape import schema as s
from auditflow.core.landscape.integrity import integrity_problems
from auditflow.engine.export_records import run_records
from auditflow.engine.orchestrator import PipelineConfig
from auditflow.engine.orchestrator.export import export_recorded_run, verify_export
from tests.auditflow import crash_support as cs
from tests.auditflow.engine_support import (
    assert_trail_matches,
    run,
    source_row_outcomes,
    write_pipeline,
)
from tests.auditflow.export_support import KEY, pipeline, write_input
from tests.auditflow.postgres_support import Server, unavailable

pytestmark = pytest.mark.postgres

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def example_run(
    postgres_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, Any]]:
    """The example pipeline (gate, aggregation, 3 sinks) run once with its landscape in
    PostgreSQL: (landscape engine, run result)."""
    folder = tmp_path_factory.mktemp("pg-example")
    for name in ("orders.yaml", "orders.csv"):
        shutil.copy(EXAMPLES / name, folder / name)
    data = yaml.safe_load((folder / "orders.yaml").read_text(encoding="utf-8"))
    data["landscape"]["url"] = postgres_server.new_database()
    path = write_pipeline(folder, data)
    result = run(path)
    assert_trail_matches(path, result)  # counters == trail, one terminal outcome per token
    engine = open_landscape(data["landscape"]["url"], create=False)
    yield engine, result
    engine.dispose()


def test_the_example_runs_with_its_trail_in_postgres(example_run: tuple[Engine, Any]) -> None:
    engine, result = example_run
    assert engine.dialect.name == "postgresql"
    assert result.status == "completed" and result.rows_processed == 300
    assert result.rows_quarantined > 0 and result.rows_routed > 0
    assert result.rows_consumed_in_batch > 0 and result.rows_succeeded > 0
    ended = result.rows_quarantined + result.rows_routed + result.rows_consumed_in_batch
    assert ended + result.rows_failed == 300
    per_row = source_row_outcomes(engine, result.run_id)
    assert sorted(row for row, _ in per_row) == list(range(300))  # each row exactly once
    assert q.tokens_without_one_terminal(engine, result.run_id) == []
    assert integrity_problems(engine, result.run_id) == []


def test_the_partial_unique_index_refuses_a_second_terminal_outcome(
    example_run: tuple[Engine, Any],
) -> None:
    engine, result = example_run
    o = s.token_outcomes
    with engine.connect() as connection:
        definition = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
            {"n": "uq_token_outcomes_one_terminal"},
        ).scalar_one()
        token = connection.execute(
            select(o.c.token_id).where(o.c.run_id == result.run_id, o.c.is_terminal).limit(1)
        ).scalar_one()
    assert "UNIQUE" in definition and "WHERE is_terminal" in definition
    row = {"run_id": result.run_id, "token_id": token}
    with engine.connect() as connection:
        # buffered is not terminal and may repeat
        for _ in range(2):
            connection.execute(insert(o), {**row, "outcome": "buffered", "is_terminal": False})
        with pytest.raises(IntegrityError, match="uq_token_outcomes_one_terminal"):
            connection.execute(
                insert(o), {**row, "outcome": "completed", "is_terminal": True, "sink_name": "x"}
            )
        connection.rollback()


def test_the_integrity_query_names_a_missing_terminal_outcome(
    postgres_server: Server, tmp_path: Path
) -> None:
    url = postgres_server.new_database()
    write_input(tmp_path, rows=12)
    path = write_pipeline(tmp_path, pipeline(landscape={"url": url}))
    run_id = run(path).run_id
    engine = open_landscape(url, create=False)
    try:
        assert integrity_problems(engine, run_id) == []
        o = s.token_outcomes
        with engine.begin() as connection:
            victim = (
                connection.execute(
                    select(o.c.outcome_id).where(o.c.run_id == run_id, o.c.outcome == "routed")
                )
                .scalars()
                .first()
            )
            connection.execute(delete(o).where(o.c.outcome_id == victim))
        problems = integrity_problems(engine, run_id)
    finally:
        engine.dispose()
    assert any("terminal" in problem for problem in problems), problems


def test_the_database_sink_writes_into_postgres(postgres_server: Server, tmp_path: Path) -> None:
    landscape_url, sink_url = postgres_server.new_database(), postgres_server.new_database()
    write_input(tmp_path, rows=24)
    data = pipeline(landscape={"url": landscape_url})
    data["sinks"]["high"] = {
        "plugin": "database",
        "options": {"url": sink_url, "table": "high", "resume_key": "af_key"},
    }
    result = run(write_pipeline(tmp_path, data))
    assert result.status == "completed"
    engine = create_engine(sink_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT id, amount, af_key FROM high ORDER BY af_key"))
            rows = found.all()
    finally:
        engine.dispose()
    assert len(rows) == result.routed_destinations["high"] > 0
    assert all(amount >= 100 for _, amount, _ in rows)  # the gate's condition
    assert [key for _, _, key in rows] == [f"{result.run_id}/{i:012d}" for i in range(len(rows))]


def test_export_and_verify_from_a_postgres_trail(
    postgres_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed export from PostgreSQL verifies and holds as many records of each type
    as the export of the same run on SQLite."""
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", KEY)
    reports = {}
    for name, landscape in (("pg", {"url": postgres_server.new_database()}), ("lite", {})):
        folder = tmp_path / name
        folder.mkdir()
        write_input(folder, rows=24)
        data = pipeline(landscape=landscape) if landscape else pipeline()
        path = write_pipeline(folder, data)
        run_id = run(path).run_id
        url = PipelineConfig.from_file(path).landscape_url
        export_recorded_run(url, run_id, "json", folder / "trail.jsonl", sign=True)
        export_recorded_run(url, run_id, "csv", folder / "trail", sign=True)
        json_report = verify_export(folder / "trail.jsonl", KEY.encode())
        csv_report = verify_export(folder / "trail", KEY.encode())
        assert json_report.final_hash == csv_report.final_hash
        reports[name] = json_report
    assert reports["pg"].counts == reports["lite"].counts
    assert reports["pg"].records == reports["lite"].records > 24


ROWS = 1500


def test_a_sigkilled_run_resumes_on_postgres(postgres_server: Server, tmp_path: Path) -> None:
    """The crash harness with audit trail and archive table in PostgreSQL: a SIGKILL,
    then resume; the result equals an uninterrupted PostgreSQL run's."""
    straight, crashed = tmp_path / "straight", tmp_path / "crashed"
    for folder in (straight, crashed):
        cs.write_pipeline(
            folder,
            ROWS,
            frequency=100,
            landscape_url=postgres_server.new_database(),
            archive_url=postgres_server.new_database(),
        )
    try:
        expected = {"counters": cs.run_to_end(straight), "sinks": cs.sink_contents(straight)}
        assert expected["sinks"]["archive"], "no row reached the PostgreSQL archive table"
        outcome = cs.crash_and_resume(crashed, ROWS, 1, signal.SIGKILL, 11, expected)
    finally:
        cs.forget_engines()
    assert outcome.attempts == 1, outcome
    assert outcome.kills[0][2] == -signal.SIGKILL
    assert outcome.problems == []


def test_an_export_reads_one_snapshot_while_the_trail_grows(
    postgres_server: Server, tmp_path: Path
) -> None:
    """Outcomes written after an export started are not in it (REPEATABLE READ; with
    PostgreSQL's default READ COMMITTED each table would be read at a later moment)."""
    url = postgres_server.new_database()
    write_input(tmp_path, rows=12)
    run_id = run(write_pipeline(tmp_path, pipeline(landscape={"url": url}))).run_id
    engine = open_landscape(url, create=False)
    o = s.token_outcomes
    try:
        with engine.connect() as connection:
            before = connection.execute(
                select(func.count()).where(o.c.run_id == run_id)
            ).scalar_one()
        records = run_records(engine, run_id)
        assert next(records)["_type"] == "runs"  # the export's first query has run
        with engine.begin() as connection:  # a writer adds an outcome meanwhile
            token = connection.execute(
                select(o.c.token_id).where(o.c.run_id == run_id).limit(1)
            ).scalar_one()
            connection.execute(
                insert(o),
                {"run_id": run_id, "token_id": token, "outcome": "buffered", "is_terminal": False},
            )
        exported = sum(1 for record in records if record["_type"] == "token_outcomes")
    finally:
        engine.dispose()
    assert exported == before


def test_a_missing_driver_is_named_with_the_install_command() -> None:
    with pytest.raises(LandscapeError, match=r"importgate\[postgres\]") as caught:
        open_landscape("postgresql+pg8000://auditflow@127.0.0.1:1/audit")
    assert "pg8000" in str(caught.value)


def test_without_a_server_the_tests_fail_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run on CI: no server"):
        unavailable("no server")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="no server"):
        unavailable("no server")
