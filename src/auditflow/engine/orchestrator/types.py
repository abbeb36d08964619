"""The orchestrator's public types. A leaf: imports no module of its own package.

``AggregationFlushResult`` is the counter bundle every step of a run returns; results are
added up with ``+`` (every counter summed, ``routed_destinations`` merged by adding the
counts per sink). ``RunResult`` is the same counters plus the run id and final status.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from auditflow.core.settings import PipelineSettings, load_settings

COUNTERS = (
    "rows_processed",
    "rows_succeeded",
    "rows_failed",
    "rows_routed",
    "rows_quarantined",
    "rows_forked",
    "rows_coalesced",
    "rows_expanded",
    "rows_buffered",
    "rows_consumed_in_batch",
)
"""Counter fields shared by ``AggregationFlushResult`` and ``RunResult``, in order."""


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    PARTIALLY_EXPORTED = "partially_exported"
    """Completed, but its ``landscape.export`` failed (the audit trail is kept)."""


def _frozen_counts(counts: Mapping[str, int]) -> Mapping[str, int]:
    """A read-only copy without zero entries (so an absent sink and a 0 count compare equal)."""
    return MappingProxyType({k: v for k, v in sorted(counts.items()) if v})


@dataclass(frozen=True, slots=True)
class AggregationFlushResult:
    """Counters of what happened to tokens in one step (a row, a flushed batch, a run).

    ``rows_processed`` counts source rows read; ``rows_buffered`` counts how many times a
    token entered an aggregation buffer; every other counter counts tokens by terminal outcome
    (succeeded = completed).
    """

    rows_processed: int = 0
    rows_succeeded: int = 0
    rows_failed: int = 0
    rows_routed: int = 0
    rows_quarantined: int = 0
    rows_forked: int = 0
    rows_coalesced: int = 0
    rows_expanded: int = 0
    rows_buffered: int = 0
    rows_consumed_in_batch: int = 0
    routed_destinations: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "routed_destinations", _frozen_counts(self.routed_destinations))

    def __add__(self, other: object) -> AggregationFlushResult:
        if not isinstance(other, AggregationFlushResult):
            return NotImplemented
        if other is EMPTY:  # the common case on the hot path: nothing to add
            return self
        if self is EMPTY:
            return other
        merged = dict(self.routed_destinations)
        for sink, count in other.routed_destinations.items():
            merged[sink] = merged.get(sink, 0) + count
        return AggregationFlushResult(
            rows_processed=self.rows_processed + other.rows_processed,
            rows_succeeded=self.rows_succeeded + other.rows_succeeded,
            rows_failed=self.rows_failed + other.rows_failed,
            rows_routed=self.rows_routed + other.rows_routed,
            rows_quarantined=self.rows_quarantined + other.rows_quarantined,
            rows_forked=self.rows_forked + other.rows_forked,
            rows_coalesced=self.rows_coalesced + other.rows_coalesced,
            rows_expanded=self.rows_expanded + other.rows_expanded,
            rows_buffered=self.rows_buffered + other.rows_buffered,
            rows_consumed_in_batch=self.rows_consumed_in_batch + other.rows_consumed_in_batch,
            routed_destinations=merged,
        )

    def counters(self) -> dict[str, Any]:
        """Every counter by name, and ``routed_destinations`` as a plain dict."""
        values: dict[str, Any] = {name: getattr(self, name) for name in COUNTERS}
        values["routed_destinations"] = dict(self.routed_destinations)
        return values

    @property
    def terminal(self) -> int:
        """Tokens that reached a terminal outcome."""
        return sum(getattr(self, name) for name in COUNTERS if name not in _FLOW_COUNTERS)


_FLOW_COUNTERS = frozenset({"rows_processed", "rows_buffered"})

EMPTY = AggregationFlushResult()
"""The identity of ``+`` (any ``AggregationFlushResult()`` equals it)."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run did: its id, final status and counters."""

    run_id: str
    status: RunStatus
    rows_processed: int = 0
    rows_succeeded: int = 0
    rows_failed: int = 0
    rows_routed: int = 0
    rows_quarantined: int = 0
    rows_forked: int = 0
    rows_coalesced: int = 0
    rows_expanded: int = 0
    rows_buffered: int = 0
    rows_consumed_in_batch: int = 0
    routed_destinations: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "routed_destinations", _frozen_counts(self.routed_destinations))

    @classmethod
    def of(
        cls,
        run_id: str,
        status: RunStatus,
        totals: AggregationFlushResult,
        error: str | None = None,
    ) -> RunResult:
        return cls(run_id, status, **totals.counters(), error=error)

    def counters(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(self, name) for name in COUNTERS}
        values["routed_destinations"] = dict(self.routed_destinations)
        return values


class RouteValidationError(ValueError):
    """A route, ``on_error`` or ``on_validation_failure`` names a sink that does not exist."""

    def __init__(
        self, owner: str, destination: str, label: str, available: list[str] | tuple[str, ...]
    ) -> None:
        self.owner = owner
        self.destination = destination
        self.label = label
        self.available = sorted(available)
        names = ", ".join(self.available) or "(none)"
        super().__init__(
            f"{owner} sends {label!r} to sink {destination!r}, which does not exist; "
            f"available sinks: {names}"
        )


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Everything a run needs: validated settings, where relative paths start, the audit DB.

    ``chunk_size`` is how many source rows are walked before their sink rows are written and
    their audit records committed together (default: ``checkpoint.frequency``); ``clock``
    is the time source of aggregation timeouts (injectable for tests).
    """

    settings: PipelineSettings
    base_dir: Path
    landscape_url: str
    settings_path: Path | None = None
    chunk_size: int | None = None
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_file(cls, path: Path, landscape_url: str | None = None) -> PipelineConfig:
        """Load ``path`` (raises ``SettingsError`` naming the file and field)."""
        settings = load_settings(path)
        url = landscape_url or settings.landscape_url()
        return cls(settings, settings.base_dir, url, settings_path=path)

    def with_(self, **changes: Any) -> PipelineConfig:
        return dataclasses.replace(self, **changes)
