"""SVG layout time: the system's Graphviz ``dot`` vs graphviz-pure, on the same DOT.

importgate lays out ``--format svg`` / ``html`` with a system ``dot`` when there is one,
else with the graphviz-pure binary it depends on. This times both, in the same run, on
the DOT importgate writes for this repository's packages (importgate at depth 1 and 2,
auditflow at depth 2), each as ``PROGRAM -Gstart=1 -Tsvg`` (importgate's flags) in a
subprocess, median of REPEAT runs, plus ``importgate graph importgate --format svg`` end
to end with each program forced through ``IMPORTGATE_DOT``.

Run: ``.venv/bin/python benchmarks/graph_layout.py`` (writes the ``graph-layout`` section
of reports/benchmarks.md; needs Graphviz's ``dot`` on PATH for the comparison).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_section import write_section

from importgate.report.graphviz import find_graphviz_pure

REPEAT = 5
REPO = Path(__file__).resolve().parent.parent
IMPORTGATE = str(Path(sys.executable).parent / "importgate")
CASES = [("importgate", 1), ("importgate", 2), ("auditflow", 2)]


def _run(argv: list[str], source: bytes | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, input=source, capture_output=True, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.decode("utf-8")


def timed(argv: list[str], source: bytes | None = None, env: dict[str, str] | None = None) -> float:
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        out = _run(argv, source, env)
        runs.append(time.perf_counter() - started)
        assert "<svg" in out or "wrote" in out or out == "", out[-300:]
    return statistics.median(runs)


def main() -> None:
    system = shutil.which("dot")
    pure = find_graphviz_pure()
    assert system and pure, "needs Graphviz's dot on PATH and graphviz-pure installed"
    version = subprocess.run([system, "-V"], capture_output=True, text=True).stderr.strip()
    rows = []
    for module, depth in CASES:
        dot = _run([IMPORTGATE, "graph", module, "--depth", str(depth), "--format", "dot"])
        source = dot.encode("utf-8")
        nodes = dot.count('id="node-')
        edges = sum(1 for line in dot.splitlines() if "->" in line and "invis" not in line)
        times = [timed([program, "-Gstart=1", "-Tsvg"], source) for program in (system, pure)]
        rows.append((f"layout: {module} depth {depth} ({nodes} nodes, {edges} edges)", *times))
    end_to_end = [
        timed(
            [IMPORTGATE, "graph", "importgate", "--format", "svg", "--output", os.devnull],
            env={**os.environ, "IMPORTGATE_DOT": program},
        )
        for program in (system, pure)
    ]
    rows.append(("`importgate graph importgate --format svg`, end to end", *end_to_end))
    table = [
        "## graph layout: system Graphviz dot vs graphviz-pure",
        "",
        f"Same DOT, `PROGRAM -Gstart=1 -Tsvg` in a subprocess, median of {REPEAT} runs, wall "
        f"seconds. System dot: {version}; graphviz-pure 0.2.2 (Graphviz 16.1.0 port). Made "
        "by `.venv/bin/python benchmarks/graph_layout.py`.",
        "",
        "| what | system dot | graphviz-pure |",
        "| --- | ---: | ---: |",
        *(f"| {what} | {a:.3f} | {b:.3f} |" for what, a, b in rows),
    ]
    markdown = "\n".join(table)
    print(markdown)
    write_section("graph-layout", markdown)


if __name__ == "__main__":
    main()
