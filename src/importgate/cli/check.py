"""``importgate check``: check the contracts and write the reports."""

from __future__ import annotations

import dataclasses
import datetime
import sys
from pathlib import Path

import click
from rich.console import Console

from importgate.cli.common import (
    ProgressCallback,
    config_options,
    could_not_run,
    debug_option,
    fail,
    progress_spinner,
    stderr,
    write_output,
)
from importgate.engine import CheckOptions, run_check
from importgate.engine.check import check_graph
from importgate.model import EXIT_BROKEN, EXIT_KEPT, BaselineEntry, CheckResult, CouldNotRun
from importgate.report import FORMATS, render
from importgate.report import text as text_report


@click.command(short_help="Check the import contracts (exit 0 kept, 1 broken).")
@click.argument("files", nargs=-1, type=click.Path())
@config_options(
    config="Configuration file (default: .importlinter, setup.cfg or pyproject.toml, "
    "found as lint-imports finds it).",
    contract="Check only this contract id. Repeatable.",
    no_cache="Build the graph without grimp's cache (and classify imports afresh).",
    cache_dir="grimp's cache directory, where importgate also keeps each import line's kind "
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
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Known violations to tolerate (default: contracts/baseline.toml when it exists).",
)
@click.option(
    "--no-fast-path",
    is_flag=True,
    help="With FILES: run the full check even when no import statement changed "
    "(the fast path is decided in importgate.__main__, before this command line loads).",
)
@debug_option
def check(
    files: tuple[str, ...],
    config_file: str | None,
    contract_ids: tuple[str, ...],
    no_cache: bool,
    cache_dir: str | None,
    formats: tuple[str, ...],
    output_file: str | None,
    output_dir: str | None,
    baseline_file: str | None,
    no_fast_path: bool,
    debug: bool,
) -> None:
    """Check the import contracts; exit 0 if all are kept, 1 if any is broken.

    FILES (optional, as passed by pre-commit): when none of their import statements
    changed since HEAD and the configuration did not change either, exit 0 at once
    without building the graph (the fast path). Otherwise the whole graph is checked.
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
        config_file=config_file,
        contract_ids=contract_ids,
        cache_dir=cache_dir,
        no_cache=no_cache,
    )
    with could_not_run(debug):
        baseline = _read_baseline(baseline_file)
        with progress_spinner(stderr.is_terminal) as progress:
            result = _check(options, progress, "markdown" in chosen, baseline)
    _write_reports(result, chosen, output_file, output_dir)
    sys.exit(EXIT_KEPT if result.passed else EXIT_BROKEN)


Baseline = tuple[Path, list[BaselineEntry]]


def _apply(result: CheckResult, baseline: Baseline | None, options: CheckOptions) -> CheckResult:
    if baseline is None:
        return result
    from importgate.engine.ratchet import apply_baseline

    path, entries = baseline
    return apply_baseline(
        result,
        entries,
        path.as_posix(),
        datetime.date.today(),
        every_contract=not options.contract_ids,
    )


def _check(
    options: CheckOptions, progress: ProgressCallback, diagrams: bool, baseline: Baseline | None
) -> CheckResult:
    """Run the check and apply the baseline; with ``diagrams``, also draw each root package
    for the reports (imports that only baselined violations use are not drawn red).

    A package that cannot be drawn is left out of the pictures; it never fails the check.
    """
    if not diagrams:
        return _apply(run_check(options, progress=progress), baseline, options)
    # Only the Markdown report draws: its modules are loaded for it alone.
    from importgate.engine.architecture import architecture
    from importgate.report import markdown

    checked = check_graph(options, progress)
    result = _apply(checked.result, baseline, options)
    pictures = []
    for root in result.root_packages:
        try:
            drawn = architecture(
                checked.graph, root, markdown.DIAGRAM_DEPTH, result, checked.contracts
            )
        except CouldNotRun:
            continue
        pictures.append(drawn.diagram)
    return dataclasses.replace(result, diagrams=tuple(pictures))


def _read_baseline(option: str | None) -> Baseline | None:
    """The baseline to apply: ``--baseline FILE`` (must exist), else the default if present."""
    from importgate.engine.baseline_file import DEFAULT_PATH, read_baseline

    if option is None and not DEFAULT_PATH.is_file():
        return None
    path = Path(option) if option else DEFAULT_PATH
    if not path.is_file():
        raise CouldNotRun(
            f"Baseline file {path} (--baseline) does not exist.",
            hint='Record one with `importgate baseline --reason "..."`, or drop --baseline.',
        )
    return path, read_baseline(path)


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
        write_output(target, content)
