"""Benchmark: signed export and verify of a run's audit trail, streamed vs held in memory.

The run is the pipeline of ``pipeline_throughput.py`` (csv -> field_mapper -> gate -> csv),
made once per size. Each measurement runs in its own subprocess (peak memory =
``ru_maxrss``):

* ``auditflow export --sign`` as JSON Lines and as CSV, and ``auditflow verify`` (library
  calls, no CLI start-up);
* the in-memory alternative: ``fetchall()`` of every table of the run, then the same
  canonical JSON + HMAC-SHA256 per record, written at the end;
* the floor: ``sqlite3`` cursor rows straight to ``json.dumps`` lines, unsigned.

Run: ``.venv/bin/python benchmarks/export_signed.py`` (``--rows 20000 100000``).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "export_signed"
COMMAND = ".venv/bin/python benchmarks/export_signed.py"  # default: --rows 20000 100000
KEY = "benchmark-key"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(kind: str, folder: Path) -> dict[str, Any]:
    from auditflow.core.canonical import canonical_json
    from auditflow.core.landscape import open_landscape
    from auditflow.engine.export_records import RECORD_TABLES
    from auditflow.engine.orchestrator import PipelineConfig
    from auditflow.engine.orchestrator.export import export_recorded_run, verify_export

    os.environ["AUDITFLOW_SIGNING_KEY"] = KEY
    config = PipelineConfig.from_file(folder / "pipeline.yaml")
    run_id = (folder / "run_id").read_text(encoding="utf-8")
    baseline, started, records = peak_mib(), time.perf_counter(), 0
    if kind in ("json", "csv"):
        out = folder / ("trail.jsonl" if kind == "json" else "trail")
        records = export_recorded_run(config.landscape_url, run_id, kind, out, sign=True).records
    elif kind == "verify":
        records = verify_export(folder / "trail.jsonl", KEY.encode()).records
    elif kind == "memory":
        engine = open_landscape(config.landscape_url, create=False)
        with engine.connect() as connection:
            tables = [
                (t.name, connection.execute(t.select().where(t.c.run_id == run_id)).fetchall())
                for t in RECORD_TABLES
            ]
        lines = []
        for name, rows in tables:
            for index, row in enumerate(rows):
                record = {"_type": name, "_index": index, **row._mapping}
                signature = hmac.new(KEY.encode(), canonical_json(record), hashlib.sha256)
                lines.append(canonical_json({**record, "_signature": signature.hexdigest()}))
        (folder / "memory.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        records = len(lines)
    else:  # floor: plain sqlite3, unsigned
        database = config.landscape_url.removeprefix("sqlite:///")
        connection = sqlite3.connect(database)
        with (folder / "floor.jsonl").open("w", encoding="utf-8") as handle:
            for table in RECORD_TABLES:
                query = f"SELECT * FROM {table.name} WHERE run_id = ?"
                cursor = connection.execute(query, (run_id,))
                names = [d[0] for d in cursor.description]
                for row in cursor:
                    handle.write(json.dumps(dict(zip(names, row, strict=True))) + "\n")
                    records += 1
        connection.close()
    return {"seconds": time.perf_counter() - started, "records": records,
            "import_mib": baseline, "peak_mib": peak_mib()}  # fmt: skip


def measure(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=True)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def make_run(folder: Path, rows: int) -> None:
    sys.path.insert(0, str(HERE))
    from pipeline_throughput import make_input

    from auditflow.engine.orchestrator import Orchestrator, PipelineConfig

    settings = make_input(folder, rows)
    for path in folder.glob("pipeline.audit.db*"):
        path.unlink()
    result = Orchestrator(PipelineConfig.from_file(settings)).run()
    (folder / "run_id").write_text(result.run_id, encoding="utf-8")


WHAT = {
    "json": "auditflow export --sign, JSON Lines (streamed)",
    "csv": "auditflow export --sign, CSV folder (streamed)",
    "verify": "auditflow verify of the JSON export",
    "memory": "alternative: fetchall, sign, write (held in memory)",
    "floor": "floor: sqlite3 rows -> json.dumps, unsigned",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    lines = [
        f"Command: `{COMMAND}` (each measurement in its own subprocess; peak memory = "
        "`ru_maxrss`). The run: csv -> field_mapper -> gate -> csv, SQLite audit trail.",
        "",
        "| source rows | what | records | seconds | records/s | memory before (MiB) "
        "| peak memory (MiB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rows in args.rows:
        folder = WORK / str(rows)
        make_run(folder, rows)
        for kind, what in WHAT.items():
            m = measure("--child", kind, str(folder))
            lines.append(
                f"| {rows:,} | {what} | {m['records']:,} | {m['seconds']:.1f} | "
                f"{m['records'] / m['seconds']:,.0f} | {m['import_mib']:.0f} | "
                f"{m['peak_mib']:.0f} |"
            )
            print(lines[-1], flush=True)
    lines += [
        "",
        "The streamed export and verify read the trail in chunks of 1000 rows and write as "
        "they go, so their peak memory stays flat as the run grows; the in-memory "
        "alternative grows with the run. Signing costs one RFC 8785 canonicalisation and "
        "one HMAC-SHA256 per record; the unsigned `json.dumps` loop is the floor.",
    ]
    from report_section import write_section

    print(write_section("export-signed", "\n".join(lines)))


if __name__ == "__main__":
    main()
