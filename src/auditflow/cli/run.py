"""``auditflow run SETTINGS`` and ``auditflow validate SETTINGS``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from auditflow.cli.common import (
    EXIT_COMPLETED,
    EXIT_COMPLETED_WITH_PROBLEMS,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    USER_ERRORS,
    fail,
    load_config,
    prefixed,
    stderr,
    stdout,
)
from auditflow.engine.orchestrator import AggregationFlushResult, Orchestrator, RunResult
from auditflow.engine.orchestrator.export import require_signing_key
from auditflow.engine.orchestrator.types import COUNTERS, RunStatus
from auditflow.engine.orchestrator.validation import validate_routes
from auditflow.engine.pipeline import create_plugins

SETTINGS = click.argument("settings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
DB = click.option(
    "--db",
    "db",
    metavar="URL",
    envvar="AUDITFLOW_DB",
    help="SQLAlchemy URL of the audit trail (default: the settings' landscape.url, "
    "else <settings stem>.audit.db next to the settings file).",
)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[AggregationFlushResult], None] | None]:
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not enabled:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("rows {task.completed}"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(totals: AggregationFlushResult) -> None:
            if totals.rows_processed % 100 == 0:
                bar.update(
                    task,
                    completed=totals.rows_processed,
                    description=f"failed {totals.rows_failed} "
                    f"quarantined {totals.rows_quarantined}",
                )

        yield update


def exit_code(result: RunResult) -> int:
    if result.status is RunStatus.INTERRUPTED:
        return EXIT_INTERRUPTED
    if result.status is RunStatus.PARTIALLY_EXPORTED:
        return EXIT_COMPLETED_WITH_PROBLEMS  # the run completed; its landscape.export failed
    if result.status is not RunStatus.COMPLETED:
        return EXIT_FAILED
    if result.rows_failed or result.rows_quarantined:
        return EXIT_COMPLETED_WITH_PROBLEMS
    return EXIT_COMPLETED


def print_result(result: RunResult) -> None:
    stdout.print(f"run {result.run_id} {result.status.value}")
    width = max(len(name) for name in COUNTERS)
    for name in COUNTERS:
        stdout.print(f"  {name:<{width}}  {getattr(result, name)}")
    for sink, count in sorted(result.routed_destinations.items()):
        stdout.print(f"  routed to {sink}: {count}")
    if result.error:
        stdout.print(f"  error: {result.error}")


@click.command()
@SETTINGS
@DB
def run(settings: Path, db: str | None) -> None:
    """Run the pipeline in SETTINGS and print the run id and counters.

    Exit 0 completed, 1 completed with failed or quarantined rows (or its landscape.export
    failed), 2 failed or could not run, 3 interrupted by SIGINT / SIGTERM (after a clean stop).
    """
    config = load_config(settings, db)
    orchestrator = Orchestrator(config)
    try:
        with _progress(stderr.is_terminal) as on_row:
            result = orchestrator.run(on_row)
    except USER_ERRORS as error:
        fail(prefixed(settings, error))
    except Exception as error:  # e.g. the audit database went away: a message, no traceback
        fail(f"{settings}: the run could not be recorded: {type(error).__name__}: {error}")
    finish(result)


def finish(result: RunResult) -> NoReturn:
    """Print the result (and on stderr why it failed or was partially exported), then exit
    with its code: what ``run`` and ``resume`` end with."""
    print_result(result)
    if result.status is RunStatus.FAILED:
        stderr.print(f"auditflow: run {result.run_id} failed: {result.error}", markup=False)
    elif result.status is RunStatus.PARTIALLY_EXPORTED:
        stderr.print(f"auditflow: run {result.run_id}: {result.error}", markup=False)
    raise SystemExit(exit_code(result))


@click.command()
@SETTINGS
def validate(settings: Path) -> None:
    """Check SETTINGS without reading a row: fields, expressions, routes, plugin options."""
    config = load_config(settings, None)
    try:
        validate_routes(config.settings)
        require_signing_key(config.settings)
        plugins = create_plugins(config.settings, config.base_dir)
    except USER_ERRORS as error:
        fail(prefixed(settings, error))
    plugins.close_all()
    s = config.settings
    stdout.print(
        f"{settings}: valid ({len(s.transforms)} transforms, {len(s.gates)} gates, "
        f"{len(s.aggregations)} aggregations, {len(s.sinks)} sinks)"
    )
