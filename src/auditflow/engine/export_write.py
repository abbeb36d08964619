"""Write a run's records as JSON Lines or as a folder of CSV files, optionally signed.

JSON (``--format json``): a JSON Lines file, one record per line, each line the RFC 8785
canonical JSON of the record (keys sorted, no spaces) followed by ``\\n``; a signed export
ends with a ``manifest`` line. Nothing is held in memory beyond one chunk of rows.

CSV (``--format csv``): a folder with one ``<record type>.csv`` per record type (a header
only when the run has none of them), plus ``manifest.csv`` when signed. Columns: the sorted
union of the records' keys (so ``_index``, ``_signature``, ``_type``, then the table's
columns). Cells: empty for null, ``true`` / ``false``, integers in decimal, strings as they
are, except that an empty string or one starting with ``\\`` gets one extra leading ``\\``
(so null and ``""`` stay apart). Written by the ``csv`` module (RFC 4180 quoting, CRLF).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from sqlalchemy import Engine

from auditflow.core.canonical import canonical_json
from auditflow.engine.export_records import RECORD_TYPES, record_keys, run_records
from auditflow.engine.export_sign import (
    MANIFEST_TYPE,
    SIGNATURE_KEY,
    Signer,
    canonical_record,
    with_signature,
)

__all__ = [
    "CsvLines",
    "ExportFormat",
    "ExportSummary",
    "decode_cell",
    "encode_cell",
    "export_run",
]

ExportFormat = Literal["json", "csv"]
_ESCAPE = "\\"


@dataclass(slots=True)
class ExportSummary:
    """What an export wrote."""

    run_id: str
    format: ExportFormat
    path: Path
    signed: bool
    counts: dict[str, int] = field(default_factory=dict)
    final_hash: str | None = None

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def encode_cell(value: Any) -> str:
    """A record value as a CSV cell (see the module doc)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return _ESCAPE + text if not text or text.startswith(_ESCAPE) else text


def decode_cell(cell: str, kind: str) -> Any:
    """The value of a CSV cell of a ``kind`` (``int`` / ``bool`` / ``str``) column;
    ``ValueError`` for a cell that kind cannot hold."""
    if cell == "":
        return None
    if kind == "int":
        if not cell.lstrip("-").isdigit() or not cell.isascii():
            raise ValueError(f"{cell!r} is not an integer")
        return int(cell)
    if kind == "bool":
        if cell not in ("true", "false"):
            raise ValueError(f"{cell!r} is not true or false")
        return cell == "true"
    return cell[1:] if cell.startswith(_ESCAPE) else cell


class CsvLines:
    """Turns a list of cells into one CSV line (with its CRLF), as the export writes it;
    the verifier uses the same to compare a file byte for byte."""

    def __init__(self) -> None:
        self._text = ""
        self._writer = csv.writer(self)

    def write(self, text: str) -> int:  # the csv writer's file: keep the last line
        self._text = text
        return len(text)

    def __call__(self, cells: Iterable[str]) -> str:
        self._writer.writerow(list(cells))
        return self._text


def export_run(
    engine: Engine, run_id: str, fmt: ExportFormat, path: Path, key: bytes | None
) -> ExportSummary:
    """Write every record of ``run_id`` to ``path``; raises ``OSError`` / database errors
    when it cannot (what was written so far stays, without a manifest)."""
    signer = Signer(key) if key is not None else None
    summary = ExportSummary(run_id, fmt, path, signed=signer is not None)
    summary.counts = dict.fromkeys(RECORD_TYPES, 0)
    # closing: a failed write must not leave the reading connection open
    with closing(run_records(engine, run_id)) as records:
        if fmt == "json":
            _write_json(path, records, summary, signer)
        else:
            _write_csv(path, records, summary, signer)
    if signer is not None:
        manifest = signer.manifest(run_id, summary.counts)
        summary.final_hash = signer.final_hash
        if fmt == "json":
            with path.open("ab") as handle:
                handle.write(canonical_json(manifest) + b"\n")
        else:
            with (path / f"{MANIFEST_TYPE}.csv").open("w", encoding="utf-8", newline="") as out:
                line, keys = CsvLines(), sorted(manifest)
                out.write(line(keys))
                out.write(line(encode_cell(manifest[k]) for k in keys))
    return summary


def _write_json(
    path: Path, records: Iterator[dict[str, Any]], summary: ExportSummary, signer: Signer | None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for record in records:
            body = canonical_record(record)
            if signer is not None:
                body = with_signature(body, signer.sign_canonical(body))
            handle.write(body + b"\n")
            summary.counts[record["_type"]] += 1


def _write_csv(
    folder: Path, records: Iterator[dict[str, Any]], summary: ExportSummary, signer: Signer | None
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in (*RECORD_TYPES, MANIFEST_TYPE):  # an older export's files must not linger
        (folder / f"{name}.csv").unlink(missing_ok=True)
    line = CsvLines()
    with ExitStack() as stack:
        files: dict[str, tuple[IO[str], list[str]]] = {}
        for record_type in RECORD_TYPES:
            handle = stack.enter_context(
                (folder / f"{record_type}.csv").open("w", encoding="utf-8", newline="")
            )
            keys = record_keys(record_type, signed=summary.signed)
            handle.write(line(keys))
            files[record_type] = (handle, keys)
        for record in records:
            if signer is not None:
                record[SIGNATURE_KEY] = signer.sign_canonical(canonical_record(record))
            out, columns = files[record["_type"]]
            out.write(line(encode_cell(record.get(k)) for k in columns))
            summary.counts[record["_type"]] += 1
