#!/usr/bin/env python3
"""Benchmark: ``importgate check`` against ``lint-imports`` on django + sympy.

Both tools run from one throwaway venv (same interpreter, same grimp, same
import-linter) on one ``.importlinter`` that uses only import-linter's built-in contract
types, so both do the same checking work; importgate additionally explains every
violation with file, line and import kind. Runs are interleaved (importgate, lint-imports,
then lint-imports, importgate, ...) so that noise from a shared machine hits both tools
alike; each round swaps which tool goes first.

* cold: grimp's cache directory is deleted before every run;
* warm: the cache is present; one discarded warm-up run of each tool comes first.

Every run must give the same exit code and the same per-contract verdicts from both
tools, or the benchmark stops with an error. The table goes to ``reports/benchmarks.md``
(section ``check-vs-lint-imports``) and to stdout.

Usage::

    python3 benchmarks/check_vs_lint_imports.py [--runs 5] [--workdir benchmarks/.work]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_section import write_section

SECTION = "check-vs-lint-imports"
REPO = Path(__file__).resolve().parent.parent

# Pinned so the numbers can be reproduced. django + sympy: about 2,400 modules.
PINS = {
    "django": "5.2.19",
    "sympy": "1.14.0",
    "grimp": "3.20",
    "import-linter": "2.17",
}

# Only import-linter's built-in types (no importgate `acyclic`), so both tools do the
# same checks. Verdicts on django 5.2.19 / sympy 1.14.0: 3 kept, 5 broken.
CONFIG = """\
[importlinter]
root_packages =
    django
    sympy

# BROKEN: django's top-level packages as a layered design would have them; the real
# code imports across them in every direction.
[importlinter:contract:django-layers]
name = django top-level layers
type = layers
containers =
    django
layers =
    contrib | test
    views | middleware | shortcuts
    forms | template | templatetags
    db
    http | urls
    core
    apps | dispatch
    conf
    utils

# KEPT: the acyclic part of django.utils, in its real dependency order.
[importlinter:contract:django-utils-layers]
name = django.utils layers
type = layers
containers =
    django.utils
layers =
    feedgenerator : timesince
    http
    _os : archive : asyncio : encoding : itercompat : regex_helper : safestring : tree
    datastructures : decorators : deprecation : duration : functional : hashable : termcolors

# KEPT: the acyclic part of sympy.physics, in its real dependency order.
[importlinter:contract:sympy-physics-layers]
name = sympy.physics layers
type = layers
containers =
    sympy.physics
layers =
    optics : paulialgebra : pring : qho_1d
    quantum
    biomechanics : continuum_mechanics : hep : hydrogen : sho : wigner

# KEPT
[importlinter:contract:sympy-no-django]
name = sympy does not import django
type = forbidden
source_modules =
    sympy
forbidden_modules =
    django

# BROKEN
[importlinter:contract:django-db-no-forms]
name = django.db does not import forms or templates
type = forbidden
source_modules =
    django.db
forbidden_modules =
    django.forms
    django.template

# BROKEN (all reach django.contrib.staticfiles)
[importlinter:contract:contrib-independence]
name = leaf contrib apps are independent
type = independence
modules =
    django.contrib.humanize
    django.contrib.messages
    django.contrib.postgres
    django.contrib.sessions
    django.contrib.staticfiles

# BROKEN
[importlinter:contract:django-db-acyclic]
name = django.db siblings are acyclic
type = acyclic_siblings
ancestors =
    django.db

# BROKEN (about 2,100 cycle breakers at every depth of sympy)
[importlinter:contract:sympy-acyclic]
name = sympy siblings are acyclic
type = acyclic_siblings
ancestors =
    sympy
"""

CACHE_DIR = ".import_linter_cache"  # import-linter's default; importgate uses the same


class BenchmarkError(SystemExit):
    """The two tools disagreed, or one could not run: stop with a loud message."""

    def __init__(self, message: str) -> None:
        super().__init__(f"\n*** BENCHMARK ABORTED: {message}\n")


@dataclass
class Tool:
    name: str
    argv: list[str]
    verdicts: Callable[[str], dict[str, bool]]
    times: dict[str, list[float]] = field(default_factory=lambda: {"cold": [], "warm": []})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"cold": [], "warm": []})


def _pip(env_dir: Path, *args: str) -> None:
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", *args], check=True
    )


def ensure_venv(workdir: Path) -> Path:
    """The benchmark venv (created, or reused when its pins are unchanged)."""
    env_dir = workdir / "venv"
    marker = env_dir / "benchmark-pins.json"
    # A changed pyproject.toml may bring new dependencies: then the venv is made anew.
    project_file = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    wanted = json.dumps(
        {"pins": PINS, "repo": str(REPO), "pyproject": project_file}, sort_keys=True
    )
    if marker.exists() and marker.read_text() == wanted:
        _compile_source(env_dir)
        return env_dir
    print(f"Creating {env_dir} and installing {', '.join(PINS)} and {REPO.name} ...")
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    # Editable: the venv always runs the worktree's current importgate source.
    _pip(env_dir, *(f"{name}=={version}" for name, version in PINS.items()), "-e", str(REPO))
    marker.write_text(wanted)
    _compile_source(env_dir)
    return env_dir


def _compile_source(env_dir: Path) -> None:
    """Byte-compile the worktree's source, as pip does for an installed package.

    pip compiled import-linter's and grimp's modules when it installed them; the
    editable importgate runs from the worktree, where nothing may have written its
    ``__pycache__`` (e.g. with ``PYTHONDONTWRITEBYTECODE=1`` set), and then every run
    would compile importgate's ~100 modules anew. Quick when nothing changed.
    """
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "compileall", "-q", str(REPO / "src")],
        check=True,
    )


def importgate_verdicts(stdout: str) -> dict[str, bool]:
    document = json.loads(stdout)
    return {contract["name"]: contract["kept"] for contract in document["contracts"]}


_LINT_LINE = re.compile(r"^(?P<name>.+?) (?P<verdict>KEPT|BROKEN)(?: \(.*\))?(?: \[.*\])?$")


def lint_imports_verdicts(stdout: str) -> dict[str, bool]:
    """Parse the one-line-per-contract summary of ``lint-imports``."""
    verdicts: dict[str, bool] = {}
    in_summary = False
    for line in stdout.splitlines():
        if line.startswith("Analyzed "):
            in_summary = True
            continue
        if in_summary and line.startswith("Contracts: "):
            break
        match = _LINT_LINE.match(line.strip()) if in_summary else None
        if match:
            verdicts[match["name"]] = match["verdict"] == "KEPT"
    return verdicts


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(tool: Tool, project: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run ``tool`` once: wall seconds, CPU seconds (user + system), exit code, stdout."""
    # Output goes to files, not pipes: importgate's JSON is about 2 MB, and through a
    # pipe the child would wait for this process to be scheduled to drain it.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cpu_before = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(
            tool.argv, cwd=project, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        elapsed = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    if done.returncode not in (0, 1):
        raise BenchmarkError(
            f"{tool.name} could not run (exit {done.returncode}):\n{stderr[-3000:]}"
        )
    return elapsed, cpu, done.returncode, stdout


def compare(results: dict[str, tuple[int, dict[str, bool]]], expected: list[str]) -> None:
    (name_a, (code_a, verdicts_a)), (name_b, (code_b, verdicts_b)) = results.items()
    if code_a != code_b:
        raise BenchmarkError(f"exit codes differ: {name_a} {code_a}, {name_b} {code_b}")
    for name, verdicts in ((name_a, verdicts_a), (name_b, verdicts_b)):
        if sorted(verdicts) != sorted(expected):
            raise BenchmarkError(
                f"{name} reported contracts {sorted(verdicts)}, expected {sorted(expected)}"
            )
    differ = {n: (verdicts_a[n], verdicts_b[n]) for n in expected if verdicts_a[n] != verdicts_b[n]}
    if differ:
        raise BenchmarkError(f"verdicts differ ({name_a}, {name_b} kept?): {differ}")


def measure(
    tools: list[Tool], mode: str, runs: int, project: Path, env: dict[str, str]
) -> dict[str, bool]:
    """Interleaved runs of every tool in ``mode`` ('cold' or 'warm'); returns the verdicts."""
    expected = re.findall(r"^name = (.+)$", CONFIG, flags=re.MULTILINE)
    cache = project / CACHE_DIR
    if mode == "warm":
        for tool in tools:  # builds the cache; timings discarded
            run_once(tool, project, env)
    verdicts: dict[str, bool] = {}
    for round_number in range(runs):
        order = tools if round_number % 2 == 0 else tools[::-1]
        results: dict[str, tuple[int, dict[str, bool]]] = {}
        for tool in order:
            if mode == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            elif not cache.is_dir():
                raise BenchmarkError(f"warm run without a cache directory {cache}")
            elapsed, cpu, code, stdout = run_once(tool, project, env)
            tool.times[mode].append(elapsed)
            tool.cpu[mode].append(cpu)
            try:
                results[tool.name] = (code, tool.verdicts(stdout))
            except (ValueError, KeyError) as error:
                raise BenchmarkError(f"cannot parse {tool.name} output: {error}") from error
        compare({tool.name: results[tool.name] for tool in tools}, expected)
        verdicts = results[tools[0].name][1]
        print(
            f"  {mode} round {round_number + 1}/{runs}: "
            + ", ".join(f"{tool.name} {tool.times[mode][-1]:.2f} s" for tool in tools),
            flush=True,
        )
    return verdicts


def _version(python: Path, distribution: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def table(
    tools: list[Tool], python: Path, project: Path, env: dict[str, str], args: argparse.Namespace
) -> str:
    importgate, lint = tools
    document = json.loads(run_once(importgate, project, env)[3])
    verdicts = importgate_verdicts(json.dumps(document))
    versions = {
        "python": subprocess.run(
            [str(python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),
        **{name: _version(python, name) for name in ("grimp", "import-linter", "django", "sympy")},
    }
    command = "python3 benchmarks/check_vs_lint_imports.py" + (
        f" --runs {args.runs}" if args.runs != 5 else ""
    )
    lines = [
        "## `importgate check` vs `lint-imports` (django + sympy)",
        "",
        f"Produced by `{command}` on {datetime.date.today().isoformat()}, "
        f"{os.cpu_count()} cores ({platform.machine()}, {platform.system()}), "
        "a machine shared with other work; runs interleaved, each round swapping which "
        "tool goes first.",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        f"Graph: {document['module_count']} modules, {document['import_count']} imports. "
        f"{len(verdicts)} contracts (layers, forbidden, independence, acyclic_siblings): "
        f"{sum(verdicts.values())} kept, {len(verdicts) - sum(verdicts.values())} broken, "
        f"{sum(len(c['violations']) for c in document['contracts'])} violations explained by "
        "importgate. Same exit code and verdicts from both tools on every run.",
        "",
        f"Commands, in the work folder: `{' '.join(Path(a).name for a in importgate.argv)}` and "
        f"`{' '.join(Path(a).name for a in lint.argv)}`. Wall time in seconds, "
        f"{args.runs} runs each; cold = grimp cache deleted before each run, warm = cache "
        "present (after one discarded warm-up run). Wall time decides; CPU time (user + "
        "system of the process) is shown because it suffers less from the other load.",
        "",
        "| cache | time | importgate min | lint-imports min | ratio min "
        "| importgate median | lint-imports median | ratio median |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdict: list[str] = []
    paired: list[str] = []
    for mode in ("cold", "warm"):
        for measure, a, b in (
            ("wall", importgate.times[mode], lint.times[mode]),
            ("CPU", importgate.cpu[mode], lint.cpu[mode]),
        ):
            ratio = statistics.median(a) / statistics.median(b)
            lines.append(
                f"| {mode} | {measure} | {min(a):.2f} | {min(b):.2f} | {min(a) / min(b):.2f}x "
                f"| {statistics.median(a):.2f} | {statistics.median(b):.2f} | {ratio:.2f}x |"
            )
            if measure == "wall":
                verdict.append(f"{mode} {ratio:.2f}x ({'met' if ratio <= 1.10 else 'NOT met'})")
                # Each round runs both tools back to back, so the ratio within a round
                # shares that moment's load; its median shrugs off load that comes and goes.
                paired.append(
                    f"{mode} {statistics.median(x / y for x, y in zip(a, b, strict=True)):.2f}x"
                )
    lines += [
        "",
        "Target: importgate's median wall time no more than 1.10x lint-imports', cold and "
        f"warm. This run: {', '.join(verdict)}. Median of the per-round wall-time ratios: "
        f"{', '.join(paired)}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool and mode")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO / "benchmarks" / ".work",
        help="venv and work folder (reused between runs; default: benchmarks/.work)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table, do not write the report"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env_dir = ensure_venv(workdir)
    project = workdir / "check-vs-lint-imports"
    project.mkdir(exist_ok=True)
    (project / ".importlinter").write_text(CONFIG, encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "200"  # lint-imports must not wrap its summary lines
    bin_dir = env_dir / "bin"
    tools = [
        Tool(
            "importgate",
            [str(bin_dir / "importgate"), "check", "--config", ".importlinter", "--format", "json"],
            importgate_verdicts,
        ),
        Tool(
            "lint-imports",
            [str(bin_dir / "lint-imports"), ".importlinter"],
            lint_imports_verdicts,
        ),
    ]
    for mode in ("cold", "warm"):
        measure(tools, mode, args.runs, project, env)

    markdown = table(tools, bin_dir / "python", project, env, args)
    print()
    print(markdown)
    if not args.no_write:
        print(f"Written to {write_section(SECTION, markdown)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
