"""``importgate diff``: what a change does to the architecture, base against head."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from importgate.cli.common import (
    config_options,
    could_not_run,
    debug_option,
    progress_spinner,
    stderr,
    write_output,
)
from importgate.engine.diff import DiffOptions, run_diff
from importgate.model import EXIT_BROKEN, EXIT_KEPT
from importgate.model.diff import DiffResult
from importgate.report import diff_json, diff_markdown, diff_text

RENDERERS: dict[str, Callable[[DiffResult], str]] = {
    "text": diff_text.render,
    "markdown": diff_markdown.render,
    "json": diff_json.render,
}


@click.command(short_help="What a change does to the architecture: --base vs --head.")
@click.option(
    "--base", required=True, metavar="REV", help="The revision to compare against (e.g. main)."
)
@click.option(
    "--head",
    metavar="REV",
    help="The revision to compare (default: the working tree, uncommitted changes included).",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Compare dependencies between modules this many levels below each root package.",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "output_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the report to FILE instead of stdout.",
)
@config_options(
    config="Configuration file, read on each side from that side's tree "
    "(default: found as lint-imports finds it).",
    contract="Compare only this contract id. Repeatable.",
    no_cache="Use no grimp cache, even with --cache-dir (the default).",
    cache_dir="Use grimp's cache in DIR for the working-tree side (default: no cache, so "
    "nothing is written to the working tree).",
)
@debug_option
def diff(
    base: str,
    head: str | None,
    depth: int,
    format_name: str,
    output_file: str | None,
    config_file: str | None,
    contract_ids: tuple[str, ...],
    no_cache: bool,
    cache_dir: str | None,
    debug: bool,
) -> None:
    """Compare the architecture of --base with --head (or the working tree).

    Reports dependencies added and removed, contracts newly broken and newly kept,
    violations and cycles new and fixed. Exit 1 when the head breaks a contract the base
    kept or adds a violation, 0 otherwise, 2 when the diff cannot run. The base (and
    --head) are checked out into temporary git worktrees; your working tree, index and
    branches are never touched.
    """
    options = DiffOptions(
        base=base,
        head=head,
        depth=depth,
        config_file=config_file,
        contract_ids=contract_ids,
        cache_dir=cache_dir,
        no_cache=no_cache,
        debug=debug,
    )
    interrupted = "interrupted before the diff finished; its temporary worktrees were removed."
    with (
        could_not_run(debug, interrupted=interrupted),
        progress_spinner(stderr.is_terminal) as progress,
    ):
        result = run_diff(options, progress=progress)
    if format_name == "text" and not output_file and sys.stdout.isatty():
        Console(highlight=False).print(diff_text.styled(result), end="", soft_wrap=True)
        sys.exit(EXIT_BROKEN if result.worsened else EXIT_KEPT)
    content = RENDERERS[format_name](result)
    if output_file:
        write_output(Path(output_file), content)
    else:
        click.echo(content, nl=False)
    sys.exit(EXIT_BROKEN if result.worsened else EXIT_KEPT)
