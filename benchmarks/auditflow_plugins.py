"""Benchmark: auditflow's csv source and file sinks beside the plain standard library.

* ``csv source``: rows validated against a declared schema (pydantic), quarantine
  bookkeeping included, next to the floor: ``csv.DictReader`` plus hand-written
  ``int()`` / ``float()`` conversion of the same columns (no error reporting).
* ``csv sink`` / ``jsonl sink``: rows written in chunks of 1,000 with a running SHA-256
  and one fsync at the end, next to ``csv.DictWriter`` / ``json.dumps`` lines into a
  file (no hash, no fsync).
* peak memory of reading the whole source (``tracemalloc``, a separate pass) for two
  file sizes: a streaming source stays flat.

Run: ``.venv/bin/python benchmarks/auditflow_plugins.py`` (``--rows 100000``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORK = HERE / ".work" / "auditflow_plugins"
COMMAND = "python benchmarks/auditflow_plugins.py --rows 100000"
SCHEMA = {"fields": {"id": "int", "customer": "str", "amount": "float", "note": "str?"}}


def make_input(rows: int) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"input-{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "customer", "amount", "note"])
        for number in range(rows):
            writer.writerow([number, f"c{number % 97}", f"{number * 0.25:.2f}", ""])
    return path


def timed(action: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    count = action()
    return count, time.perf_counter() - started


def auditflow_read(path: Path) -> int:
    from auditflow.plugins.registry import create_source

    source = create_source("csv", {"path": path.name, "schema": SCHEMA}, path.parent)
    count = sum(1 for item in source.read() if item.valid)
    source.close()
    return count


def plain_read(path: Path) -> int:
    count = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            row = {
                "id": int(raw["id"]),
                "customer": raw["customer"],
                "amount": float(raw["amount"]),
                "note": raw["note"] or None,
            }
            count += row["id"] >= 0
    return count


def sample_rows(rows: int) -> list[dict[str, object]]:
    return [
        {"id": n, "customer": f"c{n % 97}", "amount": n * 0.25, "note": None} for n in range(rows)
    ]


def auditflow_write(plugin: str, rows: list[dict[str, object]]) -> int:
    from auditflow.plugins.registry import create_sink

    sink = create_sink(plugin, {"path": f"out.{plugin}"}, WORK)
    for start in range(0, len(rows), 1000):
        sink.write(rows[start : start + 1000])
    info = sink.flush()
    sink.close()
    return info.rows_written


def plain_write(plugin: str, rows: list[dict[str, object]]) -> int:
    with (WORK / f"plain.{plugin}").open("w", newline="", encoding="utf-8") as handle:
        if plugin == "csv":
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        else:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    return len(rows)


def peak_read_memory(path: Path) -> int:
    tracemalloc.start()
    try:
        auditflow_read(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    rows = args.rows
    path = make_input(rows)
    lines = [
        f"{rows:,} rows; best of 3 runs each; command: `{COMMAND}`",
        "",
        "| step | auditflow rows/s | plain stdlib rows/s | auditflow speed / plain |",
        "| --- | ---: | ---: | ---: |",
    ]
    cases: list[tuple[str, Callable[[], int], Callable[[], int]]] = [
        ("csv source (validated)", lambda: auditflow_read(path), lambda: plain_read(path)),
    ]
    data = sample_rows(rows)
    for plugin in ("csv", "jsonl"):
        cases.append(
            (
                f"{plugin} sink (hash + fsync)",
                lambda p=plugin: auditflow_write(p, data),
                lambda p=plugin: plain_write(p, data),
            )
        )
    for label, ours, plain in cases:
        best_ours = min(timed(ours)[1] for _ in range(3))
        best_plain = min(timed(plain)[1] for _ in range(3))
        lines.append(
            f"| {label} | {rows / best_ours:,.0f} | {rows / best_plain:,.0f} |"
            f" {best_plain / best_ours:.2f} |"
        )
    small, large = rows // 4, rows
    small_path = make_input(small)
    lines += [
        "",
        "| csv source, whole file read | peak traced memory |",
        "| --- | ---: |",
        f"| {small:,} rows ({small_path.stat().st_size / 1e6:.1f} MB) |"
        f" {peak_read_memory(small_path) / 1e3:,.0f} kB |",
        f"| {large:,} rows ({path.stat().st_size / 1e6:.1f} MB) |"
        f" {peak_read_memory(path) / 1e3:,.0f} kB |",
    ]
    markdown = "## auditflow plugins: source and sinks vs the standard library\n\n" + "\n".join(
        lines
    )
    print(markdown)
    from report_section import write_section

    write_section("auditflow-plugins", markdown)


if __name__ == "__main__":
    main()
