"""Benchmark: the pre-commit fast path against a full warm ``importgate check``.

Run from the repository root::

    .venv/bin/python benchmarks/fast_path.py [--runs N]

What it measures, on a throw-away clone of this repository's ``HEAD`` (the working tree
is never touched): one module gets a change that is not an import (a comment), as in a
typical commit, then

* ``importgate check FILE FILE`` (the fast path: pre-commit passes the changed files),
* ``importgate check`` (the full check, grimp's cache warmed by one run first),
* ``lint-imports`` (import-linter's own command on the same configuration, warm cache),
* ``python -c pass``: starting the interpreter, the floor under any Python hook,
* ``python -c "import re"``: the floor under any console script (pip's generated
  ``importgate`` script imports ``re`` before it calls importgate),
* the fast path's one git call alone (``git diff --raw -p -U0 HEAD``): the other floor,

each run ``--runs`` times as a fresh process, median wall time reported. The clone's
``src`` is put first on ``PYTHONPATH`` so the full check reads the clone's code. The
table goes into ``reports/benchmarks.md`` (section ``fast-path``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_section import write_section

from importgate.__main__ import DIFF

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHANGED = ["src/importgate/model/errors.py", "src/importgate/cli/check.py"]


def timed(
    commands: dict[str, list[str]], cwd: Path, env: dict[str, str], runs: int
) -> dict[str, float]:
    """Median ms of each command; rounds interleave the commands, so that a load spike
    on this shared machine hits them all alike rather than one of them."""
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
            samples[label].append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"{argv} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return {label: statistics.median(values) * 1000 for label, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", "--shared", str(REPO), str(clone)], check=True)
        for name in CHANGED:
            with (clone / name).open("a", encoding="utf-8") as handle:
                handle.write("# a change that is not an import\n")
        # Bytecode caching on, as for any installed package: without it every run compiles
        # importgate's own modules again (both commands pay it; the probe and warm-up runs
        # below write the clone's __pycache__).
        unset = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env["PYTHONPATH"] = str(clone / "src")
        importgate = str(BIN / "importgate")
        fast_argv = [importgate, "check", *CHANGED]
        floor = [sys.executable, "-c", "pass"]
        probe = subprocess.run(fast_argv, cwd=clone, env=env, capture_output=True, text=True)
        if "fast path" not in probe.stdout:
            raise SystemExit(f"the fast path was not taken:\n{probe.stdout}{probe.stderr}")
        subprocess.run([importgate, "check"], cwd=clone, env=env, capture_output=True)  # warm
        medians = timed(
            {
                "`importgate check FILE FILE` (fast path)": fast_argv,
                "`importgate check` (full, warm cache)": [importgate, "check"],
                "`lint-imports` (warm cache)": [str(BIN / "lint-imports")],
                "`python -c pass` (interpreter start: the floor)": floor,
                "`python -c 'import re'` (a console script's own start)": [
                    sys.executable,
                    "-c",
                    "import re",
                ],
                "`git diff --raw -p -U0 HEAD` (the fast path's one git call)": ["git", *DIFF],
            },
            clone,
            env,
            runs,
        )
    rows = list(medians.items())
    full = rows[1][1]
    lines = [
        "## Pre-commit fast path",
        "",
        f"Command: `.venv/bin/python benchmarks/fast_path.py --runs {runs}`. A clone of this "
        f"repository's HEAD with a comment appended to {len(CHANGED)} modules (no import "
        f"changed); median of {runs} fresh processes each, the commands interleaved round by "
        "round, bytecode caching on (`PYTHONDONTWRITEBYTECODE` unset, as for an installed "
        "package).",
        "",
        "| command | median ms | vs full check |",
        "| --- | ---: | ---: |",
        *(f"| {label} | {ms:.0f} | {ms / full:.2f}x |" for label, ms in rows),
        "",
        f"Target: the fast path under a fifth of the full check; measured "
        f"{rows[0][1] / full:.2f} ({'met' if rows[0][1] < full / 5 else 'NOT met'}). The fast "
        f"path costs {rows[0][1] - rows[4][1] - rows[5][1]:.0f} ms beyond its two floors "
        "(a console script's start, one git call): reading the arguments and the files, "
        "and parsing each file twice (now and at HEAD). It imports no `ast`, `subprocess` or "
        "`collections.abc` (git is started with `os.posix_spawnp`) and asks git once: the "
        "patch gives HEAD's version of each file back from the file on disk.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("fast-path", markdown)


if __name__ == "__main__":
    main()
