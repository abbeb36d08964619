"""Sink ``database``: rows inserted into one table through SQLAlchemy Core.

The table is created when missing, with one column per key of the first row written
(or per name in ``fields``), typed from the first non-null value seen in that chunk
(bool -> Boolean, int -> BigInteger, float -> Float, Decimal -> Numeric, datetime ->
DateTime, date -> Date, anything else -> Text; lists and dicts are stored as JSON text).
An existing table is used as it is. Each ``write`` is one parameterised ``executemany``
INSERT inside an open transaction; ``flush`` commits it. Keys that are not columns are
refused (``extras: error``) or left out (``extras: ignore``); missing keys insert NULL.

Resume: with ``resume_key: COLUMN`` every inserted row gets a text key
``<run id>/<12-digit ordinal>`` in that column (created with the table, unique), so
:meth:`DatabaseSink.resume` deletes exactly this run's rows past the checkpoint. Without
it a run with a database sink cannot be resumed (the sink could not tell which rows were
committed after the checkpoint).
"""

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import ArtifactInfo, Row
from auditflow.core.urls import resolve_database_url
from auditflow.plugins.base import PluginOptions, validate_options
from auditflow.plugins.sink_files import json_text

__all__ = ["TABLE_NAME_PATTERN", "DatabaseSink", "DatabaseSinkOptions"]

TABLE_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"


class DatabaseSinkOptions(PluginOptions):
    pattern_hints: ClassVar[dict[str, str]] = {
        TABLE_NAME_PATTERN: "a letter or '_', then letters, digits and '_' (63 at most)"
    }
    url: str = Field(min_length=1)
    """SQLAlchemy URL; a relative SQLite path resolves against the settings folder."""
    table: str = Field(pattern=TABLE_NAME_PATTERN)
    """Table name: a letter or '_', then letters, digits, '_' (at most 63)."""
    fields: list[str] | None = Field(default=None, min_length=1)
    """Columns for a table that does not exist yet; unset: the keys of the first row."""
    extras: Literal["error", "ignore"] = "error"
    resume_key: str | None = Field(default=None, pattern=TABLE_NAME_PATTERN)
    """Column for ``<run id>/<ordinal>`` keys, which make the sink resumable."""


def _column_type(value: Any) -> sa.types.TypeEngine[Any]:
    if isinstance(value, bool):
        return sa.Boolean()
    if isinstance(value, int):
        return sa.BigInteger()
    if isinstance(value, float):
        return sa.Float()
    if isinstance(value, Decimal):
        return sa.Numeric()
    if isinstance(value, dt.datetime):
        return sa.DateTime(timezone=value.tzinfo is not None)
    if isinstance(value, dt.date):
        return sa.Date()
    return sa.Text()


class DatabaseSink:
    name = "database"

    def __init__(self, options: DatabaseSinkOptions, base_dir: Path, where: str) -> None:
        self.where = where
        try:
            self.url = resolve_database_url(options.url, base_dir)
            self.shown_url = make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError as error:
            raise PluginError(f"{where}.options.url: not an SQLAlchemy URL: {error}") from None
        self.table_name = options.table
        self.fields = list(options.fields) if options.fields else None
        self.extras = options.extras
        self.resume_key = options.resume_key
        self.run_id = uuid.uuid4().hex  # replaced by the engine's run id (start_run)
        self.rows_written = 0
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._table: sa.Table | None = None
        self._json_columns: set[str] = set()
        self._closed = False

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "DatabaseSink":
        return cls(validate_options(DatabaseSinkOptions, options, where), base_dir, where)

    def _fail(self, doing: str, error: Exception) -> PluginError:
        return PluginError(
            f"{self.where}: cannot {doing} table {self.table_name!r} at {self.shown_url}: {error}"
        )

    def _connect(self) -> Connection:
        if self._closed:
            raise PluginError(f"{self.where}: the sink for {self.table_name!r} is closed")
        if self._connection is None:
            try:
                self._engine = sa.create_engine(self.url)
                self._connection = self._engine.connect()
            except (SQLAlchemyError, NoSuchModuleError, OSError) as error:
                raise self._fail("connect for", error) from None
        return self._connection

    def _ensure_table(self, connection: Connection, rows: Sequence[Row]) -> sa.Table:
        if self._table is not None:
            return self._table
        metadata = sa.MetaData()
        try:
            if sa.inspect(connection).has_table(self.table_name):
                table = sa.Table(self.table_name, metadata, autoload_with=connection)
            else:
                names = self.fields or [str(key) for key in rows[0]]
                samples = {
                    n: next((r[n] for r in rows if r.get(n) is not None), None) for n in names
                }
                columns = [sa.Column(n, _column_type(samples[n]), nullable=True) for n in names]
                if self.resume_key is not None and self.resume_key not in names:
                    columns.append(sa.Column(self.resume_key, sa.String(64), unique=True))
                table = sa.Table(self.table_name, metadata, *columns)
                metadata.create_all(connection)
        except SQLAlchemyError as error:
            raise self._fail("create or read", error) from None
        if self.resume_key is not None and self.resume_key not in table.columns:
            raise PluginError(
                f"{self.where}.options.resume_key: table {self.table_name!r} at"
                f" {self.shown_url} has no column {self.resume_key!r}"
            )
        self._json_columns = {c.name for c in table.columns if isinstance(c.type, sa.Text)}
        self._table = table
        return table

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        connection = self._connect()
        table = self._ensure_table(connection, rows)
        key = self.resume_key
        columns = [column.name for column in table.columns if column.name != key]
        known = set(columns)
        prepared = []
        for number, row in enumerate(rows):
            if self.extras == "error" and not known.issuperset(row):
                extra = [key for key in row if key not in known]
                raise PluginError(
                    f"{self.where}: row {self.rows_written + number} has field(s)"
                    f" {', '.join(map(repr, extra))} that are not columns of table"
                    f" {self.table_name!r} (columns: {', '.join(columns)}); set"
                    " `extras: ignore` to leave them out"
                )
            record = {name: self._value(name, row.get(name)) for name in columns}
            if key is not None:
                record[key] = self._key(self.rows_written + number)
            prepared.append(record)
        try:
            connection.execute(table.insert(), prepared)
        except SQLAlchemyError as error:
            raise self._fail("insert into", error) from None
        self.rows_written += len(rows)

    def _key(self, ordinal: int) -> str:
        return f"{self.run_id}/{ordinal:012d}"

    def start_run(self, run_id: str) -> None:
        self.run_id = run_id

    def resume(self, run_id: str, artifact: ArtifactInfo | None) -> None:
        """Delete this run's rows past the checkpoint (``resume_key`` >= the key of the
        first row not checkpointed) and continue the ordinals from there."""
        if self.resume_key is None:
            raise PluginError(
                f"{self.where}.options.resume_key: a run with a database sink can only be"
                " resumed when the sink writes a resume key; set `resume_key: <column>`"
                " for new runs (this run cannot be resumed)"
            )
        self.run_id = run_id
        done = artifact.rows_written if artifact is not None else 0
        connection = self._connect()
        try:
            if sa.inspect(connection).has_table(self.table_name):
                table = sa.Table(self.table_name, sa.MetaData(), autoload_with=connection)
                column = table.c[self.resume_key]
                # The run's keys by their prefix, not by a range up to "<run>/~": under a
                # linguistic collation (PostgreSQL's usual en_US) punctuation does not sort
                # as in SQLite, and that range would be empty.
                prefix = f"{run_id}/"
                mine = sa.func.substr(column, 1, len(prefix)) == prefix
                connection.execute(table.delete().where(mine, column >= self._key(done)))
                query = sa.select(sa.func.count()).select_from(table).where(mine)
                kept = connection.execute(query).scalar_one()
                connection.commit()
                if kept != done:
                    raise PluginError(
                        f"{self.where}: cannot resume table {self.table_name!r}: it holds"
                        f" {kept} rows of run {run_id}, the checkpoint says {done}"
                    )
            elif done:
                raise PluginError(f"{self.where}: cannot resume: table {self.table_name!r} is gone")
        except (SQLAlchemyError, KeyError) as error:
            raise self._fail("resume", error) from None
        self.rows_written = done

    def _value(self, column: str, value: Any) -> Any:
        if column in self._json_columns and isinstance(value, list | dict | tuple):
            return json_text(value)
        return value

    def flush(self) -> ArtifactInfo:
        if self._connection is not None:
            try:
                self._connection.commit()
            except SQLAlchemyError as error:
                raise self._fail("commit to", error) from None
        return ArtifactInfo(
            path=f"{self.shown_url}#{self.table_name}",
            size_bytes=0,
            content_hash=None,
            rows_written=self.rows_written,
        )

    def close(self) -> None:
        if self._closed:
            return
        try:
            if self._connection is not None:
                self.flush()
        finally:
            if self._connection is not None:
                self._connection.close()
            if self._engine is not None:
                self._engine.dispose()
            self._connection, self._engine, self._closed = None, None, True
