"""A small real run with every record type (gate, quarantine, aggregation), for the
export and verify tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from auditflow.core.landscape import schema as s
from tests.auditflow.engine_support import landscape, numbered_rows, settings, write_csv

KEY = "test-signing-key"

GATE = {
    "name": "big",
    "condition": "amount >= 100",
    "routes": {"true": "high", "false": "continue"},
}
STATS = {
    "name": "stats",
    "plugin": "batch_stats",
    "options": {"field": "amount"},
    "trigger": {"count": 4},
    "output_mode": "transform",
}


def pipeline(rows: int = 24, **overrides: Any) -> dict[str, Any]:
    """Settings over ``input.csv`` with a gate, a quarantine sink and an aggregation."""
    return settings(gates=[GATE], aggregations=[STATS], **overrides)


def write_input(folder: Path, rows: int = 24) -> None:
    write_csv(folder / "input.csv", numbered_rows(rows, bad=[3, 7]))


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def table_counts(settings_path: Path, run_id: str) -> dict[str, int]:
    """How many records of each table the landscape holds for ``run_id``."""
    engine = landscape(settings_path)
    try:
        with engine.connect() as connection:
            return {
                table.name: int(
                    connection.execute(
                        select(func.count()).select_from(table).where(table.c.run_id == run_id)
                    ).scalar_one()
                )
                for table in s.TABLES
                if "run_id" in table.c
            }
    finally:
        engine.dispose()


def run_status(settings_path: Path, run_id: str) -> tuple[str, str | None]:
    engine = landscape(settings_path)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                select(s.runs.c.status, s.runs.c.error).where(s.runs.c.run_id == run_id)
            ).one()
        return str(found[0]), found[1]
    finally:
        engine.dispose()
