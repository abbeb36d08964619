"""Helpers shared by the commands: the stderr console, failing with exit 2, progress,
the options several commands declare alike, and writing a report file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from rich.console import Console

from importgate.model import EXIT_COULD_NOT_RUN, CouldNotRun

stderr = Console(stderr=True, highlight=False)

ProgressCallback = Callable[[str, int, int], None]

F = TypeVar("F", bound=Callable[..., object])

debug_option = click.option(
    "--debug", is_flag=True, help="Show tracebacks instead of short messages."
)
"""``--debug``, the same on every command."""


def config_options(
    *, config: str, contract: str, no_cache: str | None = None, cache_dir: str | None = None
) -> Callable[[F], F]:
    """``--config FILE``, ``--contract ID`` (repeatable) and, when their help is given,
    ``--no-cache`` and ``--cache-dir DIR``: the import-linter options, each command
    saying in its own words what they mean for it."""
    options = [
        click.option("--config", "config_file", metavar="FILE", help=config),
        click.option("--contract", "contract_ids", multiple=True, metavar="ID", help=contract),
    ]
    if no_cache is not None:
        options.append(click.option("--no-cache", is_flag=True, help=no_cache))
    if cache_dir is not None:
        options.append(click.option("--cache-dir", metavar="DIR", help=cache_dir))

    def decorate(command: F) -> F:
        for option in reversed(options):  # the first listed is the first in --help
            command = option(command)
        return command

    return decorate


def fail(message: str) -> NoReturn:
    """Print a one-paragraph 'could not run' message and exit with code 2."""
    stderr.print("[red bold]importgate: could not run.[/red bold]", end=" ")
    stderr.print(message, markup=False, soft_wrap=True)
    sys.exit(EXIT_COULD_NOT_RUN)


@contextmanager
def progress_spinner(enabled: bool) -> Iterator[ProgressCallback]:
    """A spinner on stderr while long work runs; a no-op when stderr is not a terminal."""
    if not enabled:
        yield lambda stage, done, total: None
        return
    with stderr.status("Starting...") as status:

        def update(stage: str, done: int, total: int) -> None:
            suffix = f" ({done}/{total})" if total > 1 else ""
            status.update(f"{stage}{suffix}...")

        yield update


@contextmanager
def could_not_run(debug: bool, interrupted: str | None = None) -> Iterator[None]:
    """Turn what the work inside raises into exit 2 with one paragraph (``--debug``: the
    traceback). With ``interrupted``, Ctrl-C also exits 2 with that message."""
    try:
        yield
    except CouldNotRun as error:
        if debug:
            raise
        fail(str(error))
    except KeyboardInterrupt:
        if interrupted is None:
            raise
        fail(interrupted)
    except Exception as error:  # an importgate bug: still one paragraph, not a traceback
        if debug:
            raise
        fail(
            f"unexpected error: {type(error).__name__}: {error}. "
            "Run again with --debug and report it."
        )


def write_output(target: Path, content: str) -> None:
    """Write a report or picture to ``target`` (making its directory); exit 2 if it cannot."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    except OSError as error:
        fail(f"Cannot write {target}: {error.strerror or error}.")
