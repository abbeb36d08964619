"""Sources ``csv`` and ``jsonl``: stream a file, validate each row against the declared
schema, and yield every row, valid or not, as a :class:`SourceItem`.

A row that fails validation, a csv line with the wrong number of values and a jsonl
line that is not a JSON object all become items with ``row=None`` and ``error`` set;
they never stop the read. A file that cannot be opened, or a csv header that cannot
match the schema, raises :class:`PluginError` naming the path.
"""

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field, ValidationError

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import SourceItem
from auditflow.plugins.base import PluginOptions, resolve_path, validate_options
from auditflow.plugins.schema import RowSchemaOptions, build_row_model, describe_errors

__all__ = ["CsvSource", "CsvSourceOptions", "JsonlSource", "JsonlSourceOptions"]


class _FileSourceOptions(PluginOptions):
    path: str = Field(min_length=1)
    """The file to read; relative to the settings file's folder."""
    row_schema: RowSchemaOptions = Field(alias="schema")
    """The declared row schema."""
    encoding: str = "utf-8-sig"
    """Any Python codec; the default reads UTF-8 and skips a leading byte-order mark."""


class CsvSourceOptions(_FileSourceOptions):
    delimiter: str = Field(default=",", min_length=1, max_length=1)


class JsonlSourceOptions(_FileSourceOptions):
    strict: bool = False
    """True: no type coercion (``"12"`` is not an int); JSON strings still give datetime,
    date and decimal fields."""


class _FileSource:
    name = "file"

    def __init__(self, path: Path, schema: RowSchemaOptions, encoding: str, where: str):
        self.path = path
        self.schema = schema
        self.encoding = encoding
        self.where = where
        self.model: type[BaseModel] = build_row_model(schema)
        self._validator = self.model.__pydantic_validator__
        self._serializer = self.model.__pydantic_serializer__
        self._open_files: list[IO[str]] = []

    def row_schema(self) -> dict[str, Any]:
        return self.model.model_json_schema(by_alias=True)

    def use_row_model(self, model: type[BaseModel]) -> None:
        """Validate rows with ``model`` from now on (resume: the model rebuilt from the
        JSON Schema stored with the run, so the rest of the source is read as before)."""
        self.model = model
        self._validator = model.__pydantic_validator__
        self._serializer = model.__pydantic_serializer__

    def close(self) -> None:
        while self._open_files:
            self._open_files.pop().close()

    def _open(self, newline: str | None) -> IO[str]:
        try:
            handle = self.path.open(encoding=self.encoding, newline=newline)
        except (OSError, LookupError) as error:
            raise PluginError(
                f"{self.where}.options.path: cannot read {self.path}: {error}"
            ) from None
        self._open_files.append(handle)
        return handle

    def _done(self, handle: IO[str]) -> None:
        handle.close()
        if handle in self._open_files:
            self._open_files.remove(handle)

    def _decode_error(self, error: UnicodeDecodeError, line: int) -> PluginError:
        found = self._first_undecodable_line()
        where = f"at or after line {line}" if found is None else f"line {found[0]}: {found[1]!r}"
        return PluginError(
            f"{self.where}: cannot decode {self.path} ({where}) as {self.encoding}:"
            f" {error.reason}; set `encoding` in the source options"
        )

    def _first_undecodable_line(self) -> tuple[int, bytes] | None:
        """The first line (1-based) whose bytes do not decode, and its first bytes. Only on
        the error path: the text reader decodes blocks ahead of the line it hands out, so
        its error does not say which line holds the bytes. None when no single line fails,
        or the encoding does not write "\n" as the byte b"\n" (UTF-16: no line to split)."""
        try:
            if not "a\nb".encode(self.encoding).endswith(b"a\nb"):  # after a BOM
                return None
            with self.path.open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    try:
                        raw.decode(self.encoding)
                    except UnicodeDecodeError:
                        return number, raw[:80]
        except (OSError, LookupError):
            return None
        return None

    def _validate(self, index: int, data: Mapping[str, Any], raw: Any, line: int) -> SourceItem:
        try:
            # the model's own validator and serializer: model_validate / model_dump minus
            # their per-call wrappers (this runs once per row)
            instance = self._validator.validate_python(data)
            row = self._serializer.to_python(instance, by_alias=True)
        except ValidationError as error:
            reason = describe_errors(error, extra_policy=self.schema.extra_fields)
            return SourceItem(index=index, row=None, raw=raw, error=f"line {line}: {reason}")
        return SourceItem(index=index, row=row, raw=raw)


class CsvSource(_FileSource):
    """Reads a csv file with a header line; blank lines are skipped."""

    name = "csv"

    def __init__(self, options: CsvSourceOptions, base_dir: Path, where: str) -> None:
        super().__init__(
            resolve_path(base_dir, options.path), options.row_schema, options.encoding, where
        )
        self.delimiter = options.delimiter
        self.optional = options.row_schema.optional_fields()
        self.header = self._read_header()

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "CsvSource":
        return cls(validate_options(CsvSourceOptions, options, where), base_dir, where)

    def _read_header(self) -> list[str]:
        handle = self._open(newline="")
        try:
            reader = csv.reader(handle, delimiter=self.delimiter)
            header = next((line for line in reader if line), None)
        except UnicodeDecodeError as error:
            raise self._decode_error(error, 1) from None
        except csv.Error as error:
            raise PluginError(
                f"{self.where}: cannot read the header of {self.path}: {error}"
            ) from None
        finally:
            self._done(handle)
        if header is None:
            raise PluginError(f"{self.where}: {self.path} is empty; expected a header line")
        problems = []
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            problems.append(f"duplicate columns {', '.join(map(repr, duplicates))}")
        missing = [n for n in self.schema.fields if n not in header and n not in self.optional]
        if missing:
            problems.append(f"no column for required field(s) {', '.join(map(repr, missing))}")
        unknown = [name for name in header if name not in self.schema.fields]
        if unknown and self.schema.extra_fields == "reject":
            problems.append(
                f"column(s) {', '.join(map(repr, unknown))} not in the schema"
                " (declare them, or set schema.extra_fields to drop or keep)"
            )
        if problems:
            raise PluginError(
                f"{self.where}: the header of {self.path} does not fit the schema: "
                f"{'; '.join(problems)} (header: {', '.join(header)})"
            )
        return header

    def read(self, start: int = 0) -> Iterator[SourceItem]:
        handle = self._open(newline="")
        try:
            yield from self._items(handle, start)
        finally:
            self._done(handle)

    def _items(self, handle: IO[str], start: int) -> Iterator[SourceItem]:
        reader = csv.reader(handle, delimiter=self.delimiter)
        header, width, index, seen_header = self.header, len(self.header), 0, False
        blank_is_none = [name for name in header if name in self.optional]
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise self._decode_error(error, reader.line_num + 1) from None
            except csv.Error as error:
                if index >= start:
                    yield SourceItem(index, None, None, f"line {reader.line_num}: {error}")
                index += 1
                continue
            if not values:
                continue
            if not seen_header:
                seen_header = True
                if values != header:
                    raise PluginError(
                        f"{self.where}: the header of {self.path} changed after the source"
                        f" was created (was: {', '.join(header)}; now: {', '.join(values)})"
                    )
                continue
            position, index = index, index + 1
            if position < start:
                continue
            if len(values) != width:
                yield SourceItem(
                    position,
                    None,
                    values,
                    f"line {reader.line_num}: {len(values)} values for {width} columns"
                    f" ({', '.join(header)})",
                )
                continue
            raw = dict(zip(header, values, strict=True))
            data: dict[str, Any] = raw
            for name in blank_is_none:
                if raw[name] == "":
                    if data is raw:
                        data = dict(raw)
                    data[name] = None
            yield self._validate(position, data, raw, reader.line_num)


class JsonlSource(_FileSource):
    """Reads one JSON object per line; blank lines are skipped."""

    name = "jsonl"

    def __init__(self, options: JsonlSourceOptions, base_dir: Path, where: str) -> None:
        super().__init__(
            resolve_path(base_dir, options.path), options.row_schema, options.encoding, where
        )
        self.strict = options.strict
        self._open(newline=None).close()  # fail now, not mid-run, for a missing file
        self._open_files.clear()

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "JsonlSource":
        return cls(validate_options(JsonlSourceOptions, options, where), base_dir, where)

    def read(self, start: int = 0) -> Iterator[SourceItem]:
        handle = self._open(newline=None)
        try:
            yield from self._items(handle, start)
        finally:
            self._done(handle)

    def _items(self, handle: IO[str], start: int) -> Iterator[SourceItem]:
        index, line_number = 0, 0
        while True:
            try:
                line = handle.readline()
            except UnicodeDecodeError as error:
                raise self._decode_error(error, line_number + 1) from None
            if not line:
                return
            line_number += 1
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            position, index = index, index + 1
            if position < start:
                continue
            try:
                data = json.loads(text, parse_constant=_reject_constant)
            except ValueError as error:
                reason = f"line {line_number}: not valid JSON: {error}"
                yield SourceItem(position, None, text, reason)
                continue
            if not isinstance(data, dict):
                kind = type(data).__name__
                reason = f"line {line_number}: expected a JSON object, got {kind}"
                yield SourceItem(position, None, data, reason)
                continue
            if self.strict:
                yield self._validate_strict(position, text, data, line_number)
            else:
                yield self._validate(position, data, data, line_number)

    def _validate_strict(self, index: int, text: str, raw: Any, line: int) -> SourceItem:
        try:
            row = self.model.model_validate_json(text, strict=True).model_dump(by_alias=True)
        except ValidationError as error:
            reason = describe_errors(error, extra_policy=self.schema.extra_fields)
            return SourceItem(index=index, row=None, raw=raw, error=f"line {line}: {reason}")
        return SourceItem(index=index, row=row, raw=raw)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
