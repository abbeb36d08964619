"""What importgate's file-level contracts add to ``importgate check`` on this repository.

Runs ``importgate check`` (and plain ``lint-imports``, the alternative, on the same
configuration) several times per contract selection and reports the median wall time,
plus each contract's own ``duration_ms`` from the JSON report. ``import_time`` starts
``runs`` fresh interpreters per module, so it is the one to watch.

    .venv/bin/python benchmarks/contract_cost.py [--repeat 7]

Writes the ``contract-cost`` section of ``reports/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from report_section import write_section  # benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IMPORTS_ONLY = ("importgate-layers", "importgate-acyclic")
SELECTIONS = {
    "layers + acyclic (import contracts only)": IMPORTS_ONLY,
    "+ module_size": (*IMPORTS_ONLY, "importgate-module-size"),
    "+ public_api": (*IMPORTS_ONLY, "importgate-public-api"),
    "+ import_time": (*IMPORTS_ONLY, "importgate-cli-import-time"),
    "all five (this repository's .importlinter)": (),
}


def _timed(argv: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} could not run:\n{completed.stderr}")
    return elapsed, completed.stdout


def _check_argv(contracts: tuple[str, ...]) -> list[str]:
    argv = [str(BIN / "importgate"), "check", "--format", "json"]
    for contract in contracts:
        argv += ["--contract", contract]
    return argv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat

    load_before = os.getloadavg()[0]
    # Round-robin: each repeat runs every selection once, so a change in the machine's
    # load (it is shared) hits all of them alike.
    argvs = {label: _check_argv(contracts) for label, contracts in SELECTIONS.items()}
    argvs["lint-imports"] = [str(BIN / "lint-imports"), "--no-logo"]
    times: dict[str, list[float]] = {label: [] for label in argvs}
    per_contract: dict[str, list[int]] = {}
    for _ in range(repeat):
        for label, argv in argvs.items():
            elapsed, out = _timed(argv)
            times[label].append(elapsed)
            if label == "lint-imports":
                continue
            for contract in json.loads(out)["contracts"]:
                per_contract.setdefault(contract["id"], []).append(contract["duration_ms"])
    rows = [
        (f"`importgate check` {label}", statistics.median(times[label])) for label in SELECTIONS
    ]
    rows.append(
        ("`lint-imports` (the alternative), all five", statistics.median(times["lint-imports"]))
    )
    load_after = os.getloadavg()[0]

    lines = [
        "## What the file-level contracts cost (`importgate check` on this repository)",
        "",
        f"Command: `.venv/bin/python benchmarks/contract_cost.py --repeat {repeat}`; "
        f"median of {repeat} rounds (each runs every line once), warm grimp cache, 1-minute load "
        "average "
        f"{load_before:.1f} before and {load_after:.1f} after (2 cores).",
        "",
        "| what runs | median wall time (ms) |",
        "| --- | ---: |",
        *(f"| {label} | {ms:.0f} |" for label, ms in rows),
        "",
        "| contract | median `duration_ms` inside the check |",
        "| --- | ---: |",
        *(
            f"| `{contract}` | {statistics.median(values):.0f} |"
            for contract, values in sorted(per_contract.items())
        ),
        "",
        "`import_time` on `importgate.cli` runs 3 fresh interpreters (`runs = 3`, one after "
        "the other); `public_api` pays for importing griffe and parsing the package once.",
    ]
    path = write_section("contract-cost", "\n".join(lines))
    print("\n".join(lines))
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
