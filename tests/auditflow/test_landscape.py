"""The landscape schema on a real SQLite file: pragmas, constraints, chunked recorder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from auditflow.core.landscape import (
    LandscapeRecorder,
    RunHeader,
    open_landscape,
    queries,
    sqlite_url,
)
from auditflow.core.landscape import schema as s
from auditflow.core.landscape.database import LandscapeError

HEADER = RunHeader(
    settings_json="{}",
    settings_hash="0" * 64,
    hash_version="sha256-rfc8785-v1",
    topology_hash="1" * 64,
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_landscape(sqlite_url(tmp_path / "audit.db"))


def _run_with_token(engine: Engine) -> tuple[LandscapeRecorder, int]:
    recorder = LandscapeRecorder.begin_run(engine, HEADER)
    node = recorder.add_node("source", "source", "csv", 0, "{}", "2" * 64)
    recorder.row(0, node, '{"a":1}', "3" * 64, None)
    recorder.token(1, 0, node)
    recorder.commit()
    return recorder, node


def test_every_table_exists_and_sqlite_pragmas_are_on(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    expected = {
        "runs",
        "nodes",
        "edges",
        "rows",
        "tokens",
        "token_parents",
        "token_outcomes",
        "node_states",
        "routing_events",
        "batches",
        "batch_members",
        "artifacts",
        "checkpoints",
    }
    assert expected <= names
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def test_a_second_terminal_outcome_for_a_token_is_rejected(engine: Engine) -> None:
    recorder, _ = _run_with_token(engine)
    recorder.outcome(1, "buffered", terminal=False)
    recorder.outcome(1, "buffered", terminal=False)  # non-terminal may repeat
    recorder.outcome(1, "completed", terminal=True, sink="out")
    recorder.commit()
    recorder.outcome(1, "failed", terminal=True, reason="again")
    with pytest.raises(IntegrityError, match="UNIQUE"):
        recorder.commit()
    assert queries.outcome_counts(engine, recorder.run_id) == {"completed": 1}


def test_buffered_must_be_non_terminal_and_others_terminal(engine: Engine) -> None:
    recorder, _ = _run_with_token(engine)
    recorder.outcome(1, "completed", terminal=False)
    with pytest.raises(IntegrityError, match="CHECK"):
        recorder.commit()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    recorder, node = _run_with_token(engine)
    recorder.node_state(99, node, 0, "completed")  # token 99 does not exist
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        recorder.commit()


def test_commit_writes_a_chunk_atomically(engine: Engine) -> None:
    recorder, node = _run_with_token(engine)
    recorder.token(2, 0, node)
    recorder.outcome(2, "completed", terminal=True)
    recorder.outcome(3, "completed", terminal=True)  # no token 3: the whole chunk fails
    with pytest.raises(IntegrityError):
        recorder.commit()
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(s.tokens)).scalar_one()
    assert count == 1  # token 2 was rolled back with the bad outcome
    assert recorder.pending == 0


def test_batches_are_opened_then_closed_and_explained(engine: Engine) -> None:
    recorder, _ = _run_with_token(engine)
    agg = recorder.add_node("aggregation", "stats", "batch_stats", 1, "{}", "4" * 64)
    recorder.open_batch(1, agg)
    recorder.batch_member(1, 1, 0)
    recorder.outcome(1, "buffered", terminal=False, batch_id=1)
    recorder.close_batch(1, "completed", "count", 1)
    recorder.outcome(1, "consumed_in_batch", terminal=True, batch_id=1)
    recorder.token(2, None, agg, parents=[1])
    recorder.node_state(2, agg, 0, "completed")
    recorder.outcome(2, "completed", terminal=True, sink="out")
    recorder.checkpoint(1, 1, 2, 1, "1" * 64, {"stats": []})
    recorder.finish_run("completed", {"rows_processed": 1})
    path = queries.row_path(engine, recorder.run_id, 0)
    assert path is not None
    assert [t.token_id for t in path.tokens] == [1, 2]
    first, output = path.tokens
    assert first.batches[0].trigger == "count" and first.batches[0].status == "completed"
    assert first.final is not None and first.final.outcome == "consumed_in_batch"
    assert output.parents == [1] and output.final is not None and output.final.sink == "out"
    assert queries.tokens_without_one_terminal(engine, recorder.run_id) == []
    run = queries.get_run(engine, recorder.run_id)
    assert run is not None and run.status == "completed" and run.ended_at is not None


def test_reading_a_missing_trail_does_not_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(LandscapeError, match="no audit trail"):
        open_landscape(sqlite_url(missing), create=False)
    assert not missing.exists()


def test_unknown_url_and_unusable_file_are_landscape_errors(tmp_path: Path) -> None:
    with pytest.raises(LandscapeError, match="nosuchdialect"):
        open_landscape("nosuchdialect://x")
    bad = tmp_path / "not-a-db.db"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(LandscapeError, match="cannot be opened"):
        open_landscape(sqlite_url(bad))
    with pytest.raises(LandscapeError, match="cannot be opened"):
        open_landscape(sqlite_url(bad / "below-a-file" / "audit.db"))
