"""The row walk: one token from the source through transforms and gates, into the
aggregations or a sink, with every step written to the audit trail.

Pipeline order: source -> transforms (in order) -> gates (in order) -> aggregations (in
order). What an aggregation releases runs through that aggregation's own transforms, then
goes to its ``sink`` or on to the next aggregation, and after the last one to the
``default_sink``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from auditflow.contracts.errors import ExpressionError, TransformError
from auditflow.contracts.outcomes import RowOutcome
from auditflow.contracts.plugins import RowTransform, SourceItem
from auditflow.core.canonical import canonical_json
from auditflow.core.landscape import LandscapeRecorder
from auditflow.core.settings import CONTINUE, GateSettings, route_key
from auditflow.engine.orchestrator.types import AggregationFlushResult as Result
from auditflow.engine.sinks import SinkWriter
from auditflow.engine.tokens import Numbering, Token

SUCCEEDED = Result(rows_succeeded=1)
FAILED = Result(rows_failed=1)
QUARANTINED = Result(rows_quarantined=1)
PROCESSED = Result(rows_processed=1)


@dataclass(frozen=True, slots=True)
class TransformNode:
    name: str
    node_id: int
    plugin: RowTransform
    on_error: str | None  # a sink name, or None: the row ends failed (discard / unset)


@dataclass(frozen=True, slots=True)
class GateNode:
    name: str
    node_id: int
    settings: GateSettings


@dataclass(frozen=True, slots=True)
class AfterAggregation:
    """What happens to the tokens an aggregation releases."""

    transforms: Sequence[TransformNode]
    sink: str | None  # None: on to the next aggregation / the default sink


def _json(value: Any) -> tuple[str, str]:
    """Canonical JSON text and hash of a row (or raw input that may not be JSON-able)."""
    try:
        data = canonical_json(value)
    except (TypeError, ValueError):
        data = canonical_json({"repr": repr(value)})
    return data.decode("utf-8"), hashlib.sha256(data).hexdigest()


class RowWalker:
    """Walks tokens; returns the counters of what happened to them."""

    def __init__(
        self,
        recorder: LandscapeRecorder,
        sinks: SinkWriter,
        token_ids: Numbering,
        *,
        source_node_id: int,
        quarantine_sink: str | None,
        transforms: Sequence[TransformNode],
        gates: Sequence[GateNode],
        after_aggregations: Sequence[AfterAggregation],
        default_sink: str,
    ) -> None:
        self.recorder = recorder
        self.sinks = sinks
        self.token_ids = token_ids
        self.source_node_id = source_node_id
        self.quarantine_sink = quarantine_sink
        self.transforms = transforms
        self.gates = gates
        self.after = after_aggregations
        self.default_sink = default_sink
        self.buffer: Callable[[int, Token], Result] = self._no_aggregation
        self._routed: dict[str, Result] = {}
        # PROCESSED + result, for the long-lived result constants (keyed by identity)
        self._plus: dict[int, Result] = {
            id(r): PROCESSED + r for r in (SUCCEEDED, FAILED, QUARANTINED)
        }

    def _processed(self, result: Result) -> Result:
        found = self._plus.get(id(result))
        return found if found is not None else PROCESSED + result

    def _no_aggregation(self, index: int, token: Token) -> Result:
        raise RuntimeError("aggregations were not connected to the walker")

    # -- entry points ----------------------------------------------------------------------

    def source_item(self, item: SourceItem) -> Result:
        """A new source row: record it, then walk its token (or quarantine it)."""
        rec = self.recorder
        valid = item.error is None and item.row is not None
        data_json, data_hash = _json(item.row if valid else item.raw)
        rec.row(item.index, self.source_node_id, data_json, data_hash, item.error)
        token = Token(self.token_ids.next(), item.index, item.row if item.row is not None else {})
        rec.token(token.token_id, item.index, self.source_node_id)
        if not valid:
            rec.node_state(
                token.token_id, self.source_node_id, token.next_step(), "failed", error=item.error
            )
            return self._processed(self._quarantine(token, item))
        rec.node_state(
            token.token_id,
            self.source_node_id,
            token.next_step(),
            "completed",
            output_hash=data_hash,
        )
        return self._processed(self._main_path(token))

    def release(self, index: int, tokens: list[Token]) -> Result:
        """Carry on the tokens aggregation ``index`` released."""
        after = self.after[index]
        total = Result()
        for token in tokens:
            failed = self._run_transforms(token, after.transforms)
            if failed is not None:
                total = total + failed
            elif after.sink is not None:
                total = total + self._to_sink(token, after.sink, RowOutcome.COMPLETED)
            else:
                total = total + self.enter_aggregation(index + 1, token)
        return total

    def enter_aggregation(self, index: int, token: Token) -> Result:
        if index >= len(self.after):
            return self._to_sink(token, self.default_sink, RowOutcome.COMPLETED)
        return self.buffer(index, token)

    # -- steps -----------------------------------------------------------------------------

    def _main_path(self, token: Token) -> Result:
        failed = self._run_transforms(token, self.transforms)
        if failed is not None:
            return failed
        for gate in self.gates:
            sent = self._gate(token, gate)
            if sent is not None:
                return sent
        return self.enter_aggregation(0, token)

    def _quarantine(self, token: Token, item: SourceItem) -> Result:
        sink = self.quarantine_sink
        self.recorder.outcome(
            token.token_id, RowOutcome.QUARANTINED, terminal=True, sink=sink, reason=item.error
        )
        if sink is not None:
            raw = item.raw if isinstance(item.raw, dict) else {"raw": item.raw}
            row = {str(k): v for k, v in raw.items()}
            row["_quarantine_reason"] = item.error
            self._write(token, sink, row)
        return QUARANTINED

    def _run_transforms(self, token: Token, transforms: Sequence[TransformNode]) -> Result | None:
        """Run ``transforms``; on an error, end the token and return its counters."""
        rec = self.recorder
        for node in transforms:
            try:
                token.row = node.plugin.process(dict(token.row))
            except TransformError as error:
                reason = f"transform {node.name!r}: {error}"
                rec.node_state(
                    token.token_id, node.node_id, token.next_step(), "failed", error=str(error)
                )
                rec.outcome(
                    token.token_id,
                    RowOutcome.FAILED,
                    terminal=True,
                    sink=node.on_error,
                    reason=reason,
                )
                if node.on_error is not None:
                    rec.routing_event(
                        token.token_id, node.node_id, "on_error", node.on_error, reason
                    )
                    self._write(token, node.on_error, {**token.row, "_error": reason})
                return FAILED
            rec.node_state(token.token_id, node.node_id, token.next_step(), "completed")
        return None

    def _gate(self, token: Token, gate: GateNode) -> Result | None:
        """Evaluate a gate; return counters if it ended the token, None to continue."""
        rec = self.recorder
        settings = gate.settings
        try:
            value = settings.compiled.evaluate(token.row)
        except ExpressionError as error:
            reason = f"gate {gate.name!r}: {error}"
            rec.node_state(
                token.token_id, gate.node_id, token.next_step(), "failed", error=str(error)
            )
            rec.outcome(token.token_id, RowOutcome.FAILED, terminal=True, reason=reason)
            return FAILED
        label = route_key(value)
        destination = settings.routes.get(label)
        rec.node_state(token.token_id, gate.node_id, token.next_step(), "completed")
        if destination is None:
            reason = f"gate {gate.name!r}: no route for result {label!r}"
            rec.outcome(token.token_id, RowOutcome.FAILED, terminal=True, reason=reason)
            return FAILED
        rec.routing_event(token.token_id, gate.node_id, label, destination, settings.condition)
        if destination == CONTINUE:
            return None
        return self._to_sink(token, destination, RowOutcome.ROUTED)

    def _to_sink(self, token: Token, sink: str, outcome: RowOutcome) -> Result:
        self.recorder.outcome(token.token_id, outcome, terminal=True, sink=sink)
        self._write(token, sink, token.row)
        if outcome is RowOutcome.COMPLETED:
            return SUCCEEDED
        found = self._routed.get(sink)
        if found is None:
            found = self._routed[sink] = Result(rows_routed=1, routed_destinations={sink: 1})
            self._plus[id(found)] = PROCESSED + found
        return found

    def _write(self, token: Token, sink: str, row: dict[str, Any]) -> None:
        node = self.sinks.sinks[sink]
        self.recorder.node_state(token.token_id, node.node_id, token.next_step(), "completed")
        self.sinks.add(sink, row)
