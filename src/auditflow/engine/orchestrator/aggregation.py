"""Aggregation buffers: count and timeout triggers, end-of-source flush.

* A **count** trigger fires when a token is buffered and the buffer reaches ``count``.
* A **timeout** trigger is checked by :meth:`Aggregations.check_timeouts`, which the
  orchestrator calls *before* each new source row is processed: a batch whose oldest token
  has waited ``timeout_seconds`` on the injected clock is flushed first, so it never
  includes the row that arrived late.
* At **end of source** :meth:`Aggregations.flush_all` flushes every non-empty buffer, in
  pipeline order (what one aggregation releases may land in the next one's buffer).

What a flushed batch releases is handed to ``release(index, tokens)``, which carries the
tokens on (the aggregation's own transforms, then its sink or the next aggregation) and
returns the counters; everything here returns :class:`AggregationFlushResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditflow.contracts.outcomes import RowOutcome
from auditflow.contracts.plugins import BatchTransform
from auditflow.core.canonical import stable_hash
from auditflow.core.landscape import LandscapeRecorder
from auditflow.engine import tokens as tk
from auditflow.engine.orchestrator.types import EMPTY, AggregationFlushResult
from auditflow.engine.rowcodec import encode

Release = Callable[[int, list[tk.Token]], AggregationFlushResult]
"""``release(aggregation_index, tokens)``: carry released tokens on; return the counters."""

NOTHING = EMPTY
BUFFERED = AggregationFlushResult(rows_buffered=1)


@dataclass(frozen=True, slots=True)
class AggregationSpec:
    """One aggregation as the run sees it."""

    name: str
    node_id: int
    count: int | None
    timeout_seconds: float | None
    output_mode: str  # "passthrough" | "transform"
    transform: BatchTransform


@dataclass(slots=True)
class _Buffer:
    tokens: list[tk.Token] = field(default_factory=list)
    batch_id: int = 0
    opened_at: float = 0.0
    reported: int = 0  # members already in a checkpoint


class Aggregations:
    """The buffers of every aggregation of a run."""

    def __init__(
        self,
        specs: Sequence[AggregationSpec],
        recorder: LandscapeRecorder,
        token_ids: tk.Numbering,
        batch_ids: tk.Numbering,
        clock: Callable[[], float],
        release: Release,
    ) -> None:
        self.specs = list(specs)
        self._recorder = recorder
        self._token_ids = token_ids
        self._batch_ids = batch_ids
        self._clock = clock
        self._release = release
        self._buffers = [_Buffer() for _ in self.specs]

    def buffer(self, index: int, token: tk.Token) -> AggregationFlushResult:
        """Add ``token`` to aggregation ``index``; flush when its count is reached."""
        spec, buf = self.specs[index], self._buffers[index]
        if not buf.tokens:
            buf.batch_id = self._batch_ids.next()
            buf.opened_at = self._clock()
            self._recorder.open_batch(buf.batch_id, spec.node_id)
        self._recorder.batch_member(buf.batch_id, token.token_id, len(buf.tokens))
        self._recorder.node_state(token.token_id, spec.node_id, token.next_step(), "buffered")
        self._recorder.outcome(
            token.token_id, RowOutcome.BUFFERED, terminal=False, batch_id=buf.batch_id
        )
        buf.tokens.append(token)
        result = BUFFERED
        if spec.count is not None and len(buf.tokens) >= spec.count:
            result = result + self._flush(index, "count")
        return result

    def check_timeouts(self) -> AggregationFlushResult:
        """Flush every batch that has waited its ``timeout_seconds`` (call before each row)."""
        result = NOTHING
        for index, (spec, buf) in enumerate(zip(self.specs, self._buffers, strict=True)):
            if spec.timeout_seconds is None or not buf.tokens:
                continue
            if self._clock() - buf.opened_at >= spec.timeout_seconds:
                result = result + self._flush(index, "timeout")
        return result

    def flush_all(self) -> AggregationFlushResult:
        """End of source: flush every non-empty buffer, first aggregation first."""
        result = NOTHING
        for index, buf in enumerate(self._buffers):
            if buf.tokens:
                result = result + self._flush(index, "end_of_source")
        return result

    def checkpoint_state(self) -> dict[str, Any]:
        """What entered each open buffer since the previous checkpoint (a delta keeps a
        checkpoint's cost independent of the batch size):
        ``{name: {"batch_id", "from", "added": [[token_id, row_index, step, row], ...]}}``
        where ``from`` is how many members earlier checkpoints already hold and rows are
        typed JSON (:mod:`auditflow.engine.rowcodec`). Empty buffers are left out."""
        state: dict[str, Any] = {}
        for spec, buf in zip(self.specs, self._buffers, strict=True):
            if not buf.tokens:
                continue
            added = buf.tokens[buf.reported :]
            state[spec.name] = {
                "batch_id": buf.batch_id,
                "from": buf.reported,
                "added": [[t.token_id, t.row_index, t.step, encode(t.row)] for t in added],
            }
            buf.reported = len(buf.tokens)
        return state

    def restore(self, buffers: Mapping[str, tuple[int, list[tk.Token]]]) -> None:
        """Refill the buffers from checkpoints (resume): ``{name: (batch_id, tokens)}``.
        A restored batch keeps collecting; its timeout starts again now."""
        for index, spec in enumerate(self.specs):
            found = buffers.get(spec.name)
            if found is not None and found[1]:
                batch_id, members = found
                self._buffers[index] = _Buffer(
                    list(members), batch_id, self._clock(), reported=len(members)
                )

    @property
    def buffered(self) -> int:
        return sum(len(buf.tokens) for buf in self._buffers)

    def _flush(self, index: int, trigger: str) -> AggregationFlushResult:
        spec, buf = self.specs[index], self._buffers[index]
        members, batch_id = buf.tokens, buf.batch_id
        self._buffers[index] = _Buffer()
        rec = self._recorder
        if spec.output_mode == "passthrough":
            rec.close_batch(batch_id, "completed", trigger, len(members))
            return self._release(index, members)
        try:
            outputs = spec.transform.process_batch([token.row for token in members])
        except Exception as error:  # a failing batch fails its members, not the run
            reason = f"aggregation {spec.name!r}: {type(error).__name__}: {error}"
            rec.close_batch(batch_id, "failed", trigger, len(members), error=reason)
            for token in members:
                rec.outcome(
                    token.token_id,
                    RowOutcome.FAILED,
                    terminal=True,
                    batch_id=batch_id,
                    reason=reason,
                )
            return AggregationFlushResult(rows_failed=len(members))
        rec.close_batch(batch_id, "completed", trigger, len(members))
        parents = [token.token_id for token in members]
        for token in members:
            rec.outcome(
                token.token_id, RowOutcome.CONSUMED_IN_BATCH, terminal=True, batch_id=batch_id
            )
        released = []
        for row in outputs:
            token = tk.Token(self._token_ids.next(), None, dict(row))
            rec.token(token.token_id, None, spec.node_id, parents)
            rec.node_state(
                token.token_id,
                spec.node_id,
                token.next_step(),
                "completed",
                output_hash=stable_hash(token.row),
            )
            released.append(token)
        result = AggregationFlushResult(rows_consumed_in_batch=len(members))
        return result + self._release(index, released) if released else result
