"""``LandscapeRecorder``: writes one run's audit trail in chunks, one transaction each.

Per-token records (rows, tokens, node states, routing events, outcomes, batch members) are
collected in memory and written by :meth:`LandscapeRecorder.commit` with one
``executemany`` per table inside one transaction. The orchestrator commits right after it
has flushed its sinks, so a committed "completed" outcome always describes a row that is
already durable in its sink, and a crash loses at most the uncommitted chunk (which
resume replays). Run, node and edge records are written at once: they are few.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, update

from auditflow.core.landscape import schema as s
from auditflow.core.landscape.bulk import Pending


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RunHeader:
    """What is known about a run before its first row."""

    settings_json: str
    settings_hash: str
    hash_version: str
    topology_hash: str
    source_schema_json: str | None = None
    settings_path: str | None = None
    resumed_from: str | None = None


class LandscapeRecorder:
    """The audit trail of one run."""

    def __init__(self, engine: Engine, run_id: str) -> None:
        self.engine = engine
        self.run_id = run_id
        self._pending = Pending()

    # -- run, nodes, edges: written immediately --------------------------------------------

    @classmethod
    def begin_run(
        cls, engine: Engine, header: RunHeader, run_id: str | None = None
    ) -> LandscapeRecorder:
        """Insert the run (status ``running``) and return its recorder."""
        run_id = run_id or uuid.uuid4().hex
        with engine.begin() as connection:
            connection.execute(
                s.runs.insert(),
                {
                    "run_id": run_id,
                    "status": "running",
                    "started_at": utcnow(),
                    "settings_path": header.settings_path,
                    "settings_json": header.settings_json,
                    "settings_hash": header.settings_hash,
                    "hash_version": header.hash_version,
                    "topology_hash": header.topology_hash,
                    "source_schema_json": header.source_schema_json,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "resumed_from": header.resumed_from,
                },
            )
        return cls(engine, run_id)

    def add_node(
        self, kind: str, name: str, plugin: str, position: int, config_json: str, config_hash: str
    ) -> int:
        """Insert a node of the pipeline graph; return its id."""
        with self.engine.begin() as connection:
            result = connection.execute(
                s.nodes.insert().values(
                    run_id=self.run_id,
                    kind=kind,
                    name=name,
                    plugin=plugin,
                    position=position,
                    config_json=config_json,
                    config_hash=config_hash,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def add_edges(self, edges: Sequence[tuple[int, int, str]]) -> None:
        """Insert edges ``(from_node_id, to_node_id, label)``."""
        if not edges:
            return
        with self.engine.begin() as connection:
            connection.execute(
                s.edges.insert(),
                [
                    {"run_id": self.run_id, "from_node_id": a, "to_node_id": b, "label": label}
                    for a, b, label in edges
                ],
            )

    def finish_run(
        self, status: str, counters: Mapping[str, Any] | None = None, error: str | None = None
    ) -> None:
        """Commit what is pending, then set the run's final status."""
        self.commit()
        with self.engine.begin() as connection:
            connection.execute(
                update(s.runs)
                .where(s.runs.c.run_id == self.run_id)
                .values(
                    status=status,
                    ended_at=utcnow(),
                    counters_json=None if counters is None else json.dumps(dict(counters)),
                    error=error,
                )
            )

    # -- per-token records: collected, written by commit() ---------------------------------

    def _add(self, table: Table, record: dict[str, Any]) -> None:
        record["run_id"] = self.run_id
        self._pending.add(table, record)

    @property
    def pending(self) -> int:
        """How many records wait for :meth:`commit`."""
        return self._pending.count

    def row(
        self, index: int, node_id: int, data_json: str, data_hash: str, error: str | None
    ) -> None:
        self._add(
            s.rows,
            {
                "row_index": index,
                "source_node_id": node_id,
                "valid": error is None,
                "data_json": data_json,
                "data_hash": data_hash,
                "error": error,
            },
        )

    def token(
        self, token_id: int, row_index: int | None, node_id: int, parents: Sequence[int] = ()
    ) -> None:
        self._add(
            s.tokens,
            {"token_id": token_id, "row_index": row_index, "created_at_node_id": node_id},
        )
        for ordinal, parent in enumerate(parents):
            self._add(
                s.token_parents,
                {"token_id": token_id, "parent_token_id": parent, "ordinal": ordinal},
            )

    def node_state(
        self,
        token_id: int,
        node_id: int,
        step: int,
        status: str,
        output_hash: str | None = None,
        error: str | None = None,
    ) -> None:
        self._add(
            s.node_states,
            {
                "token_id": token_id,
                "node_id": node_id,
                "step": step,
                "status": status,
                "output_hash": output_hash,
                "error": error,
            },
        )

    def routing_event(
        self, token_id: int, node_id: int, label: str, destination: str, reason: str | None = None
    ) -> None:
        self._add(
            s.routing_events,
            {
                "token_id": token_id,
                "node_id": node_id,
                "label": label,
                "destination": destination,
                "reason": reason,
            },
        )

    def outcome(
        self,
        token_id: int,
        outcome: str,
        *,
        terminal: bool,
        sink: str | None = None,
        batch_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        self._add(
            s.token_outcomes,
            {
                "token_id": token_id,
                "outcome": str(outcome),
                "is_terminal": terminal,
                "sink_name": sink,
                "batch_id": batch_id,
                "reason": reason,
            },
        )

    def open_batch(self, batch_id: int, node_id: int) -> None:
        self._add(
            s.batches,
            {
                "batch_id": batch_id,
                "node_id": node_id,
                "status": "draft",
                "attempt": 1,
                "size": 0,
                "opened_at": utcnow(),
            },
        )

    def batch_member(self, batch_id: int, token_id: int, ordinal: int) -> None:
        self._add(s.batch_members, {"batch_id": batch_id, "token_id": token_id, "ordinal": ordinal})

    def close_batch(
        self, batch_id: int, status: str, trigger: str, size: int, error: str | None = None
    ) -> None:
        """Mark a batch flushed (``completed`` or ``failed``) by ``trigger``."""
        self._pending.batch_updates.append(
            {
                "b_batch_id": batch_id,
                "b_status": status,
                "b_trigger": trigger,
                "b_size": size,
                "b_closed_at": utcnow(),
                "b_error": error,
            }
        )
        self._pending.count += 1

    def artifact(
        self,
        sink_node_id: int,
        path: str,
        size_bytes: int,
        content_hash: str | None,
        rows_written: int,
        checkpoint_sequence: int | None = None,
    ) -> None:
        self._add(
            s.artifacts,
            {
                "sink_node_id": sink_node_id,
                "checkpoint_sequence": checkpoint_sequence,
                "path": path,
                "size_bytes": size_bytes,
                "content_hash": content_hash,
                "rows_written": rows_written,
                "recorded_at": utcnow(),
            },
        )

    def checkpoint(
        self,
        sequence: int,
        next_row_index: int,
        last_token_id: int,
        last_batch_id: int,
        topology_hash: str,
        aggregation_state: Mapping[str, Any],
        config_hashes_json: str = "{}",
        counters: Mapping[str, Any] | None = None,
    ) -> None:
        """Record checkpoint ``sequence``: where the source continues, the last sequence
        numbers, the pipeline's hashes (``config_hashes_json``: ``{"kind:name": hash}``,
        pre-serialised once per run), what entered the aggregation buffers since the
        previous checkpoint, and the run's counters so far."""
        self._add(
            s.checkpoints,
            {
                "sequence": sequence,
                "next_row_index": next_row_index,
                "last_token_id": last_token_id,
                "last_batch_id": last_batch_id,
                "topology_hash": topology_hash,
                "aggregation_state_json": json.dumps(aggregation_state),  # rows keep key order
                "config_hashes_json": config_hashes_json,
                "counters_json": json.dumps(dict(counters or {}), sort_keys=True),
                "created_at": utcnow(),
            },
        )

    def discard(self) -> None:
        """Drop everything pending (a chunk whose sinks may not have been written)."""
        self._pending = Pending()

    def commit(self) -> None:
        """Write everything pending in one transaction (one executemany per table)."""
        pending, self._pending = self._pending, Pending()
        if pending.count:
            with self.engine.begin() as connection:
                pending.write(connection, self.run_id)
