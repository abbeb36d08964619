"""``auditflow export RUN_ID`` and ``auditflow verify PATH``.

export: 0 written, 1 the export failed part-way (the run is marked ``partially_exported``,
its audit trail kept), 2 could not start (no trail, unknown run, ``--sign`` without key).
verify: 0 intact, 1 the first bad record named (changed, removed, added, reordered, wrong
key), 2 the path cannot be read or ``AUDITFLOW_SIGNING_KEY`` is not set.
"""

from __future__ import annotations

from pathlib import Path

import click

from auditflow.cli.common import (
    TRAIL_DB,
    TRAIL_SETTINGS,
    USER_ERRORS,
    fail,
    landscape_url,
    resolve_run_id,
    stdout,
)
from auditflow.engine.export_sign import signing_key
from auditflow.engine.orchestrator.export import (
    SIGNING_KEY_VARIABLE,
    ExportFailed,
    ExportFormat,
    ExportTampered,
    ExportUnreadable,
    SigningKeyError,
    export_recorded_run,
    verify_export,
)

EXIT_TAMPERED = 1
EXIT_EXPORT_FAILED = 1


@click.command()
@click.argument("run_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: one JSON Lines file; csv: a folder with one file per record type.",
)
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="The file (json) or folder (csv) to write.",
)
@click.option("--sign", is_flag=True, help=f"Sign every record (key: ${SIGNING_KEY_VARIABLE}).")
@TRAIL_DB
@TRAIL_SETTINGS
def export(
    run_id: str, fmt: str, output: Path, sign: bool, db: str | None, settings: Path | None
) -> None:
    """Write every audit record of RUN_ID (or `latest`) to OUTPUT, in the documented
    record order; with --sign each record is HMAC-signed and a manifest closes the export."""
    url = landscape_url(db, settings, "export")
    run_id = resolve_run_id(run_id, url)
    try:
        kind: ExportFormat = "csv" if fmt == "csv" else "json"
        summary = export_recorded_run(url, run_id, kind, output, sign=sign)
    except ExportFailed as error:
        fail(str(error), EXIT_EXPORT_FAILED)
    except USER_ERRORS as error:
        fail(str(error))
    signed = f", signed, final hash {summary.final_hash}" if summary.signed else ""
    stdout.print(f"exported run {run_id}: {summary.records} records to {output}{signed}")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
def verify(path: Path) -> None:
    """Check a signed export (JSON file or CSV folder) with the key in
    $AUDITFLOW_SIGNING_KEY. Exit 0 intact, 1 names the first bad record, 2 unreadable."""
    if not path.exists():  # before the key: a wrong path is the first thing to fix
        fail(f"{path}: no such export file or folder")
    try:
        report = verify_export(path, _key())
    except ExportTampered as error:
        fail(f"{path}: NOT intact: {error}", EXIT_TAMPERED)
    except ExportUnreadable as error:
        fail(str(error))
    stdout.print(
        f"{path}: intact: run {report.run_id}, {report.records} records, "
        f"final hash {report.final_hash}"
    )


def _key() -> bytes:
    try:
        return signing_key("verify")
    except SigningKeyError as error:
        fail(str(error))


__all__ = ["export", "verify"]
