"""The protocols plugins implement and the values they exchange with the engine.

A plugin is any object with the right methods (structural typing); the built-ins live
in :mod:`auditflow.plugins` and are created by name from the settings.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from auditflow.contracts.errors import TransformError

__all__ = [
    "ArtifactInfo",
    "BatchTransform",
    "ResumableSink",
    "Row",
    "RowTransform",
    "SinkPlugin",
    "SourceItem",
    "SourcePlugin",
    "TransformError",
]

Row = dict[str, Any]
"""One row: field name -> value."""


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One item read from a source: a valid row, or the raw data and why it failed."""

    index: int
    """0-based position in the source; stable between runs (resume skips by it)."""
    row: Row | None
    """The validated row; ``None`` when validation failed."""
    raw: Any
    """What was read: a csv dict of strings, the parsed JSON value, or the raw line."""
    error: str | None = None
    """Why validation failed (field and reason); ``None`` when the row is valid."""

    @property
    def valid(self) -> bool:
        """True when the item carries a validated row."""
        return self.error is None and self.row is not None


@dataclass(frozen=True, slots=True)
class ArtifactInfo:
    """What a sink has made durable so far."""

    path: str
    """File path, or ``url#table`` for a database sink (password hidden)."""
    size_bytes: int
    """Size of the file in bytes (0 for a database table)."""
    content_hash: str | None
    """SHA-256 hex of the file's bytes, or ``None`` where it is not cheap to compute."""
    rows_written: int
    """Rows written by this sink instance."""


@runtime_checkable
class SourcePlugin(Protocol):
    """Reads items one at a time; never loads the whole input into memory."""

    name: str

    def row_schema(self) -> dict[str, Any]:
        """The JSON Schema of the declared row model (stored with the run)."""
        ...

    def read(self, start: int = 0) -> Iterator[SourceItem]:
        """Yield the items in order, skipping those with ``index < start``."""
        ...

    def close(self) -> None:
        """Release files and handles; safe to call twice."""
        ...


@runtime_checkable
class RowTransform(Protocol):
    """Turns one row into one row; raises :class:`TransformError` for a bad row."""

    name: str

    def process(self, row: Row) -> Row: ...


@runtime_checkable
class BatchTransform(Protocol):
    """Turns a batch of rows (an aggregation's buffer) into output rows."""

    name: str

    def process_batch(self, rows: Sequence[Row]) -> list[Row]: ...


@runtime_checkable
class SinkPlugin(Protocol):
    """Writes rows chunk by chunk."""

    name: str

    def write(self, rows: Sequence[Row]) -> None:
        """Write one chunk of rows (buffered; not yet durable)."""
        ...

    def flush(self) -> ArtifactInfo:
        """Make everything written so far durable (fsync / commit) and describe it."""
        ...

    def close(self) -> None:
        """Flush what is pending and release the file or connection; safe to call twice."""
        ...


@runtime_checkable
class ResumableSink(Protocol):
    """A sink that can continue a run stopped part-way (``auditflow resume``).

    The engine calls :meth:`start_run` once before the first write of a new run, and
    :meth:`resume` instead when it resumes one: the sink must then hold exactly what it
    held at the checkpoint described by ``artifact`` (``None``: nothing was checkpointed,
    start empty), discarding whatever was written after it, and continue from there.
    """

    def start_run(self, run_id: str) -> None: ...

    def resume(self, run_id: str, artifact: ArtifactInfo | None) -> None: ...
