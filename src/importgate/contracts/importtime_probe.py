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
_CPU = "importgate-import-cpu-ms"
WALL = "wall"
CPU = "cpu"


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
    """Wall-clock time of ``import MODULE`` in each run (from ``-X importtime``)."""
    cpu_runs_ms: tuple[float, ...]
    """CPU time of the same statement (``time.process_time``): what the import itself
    costs, without the time spent waiting for a busy machine or sleeping."""
    slowest: tuple[Entry, ...]
    """The modules with the largest self time, from the median run."""

    def runs(self, clock: str) -> tuple[float, ...]:
        return self.cpu_runs_ms if clock == CPU else self.runs_ms

    def median(self, clock: str) -> float:
        return statistics.median(self.runs(clock))

    @property
    def median_ms(self) -> float:
        return self.median(WALL)


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


def _run_once(module: str, timeout: float) -> tuple[list[Entry], float]:
    code = (
        f"import sys, time; print({_MARKER!r}, file=sys.stderr, flush=True); "
        f"_cpu = time.process_time(); import {module}; "
        f"print({_CPU!r}, (time.process_time() - _cpu) * 1000, file=sys.stderr)"
    )
    # Bytecode may be written: the warm-up run in :func:`measure` leaves the cache an
    # installed package would have, so the timed runs do not measure compilation.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONSAFEPATH", "PYTHONDONTWRITEBYTECODE")
    }
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
        cwd = os.getcwd() + os.sep
        lines = [
            line.replace(cwd, "")
            for line in completed.stderr.splitlines()
            if not line.startswith(("import time:", "Traceback (most recent call last)"))
            and line != _MARKER
            and 'File "<string>"' not in line
        ]
        reason = lines[-1] if lines else f"exit code {completed.returncode}"
        raise ProbeFailed(f"import {module} failed: {reason}", tuple(lines[-7:-1]))
    cpu = [line for line in completed.stderr.splitlines() if line.startswith(_CPU)]
    cpu_ms = float(cpu[-1].split()[-1]) if cpu else 0.0
    return parse(completed.stderr), cpu_ms


def measure(module: str, runs: int, timeout: float, top: int = 10) -> Measurement:
    """Import ``module`` ``runs`` times, each in a fresh interpreter.

    One discarded run comes first: it compiles and caches the bytecode (as installing a
    package does), so a fresh checkout and a long-used one measure the same thing.
    """
    _run_once(module, timeout)
    results = [_run_once(module, timeout) for _ in range(runs)]
    totals = [total_ms(entries) for entries, _ in results]
    median_run = sorted(range(runs), key=lambda index: totals[index])[(runs - 1) // 2]
    slowest = sorted(results[median_run][0], key=lambda e: (-e.self_ms, e.module))[:top]
    return Measurement(
        module,
        tuple(round(t, 1) for t in totals),
        tuple(round(cpu, 1) for _, cpu in results),
        tuple(slowest),
    )


def read_baseline(path: Path, clock: str = WALL) -> dict[str, float]:
    """Module -> recorded median ms for ``clock``; an absent file is an empty baseline."""
    if not path.is_file():
        return {}
    key = "median_cpu_ms" if clock == CPU else "median_ms"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        modules = document["modules"]
        return {str(name): float(entry[key]) for name, entry in modules.items() if key in entry}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"Import-time baseline {path} cannot be read ({error!r}); re-create it with "
            "'importgate snapshot --import-time MODULE'."
        ) from error


def write_baseline(path: Path, measurements: list[Measurement]) -> None:
    """Record (or update) the median of each measured module; other entries are kept.

    A file that is not such a document (read_baseline refuses it and says to re-create it
    with this command) is started afresh.
    """
    document: dict[str, object] = {}
    if path.is_file():
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            document = {}
    if not isinstance(document, dict) or not isinstance(document.get("modules"), dict):
        document = {"modules": {}}
    modules = document["modules"]
    assert isinstance(modules, dict)  # for mypy: checked just above
    for measurement in measurements:
        modules[measurement.module] = {
            "median_ms": round(measurement.median_ms, 1),
            "median_cpu_ms": round(measurement.median(CPU), 1),
            "runs": len(measurement.runs_ms),
            "python": sys.version.split()[0],
        }
    document["note"] = (
        "Median wall-clock (median_ms) and CPU (median_cpu_ms) time of 'import MODULE' "
        "in a fresh interpreter, written by "
        "'importgate snapshot --import-time'. Read by the import_time contract (max_ratio)."
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
