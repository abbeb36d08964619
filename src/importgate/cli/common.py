"""Helpers shared by the commands: the stderr console, failing with exit 2, progress."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from rich.console import Console

from importgate.model import EXIT_COULD_NOT_RUN

stderr = Console(stderr=True, highlight=False)

ProgressCallback = Callable[[str, int, int], None]


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
