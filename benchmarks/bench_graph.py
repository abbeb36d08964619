"""How long it takes to draw a package collapsed to depth 1: importgate graph vs pydeps.

Generates a package of PARTS subpackages x MODULES modules (each module imports three
others, deterministically), then times, in the same run, end to end in subprocesses:

* ``importgate graph PKG --format dot`` (grimp graph, contracts, collapse, DOT text),
  with grimp's cache warm and with ``--no-cache``;
* ``pydeps PKG --max-module-depth 2 --show-dot --no-output --noshow --max-bacon 0``, the
  usual tool for the same picture (pydeps' modulefinder graph, clustered by depth);
* ``collapse()`` alone, in process, on the already-built grimp graph.

Run: ``.venv/bin/python benchmarks/bench_graph.py`` (writes the ``graph`` section of
reports/benchmarks.md).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grimp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_section import write_section

from importgate.graph.collapse import collapse

PARTS, MODULES, REPEAT = 20, 25, 3
BIN = Path(sys.executable).parent


def make_package(root: Path) -> str:
    rng = random.Random(7)
    names = [f"bigpkg.p{p}.m{m}" for p in range(PARTS) for m in range(MODULES)]
    (root / "bigpkg").mkdir()
    (root / "bigpkg" / "__init__.py").write_text("")
    for part in range(PARTS):
        (root / "bigpkg" / f"p{part}").mkdir()
        (root / "bigpkg" / f"p{part}" / "__init__.py").write_text("")
    for name in names:
        imports = "".join(f"import {other}\n" for other in rng.sample(names, 3) if other != name)
        path = root.joinpath(*name.split(".")).with_suffix(".py")
        path.write_text(imports + "VALUE = 1\n")
    (root / ".importlinter").write_text(
        "[importlinter]\nroot_package = bigpkg\n\n"
        "[importlinter:contract:i]\nname = parts 0 and 1 independent\ntype = independence\n"
        "modules =\n    bigpkg.p0\n    bigpkg.p1\n"
    )
    return "bigpkg"


def timed(argv: list[str], cwd: Path) -> float:
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
        runs.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "->" in done.stdout, done.stdout[-500:]
    return statistics.median(runs)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        package = make_package(root)
        importgate = [str(BIN / "importgate"), "graph", package, "--format", "dot"]
        timed(importgate, root)  # warm grimp's cache
        rows = [
            ("importgate graph --format dot (grimp cache warm)", timed(importgate, root)),
            ("importgate graph --format dot --no-cache", timed([*importgate, "--no-cache"], root)),
            (
                "pydeps --max-module-depth 2 --show-dot --no-output",
                timed(
                    [
                        str(BIN / "pydeps"),
                        package,
                        "--max-module-depth",
                        "2",
                        "--show-dot",
                        "--no-output",
                        "--noshow",
                        "--no-config",
                        "--max-bacon",
                        "0",
                    ],
                    root,
                ),
            ),
        ]
        sys.path.insert(0, str(root))
        graph = grimp.build_graph(package, cache_dir=None)
        started = time.perf_counter()
        for _ in range(20):
            collapsed = collapse(graph, package, 1)
        collapse_ms = (time.perf_counter() - started) / 20 * 1000
    modules = PARTS * MODULES
    table = [
        "## graph: drawing a package collapsed to depth 1",
        "",
        f"Package of {modules} modules in {PARTS} subpackages, ~3 imports each; median of "
        f"{REPEAT} runs, subprocess wall time. Made by `.venv/bin/python "
        "benchmarks/bench_graph.py`.",
        "",
        "| what | seconds |",
        "| --- | ---: |",
        *(f"| {name} | {seconds:.2f} |" for name, seconds in rows),
        f"| `collapse()` alone, in process ({len(collapsed.edges)} edges) | "
        f"{collapse_ms / 1000:.4f} |",
    ]
    write_section("graph", "\n".join(table))
    print("\n".join(table))


if __name__ == "__main__":
    main()
