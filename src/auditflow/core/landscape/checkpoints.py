"""What resume reads back from the landscape, and the attempts it records.

:func:`load_resume_point` gathers, for one run, everything its last checkpoint says: where
the source continues, the sequence numbers, the pipeline hashes, the counters, the
aggregation buffers (rebuilt from the deltas of every checkpoint), the last artifact of
each sink and the tokens that have no terminal outcome yet.

A run resumed keeps its ``run_id`` (its trail stays one connected graph: tokens, batches
and parents all reference the same run). Each process that worked on it is one row of
``run_attempts``: attempt 0 is the first run, attempt *n* the *n*-th resume with
``resumed_from`` = the checkpoint sequence it started from, and ``counters_json`` = that
attempt's share, so the shares of all attempts add up to the run's ``counters_json``.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from auditflow.contracts.errors import AuditflowError
from auditflow.contracts.plugins import ArtifactInfo
from auditflow.core.landscape import queries as q
from auditflow.core.landscape import schema as s
from auditflow.core.landscape.counters import combine, total
from auditflow.core.landscape.recorder import utcnow


class ResumeConflict(AuditflowError):
    """Another process claimed the run between the checks and the start of a resume."""


BufferEntry = list[Any]
"""``[token_id, row_index, step, typed_json_row]`` as a checkpoint stores a member."""


@dataclass(slots=True)
class ResumePoint:
    """A run as its last committed checkpoint left it."""

    run_id: str
    status: str
    pid: int | None
    host: str | None
    topology_hash: str
    source_schema_json: str | None
    sequence: int = 0
    next_row: int = 0
    last_token_id: int = 0
    last_batch_id: int = 0
    config_hashes: dict[str, str] = field(default_factory=dict)
    counters: dict[str, Any] = field(default_factory=dict)
    buffers: dict[str, tuple[int, list[BufferEntry]]] = field(default_factory=dict)
    artifacts: dict[int, ArtifactInfo] = field(default_factory=dict)
    node_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    unfinished: list[int] = field(default_factory=list)
    open_batches: dict[int, str] = field(default_factory=dict)
    """Batches not completed (id -> status: draft, executing or failed with open members)."""


def load_resume_point(engine: Engine, run_id: str) -> ResumePoint | None:
    """Everything resume needs about ``run_id``; ``None`` when there is no such run."""
    with engine.connect() as connection:
        run = connection.execute(select(s.runs).where(s.runs.c.run_id == run_id)).first()
        if run is None:
            return None
        m = run._mapping
        point = ResumePoint(
            run_id,
            m["status"],
            m["pid"],
            m["host"],
            m["topology_hash"],
            m["source_schema_json"],
        )
        _read_checkpoints(connection, point)
        point.artifacts = _artifacts(connection, run_id, point.sequence)
        point.node_ids = {
            (kind, name): int(node_id)
            for node_id, kind, name in connection.execute(
                select(s.nodes.c.node_id, s.nodes.c.kind, s.nodes.c.name).where(
                    s.nodes.c.run_id == run_id
                )
            )
        }
        point.open_batches = _open_batches(connection, run_id)
    point.unfinished = q.tokens_without_one_terminal(engine, run_id)
    return point


def _read_checkpoints(connection: Connection, point: ResumePoint) -> None:
    c = s.checkpoints
    buffers: dict[str, tuple[int, list[BufferEntry]]] = {}
    last = None
    for record in connection.execute(
        select(c.c.sequence, c.c.aggregation_state_json, c.c.next_row_index)
        .where(c.c.run_id == point.run_id)
        .order_by(c.c.sequence)
    ):
        state: dict[str, Any] = json.loads(record.aggregation_state_json)
        for name in [name for name in buffers if name not in state]:
            del buffers[name]  # flushed since: the buffer was empty at this checkpoint
        for name, delta in state.items():
            batch_id, members = buffers.get(name, (delta["batch_id"], []))
            if batch_id != delta["batch_id"]:
                members = []
            buffers[name] = (delta["batch_id"], members[: delta["from"]] + delta["added"])
        last = record.sequence
    point.buffers = buffers
    if last is None:
        return
    found = (
        connection.execute(select(c).where(c.c.run_id == point.run_id, c.c.sequence == last))
        .one()
        ._mapping
    )
    point.sequence = int(found["sequence"])
    point.next_row = int(found["next_row_index"])
    point.last_token_id = int(found["last_token_id"])
    point.last_batch_id = int(found["last_batch_id"])
    point.config_hashes = json.loads(found["config_hashes_json"])
    point.counters = json.loads(found["counters_json"])
    point.topology_hash = str(found["topology_hash"])


def _artifacts(connection: Connection, run_id: str, sequence: int) -> dict[int, ArtifactInfo]:
    """The last artifact each sink recorded up to checkpoint ``sequence``."""
    a = s.artifacts
    latest = (
        select(a.c.sink_node_id, func.max(a.c.artifact_id).label("last"))
        .where(a.c.run_id == run_id, a.c.checkpoint_sequence <= sequence)
        .group_by(a.c.sink_node_id)
        .subquery()
    )
    query = select(a).join(latest, a.c.artifact_id == latest.c.last)
    return {
        int(r.sink_node_id): ArtifactInfo(r.path, r.size_bytes, r.content_hash, r.rows_written)
        for r in connection.execute(query)
    }


def _open_batches(connection: Connection, run_id: str) -> dict[int, str]:
    """Batches that are not closed, or failed while members still wait for an outcome."""
    b, bm, o = s.batches, s.batch_members, s.token_outcomes
    ended = select(o.c.token_id).where(o.c.run_id == run_id, o.c.is_terminal)
    waiting = select(bm.c.batch_id).where(bm.c.run_id == run_id, bm.c.token_id.not_in(ended))
    query = select(b.c.batch_id, b.c.status).where(
        b.c.run_id == run_id,
        (b.c.status.in_(("draft", "executing"))) | b.c.batch_id.in_(waiting),
    )
    return {int(batch_id): str(status) for batch_id, status in connection.execute(query)}


def process_alive(pid: int | None, host: str | None) -> bool:
    """True when ``pid`` runs on this host (a zombie counts as gone)."""
    if pid is None or host != socket.gethostname() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def begin_attempt(engine: Engine, point: ResumePoint, retried_batches: list[int]) -> int:
    """Record a new attempt of ``point.run_id`` (backfilling attempt 0 and closing a killed
    previous attempt), reopen batches to retry and set the run back to ``running``."""
    run_id, r, at = point.run_id, s.runs, s.run_attempts
    now = utcnow()
    with engine.begin() as connection:
        attempts = [
            a._mapping
            for a in connection.execute(
                select(at).where(at.c.run_id == run_id).order_by(at.c.attempt)
            )
        ]
        if not attempts:
            run = connection.execute(select(r).where(r.c.run_id == run_id)).one()._mapping
            status = "killed" if run["status"] == "running" else run["status"]
            connection.execute(
                at.insert(),
                {
                    "run_id": run_id,
                    "attempt": 0,
                    "status": status,
                    "pid": run["pid"],
                    "host": run["host"],
                    "started_at": run["started_at"],
                    "ended_at": run["ended_at"] or now,
                    "counters_json": json.dumps(point.counters, sort_keys=True),
                    "error": run["error"],
                },
            )
            number = 1
        else:
            last = attempts[-1]
            if last["status"] == "running":  # that process was killed
                earlier = [json.loads(a["counters_json"] or "{}") for a in attempts[:-1]]
                share = combine(point.counters, total(earlier), sign=-1)
                connection.execute(
                    update(at)
                    .where(at.c.run_id == run_id, at.c.attempt == last["attempt"])
                    .values(status="killed", ended_at=now, counters_json=json.dumps(share))
                )
            number = int(last["attempt"]) + 1
        b = s.batches
        for batch_id in retried_batches:
            connection.execute(
                update(b)
                .where(b.c.run_id == run_id, b.c.batch_id == batch_id, b.c.status == "executing")
                .values(status="failed", error="caught executing when the run stopped")
            )
            connection.execute(
                update(b)
                .where(b.c.run_id == run_id, b.c.batch_id == batch_id)
                .values(status="draft", attempt=b.c.attempt + 1, closed_at=None)
            )
        connection.execute(
            at.insert(),
            {
                "run_id": run_id,
                "attempt": number,
                "resumed_from": point.sequence,
                "status": "running",
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started_at": now,
            },
        )
        claimed = connection.execute(
            update(r)
            .where(
                r.c.run_id == run_id,
                r.c.status == point.status,
                r.c.pid.is_not_distinct_from(point.pid),
            )
            .values(status="running", pid=os.getpid(), host=socket.gethostname(), ended_at=None)
        )
        if claimed.rowcount != 1:  # rolled back: another process resumed it meanwhile
            raise ResumeConflict(
                f"run {run_id} changed while it was being resumed (another resume?);"
                " check its status and try again."
            )
    return number


def finish_attempt(
    engine: Engine, run_id: str, attempt: int, status: str, counters: Mapping[str, Any]
) -> None:
    """Close ``attempt`` with its share of the run's cumulative ``counters``."""
    at = s.run_attempts
    with engine.begin() as connection:
        earlier = [
            json.loads(text or "{}")
            for text in connection.scalars(
                select(at.c.counters_json).where(at.c.run_id == run_id, at.c.attempt < attempt)
            )
        ]
        share = combine(counters, total(earlier), sign=-1)
        connection.execute(
            update(at)
            .where(at.c.run_id == run_id, at.c.attempt == attempt)
            .values(status=status, ended_at=utcnow(), counters_json=json.dumps(share))
        )


def attempt_counters(engine: Engine, run_id: str) -> list[dict[str, Any]]:
    """Each attempt's share of the counters, attempt 0 (the first run) first."""
    at = s.run_attempts
    with engine.connect() as connection:
        return [
            json.loads(text or "{}")
            for text in connection.scalars(
                select(at.c.counters_json).where(at.c.run_id == run_id).order_by(at.c.attempt)
            )
        ]
