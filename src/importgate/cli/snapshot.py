"""``importgate snapshot``: record public APIs and import-time baselines in contracts/."""

from __future__ import annotations

import click

from importgate.cli.common import could_not_run, debug_option
from importgate.engine.snapshot import snapshot_import_time, snapshot_public_api


@click.command(short_help="Record a module's public API or import time in contracts/.")
@click.argument("modules", nargs=-1, required=True, metavar="MODULE...")
@click.option(
    "--import-time",
    is_flag=True,
    help="Record the median time of 'import MODULE' (for import_time's max_ratio) "
    "instead of the public names.",
)
@click.option(
    "--output-dir",
    default="contracts/public_api",
    show_default=True,
    metavar="DIR",
    help="Where public-API snapshots are written (one MODULE.json each).",
)
@click.option(
    "--baseline-file",
    default="contracts/import_time.json",
    show_default=True,
    metavar="FILE",
    help="With --import-time: the file the medians are recorded in.",
)
@click.option(
    "--runs",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --import-time: fresh imports to time.",
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="With --import-time: seconds one import may take.",
)
@debug_option
def snapshot(
    modules: tuple[str, ...],
    import_time: bool,
    output_dir: str,
    baseline_file: str,
    runs: int,
    timeout: float,
    debug: bool,
) -> None:
    """Record what MODULE exports (public_api contract) or how long it takes to import
    (import_time contract, with --import-time), in contracts/ for review.
    """
    with could_not_run(debug):
        if import_time:
            recorded = snapshot_import_time(modules, baseline_file, runs, timeout)
        else:
            recorded = snapshot_public_api(modules, output_dir)
    for item in recorded:
        click.echo(f"{item.module}: {item.summary} -> {item.path}")
