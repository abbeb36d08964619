"""Sink ``csv``: a header line, then one line per row (RFC 4180: lines end with CRLF,
and a value holding a delimiter, a quote, CR or LF is quoted).

The columns are the ``fields`` option, or the keys of the first row written. A row
missing a column gets an empty cell. A row with keys outside the columns is refused
(``extras: error``, the default: :class:`PluginError` naming the keys) or has them
left out (``extras: ignore``).
"""

import csv
import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import Field, field_validator

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import Row
from auditflow.plugins.base import PluginOptions, resolve_path, validate_options
from auditflow.plugins.sink_files import FileSink, json_text

__all__ = ["CsvSink", "CsvSinkOptions", "cell"]


class CsvSinkOptions(PluginOptions):
    path: str = Field(min_length=1)
    fields: list[str] | None = Field(default=None, min_length=1)
    """The columns, in order; unset: the keys of the first row."""
    extras: Literal["error", "ignore"] = "error"
    """What to do with a row's keys that are not columns."""
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"

    @field_validator("fields")
    @classmethod
    def _unique(cls, fields: list[str] | None) -> list[str] | None:
        if fields is not None and len(set(fields)) != len(fields):
            raise ValueError("`fields` names a column twice")
        return fields


def cell(value: Any) -> str:
    """How a value is written to a csv cell: None -> empty, bools -> true / false,
    datetime / date -> ISO, Decimal -> exact string, lists and dicts -> JSON. NaN and
    infinity raise ``ValueError`` (no reader could tell them from text)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        if not value.is_finite() if isinstance(value, Decimal) else not math.isfinite(value):
            raise ValueError(f"{value} cannot be written to csv")
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return json_text(value)


class CsvSink(FileSink):
    name = "csv"

    def __init__(self, options: CsvSinkOptions, base_dir: Path, where: str) -> None:
        super().__init__(resolve_path(base_dir, options.path), where)
        self.fields: list[str] | None = list(options.fields) if options.fields else None
        self.extras = options.extras
        self.delimiter = options.delimiter
        self.encoding = options.encoding
        "x".encode(self.encoding)  # an unknown encoding fails here, not mid-run

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "CsvSink":
        settings = validate_options(CsvSinkOptions, options, where)
        try:
            return cls(settings, base_dir, where)
        except LookupError as error:
            raise PluginError(f"{where}.options.encoding: {error}") from None

    def write(self, rows: Sequence[Row]) -> None:
        if rows and self.fields is None:
            self.fields = [str(key) for key in rows[0]]
        super().write(rows)

    def resumed(self, handle: IO[bytes]) -> None:
        """A resumed file keeps its columns: read them back from its header line."""
        if self.fields is not None:
            return
        handle.seek(0)
        header = handle.readline().decode(self.encoding)
        self.fields = next(csv.reader([header], delimiter=self.delimiter), None)
        handle.seek(0, 2)

    def _line(self, values: list[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n").writerow(values)
        return buffer.getvalue().encode(self.encoding)

    def preamble(self) -> bytes:
        return self._line(self.fields) if self.fields else b""

    def encode(self, rows: Sequence[Row]) -> bytes:
        assert self.fields is not None
        columns, known = self.fields, set(self.fields)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")
        for number, row in enumerate(rows):
            if self.extras == "error" and not known.issuperset(row):
                extra = [key for key in row if key not in known]
                raise PluginError(
                    f"{self.where}: row {self.rows_written + number} has field(s)"
                    f" {', '.join(map(repr, extra))} that are not columns of {self.path}"
                    f" (columns: {', '.join(columns)}); list them in `fields`, or set"
                    " `extras: ignore` to leave them out"
                )
            try:
                writer.writerow([cell(row.get(name)) for name in columns])
            except (TypeError, ValueError) as error:
                raise PluginError(
                    f"{self.where}: row {self.rows_written + number} cannot be written: {error}"
                ) from None
        try:
            return buffer.getvalue().encode(self.encoding)
        except UnicodeEncodeError as error:
            raise PluginError(
                f"{self.where}: a value cannot be written as {self.encoding}: {error.reason}"
            ) from None
