"""Helpers shared by the ``auditflow`` commands: exit codes, messages, loading settings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from sqlalchemy import Engine, select

from auditflow.contracts.errors import AuditflowError
from auditflow.core.landscape import LandscapeError, open_landscape
from auditflow.core.landscape import schema as s
from auditflow.engine.orchestrator import PipelineConfig, RouteValidationError

EXIT_COMPLETED = 0
EXIT_COMPLETED_WITH_PROBLEMS = 1
"""The run completed but some rows failed or were quarantined."""
EXIT_FAILED = 2
"""The run failed, or could not run at all (bad settings, unknown run, ...)."""
EXIT_INTERRUPTED = 3
"""SIGINT / SIGTERM stopped the run cleanly."""

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

USER_ERRORS = (AuditflowError, RouteValidationError, LandscapeError)
"""Errors whose message says what to fix; printed without a traceback."""


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print a one-paragraph message on stderr and exit (2 by default)."""
    stderr.print("[red bold]auditflow:[/red bold]", end=" ")
    stderr.print(message, markup=False)
    sys.exit(code)


def prefixed(path: Path, error: BaseException) -> str:
    """``error``'s message, starting with the settings file unless it already names it."""
    text = str(error)
    return (
        text
        if text.startswith(str(path)) or path.name in text.split(":")[0]
        else (f"{path}: {text}")
    )


def load_config(settings: Path, db: str | None) -> PipelineConfig:
    """Load the settings (exit 2 with a message naming file and field when they are bad)."""
    try:
        return PipelineConfig.from_file(settings, db)
    except USER_ERRORS as error:
        fail(prefixed(settings, error))


TRAIL_DB = click.option(
    "--db", "db", metavar="URL", envvar="AUDITFLOW_DB", help="SQLAlchemy URL of the audit trail."
)
"""``--db URL`` of the commands that read a recorded run (``explain``, ``export``)."""

TRAIL_SETTINGS = click.option(
    "--settings",
    "settings",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Find the audit trail from these settings instead.",
)
"""``--settings SETTINGS`` of the same commands: the trail the settings name."""


def landscape_url(db: str | None, settings: Path | None, command: str) -> str:
    """The audit trail's URL from ``--db`` (or ``AUDITFLOW_DB``), else from ``--settings``;
    exit 2 naming both when neither is given."""
    if db is not None:
        return db
    if settings is None:
        fail(
            f"{command} needs the audit trail: give --db URL (or set AUDITFLOW_DB) "
            "or --settings SETTINGS."
        )
    return load_config(settings, None).landscape_url


def latest_run(engine: Engine) -> str | None:
    """The id of the run started last in the audit trail (None: it has no run)."""
    with engine.connect() as connection:
        found = connection.scalars(
            select(s.runs.c.run_id).order_by(s.runs.c.started_at.desc()).limit(1)
        ).first()
    return None if found is None else str(found)


def resolve_run_id(run_id: str, url: str) -> str:
    """``run_id``, or for ``latest`` the run started last at ``url``. ``latest`` stays as
    it is when the trail has no run or cannot be opened: the command that reads the run
    then says so."""
    if run_id != "latest":
        return run_id
    try:
        engine = open_landscape(url, create=False)
    except LandscapeError:
        return run_id
    try:
        return latest_run(engine) or run_id
    finally:
        engine.dispose()
