"""The ``Orchestrator``: runs a pipeline and writes its audit trail.

``run()`` checks every route before reading a row (:mod:`.validation`), creates the
plugins, records the run and its node graph, then walks the source row by row. Before each
row it lets timed-out aggregation batches flush (:mod:`.aggregation`). Every ``chunk_size``
rows it writes the sink-bound rows, flushes the sinks, records a checkpoint and commits the
chunk's audit records in one transaction, so memory stays flat however long the source is.
SIGINT / SIGTERM ask for a clean stop: the current row finishes, the chunk is written and
the run ends ``interrupted`` (aggregation buffers stay recorded as ``buffered``).
``resume()`` continues a failed, interrupted or killed run from its last checkpoint (the
checks and preparation live in :mod:`auditflow.engine.resume`).
"""

from __future__ import annotations

import functools
import json
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from auditflow.core.canonical import HASH_VERSION, canonical_json, stable_hash
from auditflow.core.landscape import LandscapeRecorder, RunHeader, open_landscape
from auditflow.core.landscape.checkpoints import (
    begin_attempt,
    finish_attempt,
    load_resume_point,
)
from auditflow.engine import pipeline as pl
from auditflow.engine import resume as rs
from auditflow.engine.orchestrator.aggregation import Aggregations, AggregationSpec
from auditflow.engine.orchestrator.export import export_on_completion, require_signing_key
from auditflow.engine.orchestrator.types import (
    AggregationFlushResult,
    PipelineConfig,
    RunResult,
    RunStatus,
)
from auditflow.engine.orchestrator.validation import validate_routes
from auditflow.engine.sinks import SinkNode, SinkWriter
from auditflow.engine.tokens import Numbering
from auditflow.engine.walk import AfterAggregation, GateNode, RowWalker

_DISCARD = "discard"

Progress = Callable[[AggregationFlushResult], None]
"""Called after each source row with the counters so far (e.g. to move a progress bar)."""


class _StopFlag:
    """Set by SIGINT / SIGTERM while a run is in progress."""

    def __init__(self) -> None:
        self.signal: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.signal = signum


@contextmanager
def _stop_on_signals() -> Iterator[_StopFlag]:
    flag = _StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag  # signal handlers can only be set from the main thread
        return
    previous = {sig: signal.signal(sig, flag) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Orchestrator:
    """Runs the pipeline described by a :class:`PipelineConfig`."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.run_id: str | None = None

    def run(self, on_row: Progress | None = None) -> RunResult:
        """Run the pipeline to the end (or to a clean stop) and return its counters.

        Raises ``RouteValidationError`` / ``PluginError`` / ``LandscapeError`` before any
        row is read; a failure while running ends the run ``failed`` (recorded, returned).
        """
        settings = self.config.settings
        validate_routes(settings)
        require_signing_key(settings)  # a signed export needs its key before any row
        plugins = pl.create_plugins(settings, self.config.base_dir)
        try:
            engine = open_landscape(self.config.landscape_url)
        except Exception:
            plugins.close_all()
            raise
        top = pl.topology(settings)
        try:
            recorder = LandscapeRecorder.begin_run(engine, self._header(plugins, top))
            self.run_id = recorder.run_id
            ids = pl.register(recorder, top)
            sinks = _sink_writer(plugins, ids)
            rs.start_sinks(recorder.run_id, sinks.sinks)
        except Exception:
            plugins.close_all()
            engine.dispose()
            raise
        return self._execute(recorder, plugins, sinks, _Run.Start(ids, top, rs.FRESH), on_row)

    def resume(self, run_id: str, on_row: Progress | None = None) -> RunResult:
        """Continue ``run_id`` (failed, interrupted or killed) from its last checkpoint.

        Raises ``ResumeError`` (nothing touched) when the run may not be resumed or the
        settings differ from the checkpoint's; then brings every sink back to the
        checkpoint, restores the aggregation buffers and walks the rest of the source.
        The run keeps its id; this attempt is recorded in ``run_attempts``.
        """
        settings = self.config.settings
        validate_routes(settings)
        require_signing_key(settings)
        top = pl.topology(settings)
        engine = open_landscape(self.config.landscape_url, create=False)
        try:
            point = load_resume_point(engine, run_id)
            retried = rs.check_resumable(point, run_id, self.config.landscape_url, top)
            assert point is not None
            plugins = pl.create_plugins(settings, self.config.base_dir)
        except Exception:
            engine.dispose()
            raise
        try:
            rs.check_source(point, run_id, plugins.source)
            sinks = _sink_writer(plugins, point.node_ids)
            rs.resume_sinks(point, sinks.sinks)
            start = _Run.Start(point.node_ids, top, rs.start_point(point))
            attempt = begin_attempt(engine, point, retried)
        except Exception:
            plugins.close_all()
            engine.dispose()
            raise
        self.run_id = run_id
        recorder = LandscapeRecorder(engine, run_id)
        return self._execute(recorder, plugins, sinks, start, on_row, attempt)

    def _execute(
        self,
        recorder: LandscapeRecorder,
        plugins: pl.Plugins,
        sinks: SinkWriter,
        start: _Run.Start,
        on_row: Progress | None,
        attempt: int | None = None,
    ) -> RunResult:
        run = _Run(self.config, recorder, plugins, sinks, start)
        engine = recorder.engine
        try:
            with _stop_on_signals() as stop:
                status, totals = run.walk(stop, on_row)
            result = RunResult.of(recorder.run_id, status, totals)
            recorder.finish_run(status, result.counters())
        except Exception as error:  # recorded on the run; the caller gets a failed result
            message = f"{type(error).__name__}: {error}"
            recorder.discard()
            totals = run.committed  # what the trail holds: the uncommitted chunk is gone
            recorder.finish_run(RunStatus.FAILED, totals.counters(), error=message)
            result = RunResult.of(recorder.run_id, RunStatus.FAILED, totals, error=message)
        finally:
            plugins.close()
            problems = sinks.close()
        try:
            if attempt is not None:
                finish_attempt(engine, recorder.run_id, attempt, result.status, result.counters())
        finally:
            engine.dispose()
        if problems and result.status is not RunStatus.FAILED:
            message = f"closing a sink failed: {problems[0]}"
            return RunResult.of(result.run_id, RunStatus.FAILED, run.committed, error=message)
        return export_on_completion(self.config, result)  # landscape.export, if set

    def _header(self, plugins: pl.Plugins, top: pl.Topology) -> RunHeader:
        settings = self.config.settings
        return RunHeader(
            settings_json=canonical_json(settings.canonical()).decode("utf-8"),
            settings_hash=stable_hash(settings.canonical()),
            hash_version=HASH_VERSION,
            topology_hash=stable_hash(top.as_data()),
            source_schema_json=canonical_json(plugins.source.row_schema()).decode("utf-8"),
            settings_path=str(self.config.settings_path or ""),
        )


def _sink_writer(plugins: pl.Plugins, ids: dict[pl.NodeKey, int]) -> SinkWriter:
    return SinkWriter(
        {name: SinkNode(name, ids[("sink", name)], p) for name, p in plugins.sinks.items()}
    )


class _Run:
    """The state of one run in progress."""

    @dataclass(frozen=True, slots=True)
    class Start:
        """The node ids and topology of the run, and where its walk starts."""

        ids: dict[pl.NodeKey, int]
        top: pl.Topology
        point: rs.StartPoint

    def __init__(
        self,
        config: PipelineConfig,
        recorder: LandscapeRecorder,
        plugins: pl.Plugins,
        sinks: SinkWriter,
        start: Start,
    ) -> None:
        settings = config.settings
        ids, top, point = start.ids, start.top, start.point
        self.config = config
        self.recorder = recorder
        self.plugins = plugins
        self.sinks = sinks
        self.topology_hash = stable_hash(top.as_data())
        self.config_hashes = json.dumps(pl.config_hashes(top), sort_keys=True)
        self.totals = point.totals
        self.committed = self.totals
        # Where the numbering starts: zero for a new run, the checkpoint's for a resume.
        self.token_ids = Numbering(point.last_token_id)
        self.batch_ids = Numbering(point.last_batch_id)
        self.checkpoints = Numbering(point.sequence)
        self.next_row = point.next_row

        transforms = functools.partial(pl.transform_nodes, ids=ids)

        quarantine = settings.source.on_validation_failure
        self.walker = RowWalker(
            recorder,
            sinks,
            self.token_ids,
            source_node_id=ids[("source", "source")],
            quarantine_sink=None if quarantine == _DISCARD else quarantine,
            transforms=transforms(settings.transforms, plugins.transforms),
            gates=[GateNode(g.name, ids[("gate", g.name)], g) for g in settings.gates],
            after_aggregations=[
                AfterAggregation(transforms(a.transforms, made), a.sink)
                for a, made in zip(
                    settings.aggregations, plugins.aggregation_transforms, strict=True
                )
            ],
            default_sink=settings.default_sink,
        )
        specs = [
            AggregationSpec(
                a.name,
                ids[("aggregation", a.name)],
                a.trigger.count,
                a.trigger.timeout_seconds,
                a.output_mode,
                plugin,
            )
            for a, plugin in zip(settings.aggregations, plugins.aggregations, strict=True)
        ]
        self.aggregations = Aggregations(
            specs, recorder, self.token_ids, self.batch_ids, config.clock, self.walker.release
        )
        self.aggregations.restore(point.buffers)
        self.walker.buffer = self.aggregations.buffer
        self.chunk_size = config.chunk_size or settings.checkpoint.frequency

    def walk(
        self, stop: _StopFlag, on_row: Progress | None
    ) -> tuple[RunStatus, AggregationFlushResult]:
        since_flush = 0
        for item in self.plugins.source.read(self.next_row):
            if stop.signal is not None:
                self.flush_chunk()
                return RunStatus.INTERRUPTED, self.totals
            self.totals = self.totals + self.aggregations.check_timeouts()
            self.totals = self.totals + self.walker.source_item(item)
            self.next_row = item.index + 1
            since_flush += 1
            if since_flush >= self.chunk_size:
                self.flush_chunk()
                since_flush = 0
            if on_row is not None:
                on_row(self.totals)
        if stop.signal is not None:
            self.flush_chunk()
            return RunStatus.INTERRUPTED, self.totals
        self.totals = self.totals + self.aggregations.flush_all()
        self.flush_chunk()
        return RunStatus.COMPLETED, self.totals

    def flush_chunk(self) -> None:
        """Write and flush the sinks, record a checkpoint, commit the chunk's records."""
        sequence = self.checkpoints.next()
        self.sinks.flush(self.recorder, sequence)
        self.recorder.checkpoint(
            sequence,
            self.next_row,
            self.token_ids.last,
            self.batch_ids.last,
            self.topology_hash,
            self.aggregations.checkpoint_state(),
            self.config_hashes,
            self.totals.counters(),
        )
        self.recorder.commit()
        self.committed = self.totals


__all__ = ["Orchestrator", "Progress"]
