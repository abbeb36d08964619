"""``auditflow resume RUN_ID --settings SETTINGS``: continue a failed, interrupted or
killed run from its last checkpoint (same exit codes as ``run``)."""

from __future__ import annotations

from pathlib import Path

import click

from auditflow.cli.common import (
    USER_ERRORS,
    fail,
    load_config,
    prefixed,
    resolve_run_id,
    stderr,
)
from auditflow.cli.run import DB, _progress, finish
from auditflow.engine.orchestrator import Orchestrator


@click.command()
@click.argument("run_id")
@click.option(
    "--settings",
    "settings",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The settings the run started with (their hashes must match its checkpoint).",
)
@DB
def resume(run_id: str, settings: Path, db: str | None) -> None:
    """Resume RUN_ID (or `latest`) from its last checkpoint: sinks are cut back to the
    checkpoint, aggregation buffers restored, and the source is read on from the next row.

    Only runs that ended failed or interrupted, or whose process was killed, can be
    resumed. Exit 0 / 1 / 2 / 3 as for `run`; 2 also when the run cannot be resumed.
    """
    config = load_config(settings, db)
    orchestrator = Orchestrator(config)
    try:
        run_id = resolve_run_id(run_id, config.landscape_url)
        with _progress(stderr.is_terminal) as on_row:
            result = orchestrator.resume(run_id, on_row)
    except USER_ERRORS as error:
        fail(prefixed(settings, error))
    except Exception as error:  # e.g. the audit database went away: a message, no traceback
        fail(f"{settings}: run {run_id} could not be resumed: {type(error).__name__}: {error}")
    finish(result)
