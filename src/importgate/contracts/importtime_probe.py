"""Measure how long ``import MODULE`` takes in a fresh interpreter.

Python's own ``-X importtime`` does the measuring: it prints, for every module imported,
its self and cumulative time in microseconds. A marker printed just before the
``import`` separates the interpreter's start-up imports (``site``, ``encodings``) from
the ones the module brings in. Each run is a new process of the same interpreter, in
the working directory (which ``-c`` puts first on the import path), with a timeout.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASELINE_FILE = "contracts/import_time.json"
_MARKER = "importgate-import-time-start"


class ProbeFailed(Exception):
    """The module could not be imported (error or timeout); ``str()`` says why.

    ``output`` holds the last lines the failed import printed (its traceback's end).
    """

    def __init__(self, message: str, output: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.output = output


@dataclass(frozen=True)
class Entry:
    """One line of ``-X importtime``: a module, its self and cumulative time in ms."""

    module: str
    self_ms: float
    cumulative_ms: float
    depth: int


@dataclass(frozen=True)
class Measurement:
    module: str
    runs_ms: tuple[float, ...]
    slowest: tuple[Entry, ...]
    """The modules with the largest self time, from the median run."""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)


def parse(stderr: str) -> list[Entry]:
    """The entries printed after the marker (the import under test), in print order."""
    lines = stderr.splitlines()
    if _MARKER in lines:
        lines = lines[lines.index(_MARKER) + 1 :]
    entries = []
    for line in lines:
        if not line.startswith("import time:") or "[us]" in line:
            continue
        try:
            self_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
            depth = (len(name) - len(name.lstrip(" "))) // 2
            entries.append(
                Entry(name.strip(), int(self_us) / 1000, int(cumulative_us) / 1000, depth)
            )
        except ValueError:
            continue
    return entries


def total_ms(entries: list[Entry]) -> float:
    """The cost of the ``import`` statement: the sum of the outermost entries.

    For ``import a.b`` this is ``a``'s cumulative time plus ``a.b``'s, when the parent
    package was not imported yet.
    """
    if not entries:
        return 0.0
    outer = min(entry.depth for entry in entries)
    return sum(entry.cumulative_ms for entry in entries if entry.depth == outer)


def _run_once(module: str, timeout: float) -> list[Entry]:
    code = f"import sys; print({_MARKER!r}, file=sys.stderr, flush=True); import {module}"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONSAFEPATH"}
    try:
        completed = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=os.getcwd(),
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise ProbeFailed(f"import {module} did not finish within {timeout:g} s") from None
    except OSError as error:
        raise ProbeFailed(f"could not start {sys.executable}: {error}") from None
    if completed.returncode != 0:
        lines = [
            line
            for line in completed.stderr.splitlines()
            if not line.startswith("import time:") and line != _MARKER
        ]
        reason = lines[-1] if lines else f"exit code {completed.returncode}"
        raise ProbeFailed(f"import {module} failed: {reason}", tuple(lines[-7:-1]))
    return parse(completed.stderr)


def measure(module: str, runs: int, timeout: float, top: int = 10) -> Measurement:
    """Import ``module`` ``runs`` times, each in a fresh interpreter."""
    results = [_run_once(module, timeout) for _ in range(runs)]
    totals = [total_ms(entries) for entries in results]
    median_run = sorted(range(runs), key=lambda index: totals[index])[(runs - 1) // 2]
    slowest = sorted(results[median_run], key=lambda e: (-e.self_ms, e.module))[:top]
    return Measurement(module, tuple(round(t, 1) for t in totals), tuple(slowest))


def read_baseline(path: Path) -> dict[str, float]:
    """Module -> recorded median ms; an absent file is an empty baseline."""
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        modules = document["modules"]
        return {str(name): float(entry["median_ms"]) for name, entry in modules.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"Import-time baseline {path} cannot be read ({error!r}); re-create it with "
            "'importgate snapshot --import-time MODULE'."
        ) from error


def write_baseline(path: Path, measurements: list[Measurement]) -> None:
    """Record (or update) the median of each measured module; other entries are kept."""
    document: dict[str, object] = {"modules": {}}
    if path.is_file():
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            document = {"modules": {}}
    modules = document.setdefault("modules", {})
    assert isinstance(modules, dict)
    for measurement in measurements:
        modules[measurement.module] = {
            "median_ms": round(measurement.median_ms, 1),
            "runs": len(measurement.runs_ms),
            "python": sys.version.split()[0],
        }
    document["note"] = (
        "Median time of 'import MODULE' in a fresh interpreter, written by "
        "'importgate snapshot --import-time'. Read by the import_time contract (max_ratio)."
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
