"""``importgate baseline``: record today's violations so that only new ones fail."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from importgate.cli.common import (
    config_options,
    could_not_run,
    debug_option,
    fail,
    progress_spinner,
    stderr,
)
from importgate.model import EXIT_KEPT


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD.") from None


@click.command(short_help="Record today's violations in contracts/baseline.toml.")
@click.option(
    "--reason",
    metavar="TEXT",
    help="Why the new violations are tolerated (required when there are new ones).",
)
@click.option(
    "--expires",
    metavar="YYYY-MM-DD",
    callback=_date,
    help="Last day the new entries are tolerated; after it, check fails on them.",
)
@click.option("--prune", is_flag=True, help="Remove entries whose violation is gone.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default="contracts/baseline.toml",
    show_default=True,
    metavar="FILE",
    help="The baseline file to write.",
)
@config_options(config="Configuration file.", contract="Only this contract id.")
@debug_option
def baseline(
    reason: str | None,
    expires: datetime.date | None,
    prune: bool,
    baseline_file: str,
    config_file: str | None,
    contract_ids: tuple[str, ...],
    debug: bool,
) -> None:
    """Record every current violation in the baseline (contracts/baseline.toml).

    Existing entries keep their reason and expiry date; new ones get --reason and
    --expires. With --prune, entries whose violation is gone are removed (and new
    violations are only recorded when --reason is given).
    """
    from importgate.engine import CheckOptions, run_check
    from importgate.engine.baseline_file import read_baseline, write_baseline
    from importgate.engine.ratchet import record_baseline

    if reason is not None and not reason.strip():
        fail("--reason is empty; say why these violations are tolerated.")
    path = Path(baseline_file)
    with could_not_run(debug):
        existing = read_baseline(path) if path.is_file() else []
        with progress_spinner(stderr.is_terminal) as progress:
            result = run_check(
                CheckOptions(config_file=config_file, contract_ids=contract_ids), progress
            )
        recording = record_baseline(
            result, existing, reason, expires, prune, every_contract=not contract_ids
        )
        if not recording.entries and not path.exists():
            click.echo(f"No violations to record; {path.as_posix()} not written.")
            sys.exit(EXIT_KEPT)
        write_baseline(path, recording.entries)
    click.echo(
        f"Wrote {path.as_posix()}: {len(recording.entries)} entries "
        f"({recording.added} new, {recording.kept} kept, {len(recording.pruned)} pruned)."
    )
    for entry in recording.pruned:
        click.echo(f"  pruned (fixed): {entry.describe()}")
    if recording.stale:
        click.echo(
            f"  {len(recording.stale)} stale entries kept (their violation is gone); "
            "`importgate check` fails on them: run `importgate baseline --prune`."
        )
    if recording.unrecorded:
        click.echo(
            f"  {recording.unrecorded} new violation(s) not recorded: "
            'add --reason "..." to record them.'
        )
    sys.exit(EXIT_KEPT)
