"""The records of one run, read from the landscape in the fixed export order.

Record types are the landscape's tables, exported in this order (each sorted by its key):

==================  ===========================
record type         sorted by
==================  ===========================
``runs``            (the one run)
``nodes``           ``node_id``
``edges``           ``edge_id``
``rows``            ``row_index``
``tokens``          ``token_id``
``token_parents``   ``token_id``, ``ordinal``
``token_outcomes``  ``outcome_id``
``node_states``     ``state_id``
``routing_events``  ``event_id``
``batches``         ``batch_id``
``batch_members``   ``batch_id``, ``ordinal``
``artifacts``       ``artifact_id``
``checkpoints``     ``sequence``
``run_attempts``    ``attempt`` (only a resumed run has them)
==================  ===========================

A record is a flat mapping: ``_type`` (its record type), ``_index`` (0-based position
among the records of its type) and every column of its table, as plain JSON values
(datetimes as ISO 8601 strings). A signed export adds ``_signature``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from sqlalchemy import Boolean, Column, Engine, Integer, Table, select, update

from auditflow.core.canonical import normalise
from auditflow.core.landscape import schema as s
from auditflow.core.landscape.database import read_snapshot

__all__ = [
    "RECORD_TABLES",
    "RECORD_TYPES",
    "column_kinds",
    "record_keys",
    "run_records",
    "run_status",
    "set_run_status",
]

_ORDER: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (s.runs, ()),
    (s.nodes, ("node_id",)),
    (s.edges, ("edge_id",)),
    (s.rows, ("row_index",)),
    (s.tokens, ("token_id",)),
    (s.token_parents, ("token_id", "ordinal")),
    (s.token_outcomes, ("outcome_id",)),
    (s.node_states, ("state_id",)),
    (s.routing_events, ("event_id",)),
    (s.batches, ("batch_id",)),
    (s.batch_members, ("batch_id", "ordinal")),
    (s.artifacts, ("artifact_id",)),
    (s.checkpoints, ("sequence",)),
    (s.run_attempts, ("attempt",)),
)

RECORD_TYPES: tuple[str, ...] = tuple(table.name for table, _ in _ORDER)
"""Every record type, in export order."""
RECORD_TABLES: tuple[Table, ...] = tuple(table for table, _ in _ORDER)
"""The landscape table of each record type, in export order."""

_TABLES = {table.name: table for table, _ in _ORDER}
_META_KINDS = {"_type": "str", "_index": "int", "_signature": "str"}
_READ_CHUNK = 1000


def _kind(column: Column[Any]) -> str:
    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, Integer):
        return "int"
    return "str"


def column_kinds(record_type: str) -> dict[str, str]:
    """Key -> ``int`` / ``bool`` / ``str`` for every key a record of ``record_type`` may
    have (its table's columns and the ``_`` keys); how CSV cells are read back."""
    table = _TABLES[record_type]
    return {**_META_KINDS, **{column.name: _kind(column) for column in table.columns}}


def record_keys(record_type: str, *, signed: bool) -> list[str]:
    """The sorted keys of every record of ``record_type`` (the CSV header)."""
    keys = [column.name for column in _TABLES[record_type].columns] + ["_type", "_index"]
    if signed:
        keys.append("_signature")
    return sorted(keys)


def run_records(engine: Engine, run_id: str) -> Generator[dict[str, Any], None, None]:
    """Every record of ``run_id`` in export order, streamed in chunks (flat memory)."""
    with read_snapshot(engine) as connection:
        for table, order in _ORDER:
            query = select(table).where(table.c.run_id == run_id)
            query = query.order_by(*(table.c[name] for name in order))
            result = connection.execution_options(yield_per=_READ_CHUNK).execute(query)
            for index, row in enumerate(result):
                record: dict[str, Any] = {"_type": table.name, "_index": index}
                for key, value in row._mapping.items():
                    record[key] = normalise(value)
                yield record


def run_status(engine: Engine, run_id: str) -> str | None:
    """The run's status, ``None`` when the landscape has no such run."""
    with engine.connect() as connection:
        found = connection.execute(
            select(s.runs.c.status).where(s.runs.c.run_id == run_id)
        ).scalar_one_or_none()
    return None if found is None else str(found)


def set_run_status(engine: Engine, run_id: str, status: str, error: str | None) -> None:
    """Set the run's status and error (used to mark / unmark ``partially_exported``)."""
    with engine.begin() as connection:
        connection.execute(
            update(s.runs).where(s.runs.c.run_id == run_id).values(status=status, error=error)
        )
