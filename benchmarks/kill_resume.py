"""Crash test at scale: a 100,000-row pipeline with an aggregation, killed at random points
(SIGKILL, then separately SIGTERM: a clean stop, exit 3), resumed until it completes (the
resumes may be killed too), compared with an uninterrupted run of the same input.

Checks (``tests/auditflow/crash_support.py::check``): every source row has exactly one
terminal outcome; each sink (csv, jsonl, database) holds exactly the rows of the
uninterrupted run, once each, in the same order; the run's counters, and the sum of its
attempts' shares, equal the uninterrupted run's; the trail passes
``auditflow.core.landscape.integrity.integrity_problems``.

Run: ``.venv/bin/python benchmarks/kill_resume.py`` (``--rows 100000 --kills 4``).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from report_section import write_section  # noqa: E402

from tests.auditflow import crash_support as cs  # noqa: E402

WORK = HERE / ".work" / "kill_resume"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--frequency", type=int, default=500)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    reference = WORK / "uninterrupted"
    cs.write_pipeline(reference, args.rows, args.frequency)
    started = time.perf_counter()
    expected = {"counters": cs.run_to_end(reference), "sinks": cs.sink_contents(reference)}
    plain = time.perf_counter() - started
    print(f"uninterrupted: {plain:.1f} s", flush=True)
    lines = [
        f"Command: `.venv/bin/python benchmarks/kill_resume.py --rows {args.rows}"
        f" --kills {args.kills} --seed {args.seed}` (checkpoint every {args.frequency} rows).",
        "",
        "Pipeline: csv source (1 row in 97 invalid -> jsonl quarantine), gate to a database"
        " sink (resume key), gate to a csv sink, transform-mode `batch_stats` aggregation"
        " (count 50) into a jsonl sink. Each run is a `python -m auditflow` subprocess;"
        " each kill waits for the audit DB's checkpoints to pass a random row, plus 0-50 ms.",
        "",
        "| scenario | kills at checkpointed row (exit code) | kills that left sink rows past"
        " the checkpoint | resumes | seconds, all attempts | uninterrupted run, seconds |"
        " problems found |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    failed = False
    for offset, signum in enumerate((signal.SIGKILL, signal.SIGTERM)):
        folder = WORK / signal.Signals(signum).name.lower()
        cs.write_pipeline(folder, args.rows, args.frequency)
        outcome = cs.crash_and_resume(
            folder, args.rows, args.kills, signum, args.seed + offset, expected
        )
        kills = ", ".join(f"{row:,} ({code})" for _, row, code in outcome.kills)
        found = "; ".join(outcome.problems) or "none"
        failed = failed or bool(outcome.problems)
        lines.append(
            f"| {signal.Signals(signum).name} x{args.kills}, {args.rows:,} rows | {kills} |"
            f" {outcome.past_checkpoint} | {outcome.attempts} | {outcome.seconds:.1f} |"
            f" {plain:.1f} | {found} |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        'Exit -9 is SIGKILL, 3 a clean SIGTERM stop. "none" means: every row has one'
        " terminal outcome, every sink equals the uninterrupted run's byte for byte (database:"
        " row for row), counters equal, integrity query empty.",
    ]
    print(write_section("kill-resume", "\n".join(lines)))
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
