"""Verify a signed export (a JSON Lines file or a CSV folder) against the signing key.

Checked, record by record in export order: the record types come in the documented
order and each type's ``_index`` counts 0, 1, 2, ...; each ``_signature`` is the
HMAC-SHA256 of the record; the bytes are exactly what the exporter writes for the values
read (so no edit hides in formatting). Then the manifest: its own signature, one count
per record type, and the running SHA-256 over all signatures. The first failure raises
:class:`ExportTampered` naming the record (``tokens[17]``) and where it is.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from auditflow.contracts.errors import AuditflowError
from auditflow.core.canonical import canonical_json
from auditflow.engine.export_records import RECORD_TYPES, column_kinds, record_keys
from auditflow.engine.export_sign import (
    MANIFEST_TYPE,
    SIGNATURE_KEY,
    manifest_body,
    with_signature,
)
from auditflow.engine.export_sign import record_signature as sign
from auditflow.engine.export_write import CsvLines, decode_cell, encode_cell

__all__ = ["ExportTampered", "ExportUnreadable", "VerifyReport", "verify_export"]


class ExportUnreadable(AuditflowError):
    """The path does not exist or cannot be read (not a verdict on the export)."""


class ExportTampered(AuditflowError):
    """The export is not what was signed; ``record`` names the first bad record."""

    def __init__(self, record: str, where: str, reason: str) -> None:
        super().__init__(f"{record} ({where}): {reason}")
        self.record = record
        self.where = where


@dataclass(frozen=True, slots=True)
class VerifyReport:
    path: Path
    run_id: str
    counts: dict[str, int]
    final_hash: str

    @property
    def records(self) -> int:
        return sum(self.counts.values())


_MANIFEST_KEYS = sorted([*manifest_body("", dict.fromkeys(RECORD_TYPES, 0), ""), SIGNATURE_KEY])
_MANIFEST_KINDS = {
    key: "int" if key == "_index" or key.startswith("record") else "str" for key in _MANIFEST_KEYS
}


class _Checker:
    def __init__(self, key: bytes) -> None:
        self.key = key
        self.counts = dict.fromkeys(RECORD_TYPES, 0)
        self.position = 0
        self.running = hashlib.sha256()
        self.manifest: tuple[str, dict[str, Any]] | None = None
        self.last: str | None = None

    def next_name(self) -> str:
        """How to name a record that cannot be read: by the last good one."""
        return "the first record" if self.last is None else f"the record after {self.last}"

    def record(self, where: str, record: Any, body: bytes | None = None) -> str:
        """Check one record (``body``: its canonical JSON without ``_signature``, when the
        caller has it already); returns its name (``type[index]``)."""
        if not isinstance(record, dict) or not isinstance(record.get("_type"), str):
            raise ExportTampered("(unknown record)", where, "not an export record")
        kind, index = record["_type"], record.get("_index")
        name = f"{kind}[{index}]"
        if self.manifest is not None:
            raise ExportTampered(name, where, "a record after the manifest")
        if kind == MANIFEST_TYPE:
            self._signed(name, where, record, body)
            self.manifest = (where, record)
            self.last = name
            return name
        if kind not in self.counts:
            raise ExportTampered(name, where, f"unknown record type {kind!r}")
        position = RECORD_TYPES.index(kind)
        if position < self.position:
            later = RECORD_TYPES[self.position]
            raise ExportTampered(name, where, f"out of order: a {kind} record after {later}")
        self.position = position
        expected = self.counts[kind]
        if index != expected:
            raise ExportTampered(
                name, where, f"expected {kind}[{expected}] here (a record removed, added or moved)"
            )
        self.running.update(self._signed(name, where, record, body).encode("ascii"))
        self.counts[kind] += 1
        self.last = name
        return name

    def _signed(self, name: str, where: str, record: dict[str, Any], body: bytes | None) -> str:
        signature = record.get(SIGNATURE_KEY)
        if not isinstance(signature, str):
            raise ExportTampered(name, where, "has no signature (the export is not signed)")
        if body is None:
            expected = sign(self.key, record)
        else:
            expected = hmac.new(self.key, body, hashlib.sha256).hexdigest()
        # bytes: compare_digest refuses str with non-ASCII characters (a forged signature)
        if not hmac.compare_digest(signature.encode("utf-8"), expected.encode("ascii")):
            raise ExportTampered(
                name, where, "signature does not match: the record was changed, or the key is wrong"
            )
        return signature

    def finish(self, path: Path) -> VerifyReport:
        if self.manifest is None:
            raise ExportTampered(
                MANIFEST_TYPE, "end of export", "missing: the export is truncated or not signed"
            )
        where, manifest = self.manifest
        for kind in RECORD_TYPES:
            listed, found = manifest.get(f"records_{kind}"), self.counts[kind]
            if found != listed:
                first = min(found, listed) if isinstance(listed, int) else found
                change = "removed" if isinstance(listed, int) and found < listed else "added"
                raise ExportTampered(
                    f"{kind}[{first}]",
                    where,
                    f"{change}: the manifest lists {listed} {kind} records, the export has {found}",
                )
        final = self.running.hexdigest()
        if manifest.get("final_hash") != final:
            raise ExportTampered(MANIFEST_TYPE, where, "final hash does not match the records")
        return VerifyReport(path, str(manifest.get("run_id")), dict(self.counts), final)


def verify_export(path: Path, key: bytes) -> VerifyReport:
    """Verify the export at ``path``; raises :class:`ExportTampered` (exit 1) or
    :class:`ExportUnreadable` (exit 2)."""
    checker = _Checker(key)
    try:
        if path.is_dir():
            _verify_csv(path, checker)
        elif path.is_file():
            _verify_json(path, checker)
        else:
            raise ExportUnreadable(f"{path}: no such export file or folder")
    except OSError as error:
        raise ExportUnreadable(f"{path}: cannot read the export: {error}") from None
    return checker.finish(path)


def _verify_json(path: Path, checker: _Checker) -> None:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            where = f"{path.name} line {number}"
            try:
                record = json.loads(raw)
                body = None
                if isinstance(record, dict):
                    body = canonical_json({k: v for k, v in record.items() if k != SIGNATURE_KEY})
            except (ValueError, TypeError, RecursionError) as error:
                reason = f"not valid JSON: {type(error).__name__}: {error}"
                raise ExportTampered(checker.next_name(), where, reason) from None
            name = checker.record(where, record, body)
            # the signature matched, so it is hex and the exporter's line is known exactly
            if body is None or raw != with_signature(body, record[SIGNATURE_KEY]) + b"\n":
                raise ExportTampered(name, where, "not byte-for-byte canonical JSON")


def _verify_csv(folder: Path, checker: _Checker) -> None:
    # The export writes cells of any size (a row's data_json), but the csv module's field
    # limit (128 KiB by default) is process-wide: raise it while verifying, then put it
    # back (the csv source relies on the default to quarantine oversized fields).
    previous = csv.field_size_limit(2**31 - 1)
    try:
        _verify_csv_files(folder, checker)
    finally:
        csv.field_size_limit(previous)


def _verify_csv_files(folder: Path, checker: _Checker) -> None:
    present = {p.stem for p in folder.glob("*.csv")}
    if not present & {*RECORD_TYPES, MANIFEST_TYPE}:
        raise ExportUnreadable(f"{folder}: not an auditflow CSV export (no runs.csv)")
    unknown = sorted(present - {*RECORD_TYPES, MANIFEST_TYPE})
    if unknown:
        raise ExportTampered(f"{unknown[0]}[0]", f"{unknown[0]}.csv", "not a record type")
    for kind in (*RECORD_TYPES, MANIFEST_TYPE):
        file = folder / f"{kind}.csv"
        if not file.exists():
            raise ExportTampered(f"{kind}[0]", file.name, "the file is missing")
        if kind == MANIFEST_TYPE:
            keys, kinds = _MANIFEST_KEYS, _MANIFEST_KINDS
        else:
            keys, kinds = record_keys(kind, signed=True), column_kinds(kind)
        with file.open(encoding="utf-8", newline="") as text, file.open("rb") as raw:
            for where, record in _csv_records(file, text, raw, keys, kinds, checker):
                checker.record(where, record)


def _csv_records(
    file: Path,
    text: IO[str],
    raw: IO[bytes],
    keys: list[str],
    kinds: dict[str, str],
    checker: _Checker,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each row of a CSV file as a record, checking that its bytes are what the export
    writes for those values (read side by side from a second handle)."""
    line = CsvLines()
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header != keys:
            raise ExportTampered(f"{file.stem}[0]", f"{file.name} header", "unexpected columns")
        if raw.read(len(line(keys).encode())) != line(keys).encode():
            raise ExportTampered(f"{file.stem}[0]", f"{file.name} header", "not as exported")
        while True:
            start = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            where = f"{file.name} line {start}"
            try:
                if len(cells) != len(keys):
                    raise ValueError(f"{len(cells)} cells for {len(keys)} columns")
                values = [decode_cell(c, kinds[k]) for c, k in zip(cells, keys, strict=True)]
            except ValueError as error:
                raise ExportTampered(checker.next_name(), where, str(error)) from None
            record = dict(zip(keys, values, strict=True))
            yield where, record
            encoded = line(encode_cell(v) for v in values).encode()
            if raw.read(len(encoded)) != encoded:
                name = f"{file.stem}[{record.get('_index')}]"
                raise ExportTampered(name, where, "not byte-for-byte as the export writes it")
        if raw.read(1):
            raise ExportTampered(checker.next_name(), file.name, "bytes after the last record")
    except (UnicodeDecodeError, csv.Error) as error:
        where = f"{file.name} line {reader.line_num}"
        raise ExportTampered(checker.next_name(), where, f"unreadable: {error}") from None
