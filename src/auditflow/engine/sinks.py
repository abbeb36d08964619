"""Sink-bound rows, held per sink until the orchestrator writes a chunk.

Rows are handed to the sinks in chunks; after :meth:`SinkWriter.flush` every sink that got
rows has made them durable and its artifact (path, size, hash, rows written) is recorded.
The orchestrator commits the audit records of the chunk only after this, so the trail
never says "completed" for a row that is not in its sink yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditflow.contracts.plugins import SinkPlugin
from auditflow.core.landscape import LandscapeRecorder


@dataclass(frozen=True, slots=True)
class SinkNode:
    name: str
    node_id: int
    plugin: SinkPlugin


class SinkWriter:
    """Pending rows of every sink."""

    def __init__(self, sinks: dict[str, SinkNode]) -> None:
        self.sinks = sinks
        self._pending: dict[str, list[dict[str, Any]]] = {name: [] for name in sinks}
        self.pending = 0

    def add(self, sink: str, row: dict[str, Any]) -> None:
        self._pending[sink].append(row)
        self.pending += 1

    def flush(self, recorder: LandscapeRecorder, checkpoint_sequence: int | None = None) -> None:
        """Write every pending chunk, make it durable, record the artifacts."""
        written = [name for name, rows in self._pending.items() if rows]
        for name in written:
            rows, self._pending[name] = self._pending[name], []
            self.sinks[name].plugin.write(rows)
        self.pending = 0
        for name in written:
            node = self.sinks[name]
            info = node.plugin.flush()
            recorder.artifact(
                node.node_id,
                info.path,
                info.size_bytes,
                info.content_hash,
                info.rows_written,
                checkpoint_sequence,
            )

    def close(self) -> list[BaseException]:
        """Close every sink; return what went wrong instead of stopping at the first."""
        problems: list[BaseException] = []
        for node in self.sinks.values():
            try:
                node.plugin.close()
            except Exception as error:
                problems.append(error)
        return problems
