"""Checks and preparation for ``Orchestrator.resume()``: may this run be resumed, and
where does it start again?

A run may be resumed when it ended ``failed`` or ``interrupted``, or was killed (left
``running`` by a process that is gone: its pid is not alive on this host). It is refused
(:class:`ResumeError`) when it completed, when its process still runs, when the settings'
topology or a node's config differ from what the last checkpoint recorded, when its
source's row schema differs from the one stored with the run, or when the trail does not
add up (a token without a terminal outcome that no checkpointed buffer holds).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from auditflow.contracts.errors import AuditflowError
from auditflow.contracts.plugins import ResumableSink, SourcePlugin
from auditflow.core.canonical import canonical_json, stable_hash
from auditflow.core.landscape.checkpoints import ResumePoint, process_alive
from auditflow.engine import pipeline as pl
from auditflow.engine import rowcodec
from auditflow.engine.orchestrator.export import SchemaReconstructionError, row_model_from_schema
from auditflow.engine.orchestrator.types import EMPTY, AggregationFlushResult
from auditflow.engine.sinks import SinkNode
from auditflow.engine.tokens import Token

RESUMABLE = ("failed", "interrupted")


class ResumeError(AuditflowError):
    """The run cannot be resumed; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True)
class StartPoint:
    """Where a run's walk starts: all zero for a new run, the checkpoint for a resume."""

    next_row: int = 0
    last_token_id: int = 0
    last_batch_id: int = 0
    sequence: int = 0
    totals: AggregationFlushResult = EMPTY
    buffers: Mapping[str, tuple[int, list[Token]]] = field(default_factory=dict)


FRESH = StartPoint()


def check_resumable(
    point: ResumePoint | None, run_id: str, where: str, top: pl.Topology
) -> list[int]:
    """Raise :class:`ResumeError` unless ``run_id`` may be resumed with topology ``top``;
    return the batches to retry (caught ``executing``, or ``failed`` with open members)."""
    if point is None:
        raise ResumeError(f"there is no run {run_id!r} in the audit trail at {where}.")
    if point.status == "running":
        if process_alive(point.pid, point.host):
            raise ResumeError(
                f"run {run_id} is still running (process {point.pid} on {point.host}); "
                "stop it first (SIGTERM stops it cleanly), then resume."
            )
    elif point.status not in RESUMABLE:
        raise ResumeError(
            f"run {run_id} ended {point.status}; only failed, interrupted or killed runs"
            " can be resumed."
        )
    _check_hashes(point, run_id, top)
    buffered = {entry[0] for _, entries in point.buffers.values() for entry in entries}
    if set(point.unfinished) != buffered:
        missing = sorted(set(point.unfinished) - buffered)[:5]
        raise ResumeError(
            f"the audit trail of run {run_id} is inconsistent: token(s) {missing} have no"
            " terminal outcome but no checkpoint holds them in an aggregation buffer;"
            " it cannot be resumed (run the pipeline again as a new run)."
        )
    restored = {batch_id for batch_id, _ in point.buffers.values()}
    retried = []
    for batch_id, status in sorted(point.open_batches.items()):
        if batch_id not in restored:
            raise ResumeError(
                f"the audit trail of run {run_id} is inconsistent: batch {batch_id}"
                f" ({status}) is open but no checkpoint holds its members."
            )
        if status != "draft":
            retried.append(batch_id)
    return retried


def _check_hashes(point: ResumePoint, run_id: str, top: pl.Topology) -> None:
    if stable_hash(top.as_data()) == point.topology_hash:
        return
    now, then = pl.config_hashes(top), point.config_hashes
    added, removed = sorted(set(now) - set(then)), sorted(set(then) - set(now))
    changed = sorted(k for k in set(now) & set(then) if now[k] != then[k])
    if then and (added or removed):
        detail = f"node(s) added: {added or 'none'}, removed: {removed or 'none'}"
        what = "topology"
    elif changed:
        detail, what = f"changed: {', '.join(changed)}", "node config"
    else:
        detail, what = "the nodes, their order or their edges changed", "topology"
    raise ResumeError(
        f"the settings do not describe the pipeline run {run_id} checkpointed: its {what}"
        f" hash differs ({detail}). Resume with the settings the run started with."
    )


def check_source(point: ResumePoint, run_id: str, source: SourcePlugin) -> None:
    """The source must declare the row schema stored with the run; it then validates the
    rest of its rows with the model rebuilt from that stored schema
    (:func:`~auditflow.engine.orchestrator.export.row_model_from_schema`)."""
    stored = point.source_schema_json
    if stored is None:
        return
    if canonical_json(source.row_schema()).decode() != stored:
        raise ResumeError(
            f"the source's row schema differs from the one stored with run {run_id};"
            " resume with the settings the run started with."
        )
    schema = json.loads(stored)
    # canonical JSON sorted the properties; rows keep the declared field order (csv
    # columns and jsonl keys follow it), which the equal schema above has
    declared = list(source.row_schema().get("properties", {}))
    properties = schema.get("properties")
    if isinstance(properties, dict) and set(properties) == set(declared):
        schema["properties"] = {name: properties[name] for name in declared}
    try:
        model = row_model_from_schema(schema)
    except SchemaReconstructionError as error:
        raise ResumeError(f"run {run_id}: the stored row schema cannot be used: {error}") from None
    use = getattr(source, "use_row_model", None)
    if callable(use):
        use(model)


def start_point(point: ResumePoint) -> StartPoint:
    """The checkpoint as the walk needs it: typed tokens back in their buffers."""
    buffers = {
        name: (batch_id, [Token(t, r, rowcodec.decode(row), step) for t, r, step, row in entries])
        for name, (batch_id, entries) in point.buffers.items()
    }
    return StartPoint(
        point.next_row,
        point.last_token_id,
        point.last_batch_id,
        point.sequence,
        AggregationFlushResult(**point.counters) if point.counters else EMPTY,
        buffers,
    )


def resume_sinks(point: ResumePoint, sinks: Mapping[str, SinkNode]) -> None:
    """Bring every sink back to the checkpoint (truncate / delete what came after)."""
    for name, node in sinks.items():
        if not isinstance(node.plugin, ResumableSink):
            raise ResumeError(
                f"sink {name!r} (plugin {node.plugin.name!r}) has no resume method, so run"
                f" {point.run_id} cannot be resumed without risking duplicate rows."
            )
    for node in sinks.values():
        plugin = node.plugin
        assert isinstance(plugin, ResumableSink)
        plugin.resume(point.run_id, point.artifacts.get(node.node_id))


def start_sinks(run_id: str, sinks: Mapping[str, SinkNode]) -> None:
    """Tell resumable sinks the id of a new run (the database sink keys rows with it)."""
    for node in sinks.values():
        if isinstance(node.plugin, ResumableSink):
            node.plugin.start_run(run_id)
