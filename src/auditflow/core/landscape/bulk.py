"""Chunked writes: the records of one chunk, written in one transaction.

:class:`Pending` collects per-token records by table; :meth:`Pending.write` inserts them
parents-first with one ``executemany`` per table, then applies batch status updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, String, Table, bindparam, update

from auditflow.core.landscape import schema as s

_PLAIN_TYPES = (Integer, String, Boolean)


def _plain(table: Table) -> bool:
    """True when no column needs SQLAlchemy's bind processing (ints, strings, booleans)."""
    return all(isinstance(column.type, _PLAIN_TYPES) for column in table.columns)


def _insert_many(connection: Connection, table: Table, records: list[dict[str, Any]]) -> None:
    """``executemany`` of ``records`` (all with the same keys).

    The per-token tables hold only ints, strings and booleans, which every DBAPI driver
    takes as they are; for them the statement is compiled once and handed to the driver,
    skipping SQLAlchemy's per-row parameter processing (the largest cost of a chunk).
    Other tables go through the normal Core ``execute``.
    """
    if not _plain(table):
        connection.execute(table.insert(), records)
        return
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=list(records[0]))
    if compiled.positional:
        order = compiled.positiontup or []
        connection.exec_driver_sql(
            str(compiled), [tuple(record[key] for key in order) for record in records]
        )
    else:
        connection.exec_driver_sql(str(compiled), records)


@dataclass(slots=True)
class Pending:
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    batch_updates: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0

    def add(self, table: Table, record: dict[str, Any]) -> None:
        self.inserts.setdefault(table.name, []).append(record)
        self.count += 1

    def write(self, connection: Connection, run_id: str) -> None:
        """Insert everything (inside the caller's transaction)."""
        for table in ORDER:
            records = self.inserts.get(table.name)
            if records:
                _insert_many(connection, table, records)
        if self.batch_updates:
            table = s.batches
            statement = (
                update(table)
                .where(table.c.run_id == run_id)
                .where(table.c.batch_id == bindparam("b_batch_id"))
                .values(
                    status=bindparam("b_status"),
                    trigger=bindparam("b_trigger"),
                    size=bindparam("b_size"),
                    closed_at=bindparam("b_closed_at"),
                    error=bindparam("b_error"),
                )
            )
            connection.execute(statement, self.batch_updates)


# Insert order inside a commit: parents before children.
ORDER: tuple[Table, ...] = (
    s.rows,
    s.tokens,
    s.token_parents,
    s.batches,
    s.batch_members,
    s.node_states,
    s.routing_events,
    s.token_outcomes,
    s.artifacts,
    s.checkpoints,
)
