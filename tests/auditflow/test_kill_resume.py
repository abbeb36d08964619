"""A real run killed at random points (SIGKILL, and SIGTERM's clean stop), resumed until
it completes: every row has one terminal outcome, every sink holds every row once, the
counters equal an uninterrupted run's and the trail passes the integrity query.
``benchmarks/kill_resume.py`` does the same with 100,000 rows."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.auditflow import crash_support as cs

ROWS = 6000


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("uninterrupted")
    cs.write_pipeline(folder, ROWS, frequency=100)
    return {"counters": cs.run_to_end(folder), "sinks": cs.sink_contents(folder)}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "kills", "seed"), [(signal.SIGKILL, 3, 7), (signal.SIGTERM, 2, 8)]
)
def test_killed_runs_resume_to_the_uninterrupted_result(
    tmp_path: Path, expected: dict[str, Any], signum: int, kills: int, seed: int
) -> None:
    cs.write_pipeline(tmp_path, ROWS, frequency=100)
    outcome = cs.crash_and_resume(tmp_path, ROWS, kills, signum, seed, expected)
    assert outcome.attempts >= 1, outcome  # it was stopped at least once
    if signum == signal.SIGTERM:
        assert all(code == 3 for _, _, code in outcome.kills[: outcome.attempts])
    else:
        assert all(code == -signal.SIGKILL for _, _, code in outcome.kills[: outcome.attempts])
    assert outcome.problems == []
    assert sum(len(lines) for lines in expected["sinks"].values()) > ROWS // 2


@pytest.mark.slow
def test_the_check_catches_a_duplicated_sink_row(tmp_path: Path, expected: dict[str, Any]) -> None:
    cs.write_pipeline(tmp_path, ROWS, frequency=100)
    counters = cs.run_to_end(tmp_path)
    with (tmp_path / "out" / "summary.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(expected["sinks"]["out/summary.jsonl"][0] + "\n")
    run_id, _ = cs.progress(tmp_path)
    assert run_id is not None and counters == expected["counters"]
    problems = cs.check(tmp_path, run_id, ROWS, expected)
    assert problems == [
        f"sink out/summary.jsonl: {len(expected['sinks']['out/summary.jsonl']) + 1} rows"
        f" (1 duplicated), expected {len(expected['sinks']['out/summary.jsonl'])}"
    ]
