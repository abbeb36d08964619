"""Export of a run's audit trail, signing, and schema reconstruction for resume.

Imports only :mod:`.types` among its orchestrator siblings; the bigger pieces live in
``auditflow.engine.export_*`` modules (records and their order, writers, signing,
verification, schema reconstruction) and are re-exported here.

An export that fails part-way (unwritable path, full disk, database error) keeps the
audit trail untouched, leaves what it wrote (without a manifest, so it never verifies),
marks a completed run ``partially_exported`` and raises :class:`ExportFailed`. A later
successful export of that run sets it back to ``completed``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from auditflow.contracts.errors import AuditflowError
from auditflow.core.landscape import LandscapeError, open_landscape
from auditflow.core.settings import PipelineSettings
from auditflow.engine.export_records import RECORD_TYPES, run_status, set_run_status
from auditflow.engine.export_schema import SchemaReconstructionError, row_model_from_schema
from auditflow.engine.export_sign import SIGNING_KEY_VARIABLE, SigningKeyError, signing_key
from auditflow.engine.export_verify import (
    ExportTampered,
    ExportUnreadable,
    VerifyReport,
    verify_export,
)
from auditflow.engine.export_write import ExportFormat, ExportSummary, export_run
from auditflow.engine.orchestrator.types import PipelineConfig, RunResult, RunStatus

__all__ = [
    "RECORD_TYPES",
    "SIGNING_KEY_VARIABLE",
    "ExportFailed",
    "ExportFormat",
    "ExportSummary",
    "ExportTampered",
    "ExportUnreadable",
    "SchemaReconstructionError",
    "SigningKeyError",
    "UnknownRun",
    "VerifyReport",
    "export_on_completion",
    "export_recorded_run",
    "require_signing_key",
    "row_model_from_schema",
    "verify_export",
]

_EXPORT_FAILED = "export failed: "


class ExportFailed(AuditflowError):
    """The export stopped part-way; the run is marked ``partially_exported``."""


class UnknownRun(AuditflowError):
    """The landscape has no run with that id."""


def require_signing_key(settings: PipelineSettings) -> None:
    """Before a run: with ``landscape.export.sign`` the key must be set, or the run does
    not start (raises :class:`SigningKeyError` naming the variable)."""
    export = settings.landscape.export
    if export is not None and export.sign:
        signing_key("landscape.export.sign is true: the run")


def export_recorded_run(
    landscape_url: str, run_id: str, fmt: ExportFormat, path: Path, *, sign: bool
) -> ExportSummary:
    """Export ``run_id`` from the landscape at ``landscape_url`` to ``path``.

    Raises :class:`SigningKeyError` (``sign`` without a key), ``LandscapeError`` or
    :class:`UnknownRun` before writing anything, :class:`ExportFailed` when writing fails.
    """
    key = signing_key("--sign") if sign else None
    engine = open_landscape(landscape_url, create=False)
    try:
        status = run_status(engine, run_id)
        if status is None:
            raise UnknownRun(f"there is no run {run_id!r} in the audit trail {landscape_url}")
        try:
            summary = export_run(engine, run_id, fmt, path, key)
        except (OSError, SQLAlchemyError, ValueError, TypeError) as error:
            message = f"{_EXPORT_FAILED}{path}: {type(error).__name__}: {error}"
            if status in (RunStatus.COMPLETED, RunStatus.PARTIALLY_EXPORTED):
                set_run_status(engine, run_id, RunStatus.PARTIALLY_EXPORTED, message)
            raise ExportFailed(
                f"run {run_id}: {message} (what was written has no manifest and will not"
                " verify; the audit trail is kept: fix the problem and export again)"
            ) from error
        if status == RunStatus.PARTIALLY_EXPORTED:
            set_run_status(engine, run_id, RunStatus.COMPLETED, None)
        return summary
    finally:
        engine.dispose()


def export_on_completion(config: PipelineConfig, result: RunResult) -> RunResult:
    """Run ``landscape.export`` after a completed run; a failed export returns the
    result as ``partially_exported`` with the reason in ``error``."""
    export = config.settings.landscape.export
    if export is None or result.status is not RunStatus.COMPLETED:
        return result
    path = config.base_dir / export.path.replace("{run_id}", result.run_id)
    try:
        export_recorded_run(
            config.landscape_url, result.run_id, export.format, path, sign=export.sign
        )
    except (ExportFailed, SigningKeyError, LandscapeError) as error:
        message = str(error)
        if not isinstance(error, ExportFailed):  # nothing written: mark the run here
            message = f"{_EXPORT_FAILED}{message}"
            _mark(config.landscape_url, result.run_id, message)
        return dataclasses.replace(result, status=RunStatus.PARTIALLY_EXPORTED, error=message)
    return result


def _mark(url: str, run_id: str, message: str) -> None:
    try:
        engine = open_landscape(url, create=False)
    except LandscapeError:
        return  # the landscape itself is gone: the returned result still says so
    try:
        set_run_status(engine, run_id, RunStatus.PARTIALLY_EXPORTED, message)
    finally:
        engine.dispose()
