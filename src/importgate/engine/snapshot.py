"""``importgate snapshot``: record what the ``public_api`` and ``import_time`` contracts
compare against, in ``contracts/``.

The contract modules are imported inside the functions: griffe alone costs ~70 ms to
import, which ``importgate check`` should not pay when no ``public_api`` contract runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from importgate.model import CouldNotRun


@dataclass(frozen=True)
class Recorded:
    """One module recorded: where, and a one-line summary."""

    module: str
    path: str
    summary: str


def _cwd_on_path() -> None:
    cwd = os.getcwd()
    if sys.path[:1] != [cwd]:
        sys.path.insert(0, cwd)


def _write_error(target: Path | str, error: OSError) -> CouldNotRun:
    return CouldNotRun(
        f"Cannot write {target}: {error.strerror or error}.",
        hint="Run importgate from the repository root, or pass another directory.",
    )


def snapshot_public_api(modules: Sequence[str], directory: str) -> list[Recorded]:
    """Write ``<directory>/<module>.json`` with each module's exported names."""
    from importgate.contracts import api_surface

    _cwd_on_path()
    recorded = []
    try:
        surfaces = api_surface.load_surfaces(modules)
    except ValueError as error:
        raise CouldNotRun(
            str(error),
            hint="Fix that file: snapshot reads it statically, so it must be UTF-8 Python "
            "that parses."
            if "cannot be parsed" in str(error)
            else "Pass a module importable from the working directory.",
        ) from error
    for module, surface in surfaces.items():
        try:
            path = api_surface.write_snapshot(surface, directory)
        except OSError as error:
            raise _write_error(api_surface.snapshot_path(directory, module), error) from error
        source = "__all__" if surface.exports is not None else "public names, no __all__"
        broken = [n for n in surface.public if not surface.resolve(n).importable]
        summary = f"{len(surface.public)} names ({source})"
        if broken:
            summary += f"; not importable today: {', '.join(broken)}"
        recorded.append(Recorded(module, path.as_posix(), summary))
    return recorded


def snapshot_import_time(
    modules: Sequence[str], baseline_file: str, runs: int, timeout: float
) -> list[Recorded]:
    """Measure each module and record its median import time in ``baseline_file``."""
    from importgate.contracts import importtime_probe as probe

    measurements = []
    for module in modules:
        try:
            measurements.append(probe.measure(module, runs, timeout))
        except probe.ProbeFailed as error:
            raise CouldNotRun(
                f"Cannot record the import time of {module}: {error}.",
                hint="Fix the import (or the module name) first; nothing was written.",
            ) from error
    path = Path(baseline_file)
    try:
        probe.write_baseline(path, measurements)
    except OSError as error:
        raise _write_error(path, error) from error
    return [
        Recorded(
            m.module,
            path.as_posix(),
            f"median {m.median_ms:.1f} ms wall, {m.median(probe.CPU):.1f} ms CPU, "
            f"of {len(m.runs_ms)} runs ({', '.join(f'{r:g}' for r in m.runs_ms)} ms wall)",
        )
        for m in measurements
    ]
