"""Helpers for the engine tests: small CSV inputs and pipeline settings written to a temp
folder, real runs of the orchestrator, and audit-trail counts read back with SQL."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select

from auditflow.core.landscape import open_landscape
from auditflow.core.landscape import queries as q
from auditflow.core.landscape import schema as s
from auditflow.engine.orchestrator import Orchestrator, PipelineConfig, RunResult

FIELDS = ["id", "amount", "country"]


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], fields: list[str] = FIELDS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def numbered_rows(count: int, bad: Iterable[int] = ()) -> list[dict[str, Any]]:
    """``count`` rows ``{id, amount, country}``; rows in ``bad`` have a non-numeric amount."""
    broken = set(bad)
    return [
        {
            "id": i,
            "amount": "oops" if i in broken else i * 10,
            "country": ["DE", "FR", "US"][i % 3],
        }
        for i in range(count)
    ]


def settings(**overrides: Any) -> dict[str, Any]:
    """A pipeline over ``input.csv`` with sinks ``output``, ``high`` and ``bad``."""
    data: dict[str, Any] = {
        "source": {
            "plugin": "csv",
            "options": {
                "path": "input.csv",
                "schema": {"fields": {"id": "int", "amount": "float", "country": "str"}},
            },
            "on_validation_failure": "bad",
        },
        "sinks": {
            "output": {"plugin": "jsonl", "options": {"path": "out/output.jsonl"}},
            "high": {"plugin": "jsonl", "options": {"path": "out/high.jsonl"}},
            "bad": {"plugin": "jsonl", "options": {"path": "out/bad.jsonl"}},
        },
        "default_sink": "output",
    }
    data.update(overrides)
    return data


def write_pipeline(folder: Path, data: Mapping[str, Any], name: str = "pipeline.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(dict(data), sort_keys=False), encoding="utf-8")
    return path


def run(
    path: Path,
    *,
    clock: Callable[[], float] | None = None,
    chunk_size: int | None = None,
    on_row: Callable[[Any], None] | None = None,
) -> RunResult:
    config = PipelineConfig.from_file(path)
    if clock is not None:
        config = config.with_(clock=clock)
    if chunk_size is not None:
        config = config.with_(chunk_size=chunk_size)
    return Orchestrator(config).run(on_row)


def landscape(path: Path) -> Engine:
    return open_landscape(PipelineConfig.from_file(path).landscape_url, create=False)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def trail_counters(engine: Engine, run_id: str) -> dict[str, Any]:
    """The RunResult counters as the audit trail has them."""
    outcomes = q.outcome_counts(engine, run_id)
    return {
        "rows_processed": q.count_rows(engine, run_id),
        "rows_succeeded": outcomes.get("completed", 0),
        "rows_failed": outcomes.get("failed", 0),
        "rows_routed": outcomes.get("routed", 0),
        "rows_quarantined": outcomes.get("quarantined", 0),
        "rows_forked": outcomes.get("forked", 0),
        "rows_coalesced": outcomes.get("coalesced", 0),
        "rows_expanded": outcomes.get("expanded", 0),
        "rows_buffered": q.count_buffered(engine, run_id),
        "rows_consumed_in_batch": outcomes.get("consumed_in_batch", 0),
        "routed_destinations": q.routed_counts(engine, run_id),
    }


def assert_trail_matches(path: Path, result: RunResult) -> None:
    """Counters equal the audit trail's counts, and every token has one terminal outcome."""
    engine = landscape(path)
    try:
        assert trail_counters(engine, result.run_id) == result.counters()
        assert q.tokens_without_one_terminal(engine, result.run_id) == []
    finally:
        engine.dispose()


def auditflow(
    cwd: Path, *args: str, timeout: float = 120, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m auditflow ARGS`` in ``cwd`` (no terminal, so no progress bar)."""
    return subprocess.run(
        [sys.executable, "-m", "auditflow", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        **popen,
    )


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUDITFLOW_DB")}
    env["COLUMNS"] = "200"
    return env


def start_auditflow(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "auditflow", *args],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def source_row_outcomes(engine: Engine, run_id: str) -> list[Any]:
    """(row index, outcome) of every terminal outcome of a source row's token in the run."""
    tokens, outcomes = s.tokens.c, s.token_outcomes.c
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(tokens.row_index, outcomes.outcome)
                .join(
                    s.token_outcomes,
                    (outcomes.run_id == tokens.run_id) & (outcomes.token_id == tokens.token_id),
                )
                .where(tokens.run_id == run_id, tokens.row_index.is_not(None), outcomes.is_terminal)
            ).all()
        )
