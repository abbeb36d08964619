"""``importgate check``: check the contracts and write the reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from importgate.cli.common import fail, progress_spinner, stderr
from importgate.engine import CheckOptions, run_check
from importgate.model import EXIT_BROKEN, EXIT_KEPT, CheckResult, CouldNotRun
from importgate.report import FORMATS, render
from importgate.report import text as text_report


@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    help="Configuration file (default: .importlinter, setup.cfg or pyproject.toml, "
    "found as lint-imports finds it).",
)
@click.option(
    "--contract",
    "contract_ids",
    multiple=True,
    metavar="ID",
    help="Check only this contract id. Repeatable.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build the graph without grimp's cache (and classify imports afresh).",
)
@click.option(
    "--cache-dir",
    metavar="DIR",
    help="grimp's cache directory, where importgate also keeps each import line's kind "
    "(default: .import_linter_cache).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(sorted(FORMATS)),
    help="Report format. Repeatable; default: text.",
)
@click.option(
    "--output",
    "output_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the (single) non-text format to FILE instead of stdout.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write every requested format to DIR (text is also printed).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short messages.")
def check(
    files: tuple[str, ...],
    config_file: str | None,
    contract_ids: tuple[str, ...],
    no_cache: bool,
    cache_dir: str | None,
    formats: tuple[str, ...],
    output_file: str | None,
    output_dir: str | None,
    debug: bool,
) -> None:
    """Check the import contracts; exit 0 if all are kept, 1 if any is broken.

    FILES (optional, as passed by pre-commit) are accepted; the whole graph is checked.
    """
    chosen = list(dict.fromkeys(formats or ("text",)))
    machine = [name for name in chosen if name != "text"]
    if output_file and (output_dir or len(machine) != 1):
        fail("--output takes exactly one non-text --format; use --output-dir for several.")
    if not output_dir and not output_file and len(machine) > 1:
        fail("Several formats need --output-dir DIR (one file per format).")
    if not output_dir and not output_file and machine and "text" in chosen:
        fail(
            f"--format text and --format {machine[0]} would both go to stdout; "
            "add --output FILE or --output-dir DIR."
        )

    options = CheckOptions(
        config_file=config_file, contract_ids=contract_ids, cache_dir=cache_dir, no_cache=no_cache
    )
    try:
        with progress_spinner(stderr.is_terminal) as progress:
            result = run_check(options, progress=progress)
    except CouldNotRun as error:
        if debug:
            raise
        fail(str(error))
    except Exception as error:  # an importgate bug: still one paragraph, not a traceback
        if debug:
            raise
        fail(
            f"unexpected error: {type(error).__name__}: {error}. "
            "Run again with --debug and report it."
        )
    _write_reports(result, chosen, output_file, output_dir)
    sys.exit(EXIT_KEPT if result.passed else EXIT_BROKEN)


def _write_reports(
    result: CheckResult, chosen: list[str], output_file: str | None, output_dir: str | None
) -> None:
    if "text" in chosen:
        text_report.write(result, Console(highlight=False))
    for name in chosen:
        if name == "text" and not output_dir:
            continue
        content = render(result, name)
        if output_dir:
            target = Path(output_dir) / FORMATS[name].filename
        elif output_file:
            target = Path(output_file)
        else:
            click.echo(content, nl=False)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        except OSError as error:
            fail(f"Cannot write {target}: {error.strerror or error}.")
