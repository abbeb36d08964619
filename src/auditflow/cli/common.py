"""Helpers shared by the ``auditflow`` commands: exit codes, messages, loading settings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from auditflow.contracts.errors import AuditflowError
from auditflow.core.landscape import LandscapeError
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
