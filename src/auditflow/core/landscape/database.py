"""Open a landscape database: any SQLAlchemy URL, SQLite tuned for an audit trail.

For SQLite every new connection turns on foreign keys (off by default in SQLite) and WAL
journaling (readers such as ``auditflow explain`` do not block a running pipeline), with
``synchronous=NORMAL``, which WAL keeps crash-safe for committed transactions.

PostgreSQL (``postgresql+psycopg://user@host/db``) needs no set-up beyond the URL; readers
that run several queries over one run (export, the integrity query) use
:func:`read_snapshot` so that a pipeline writing meanwhile cannot make them disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from auditflow.core.landscape.schema import SCHEMA_VERSION, landscape_info, metadata


class LandscapeError(Exception):
    """The audit-trail database could not be opened or is not a landscape."""


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get foreign keys and WAL turned on."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (ArgumentError, ValueError, ImportError) as error:
        hint = ""
        if isinstance(error, ImportError):
            hint = (
                "; install the database driver the URL names (for PostgreSQL:"
                " pip install 'importgate[postgres]' and a postgresql+psycopg:// URL)"
            )
        raise LandscapeError(f"landscape URL {url!r} cannot be used: {error}{hint}") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def read_snapshot(engine: Engine) -> Connection:
    """A connection whose queries all read one snapshot of the trail.

    PostgreSQL's default READ COMMITTED takes a new snapshot per statement, so a reader
    of several tables racing a running pipeline could export a token but not the outcome
    written a moment later; REPEATABLE READ fixes the snapshot at the first query (and
    never blocks the writer). Other databases get a plain connection.
    """
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def open_landscape(url: str, *, create: bool = True) -> Engine:
    """Open (and with ``create``, set up) the landscape at ``url``."""
    engine = make_engine(url)
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not create and database and database != ":memory:" and not Path(database).exists():
        engine.dispose()  # connecting would create an empty file
        raise LandscapeError(f"there is no audit trail at {url!r} (no such file)")
    try:
        if create:
            if engine.dialect.name == "sqlite":
                database = engine.url.database
                if database and database != ":memory:":
                    Path(database).parent.mkdir(parents=True, exist_ok=True)
            metadata.create_all(engine)
            with engine.begin() as connection:
                found = connection.execute(
                    select(landscape_info.c.value).where(landscape_info.c.key == "schema_version")
                ).scalar_one_or_none()
                if found is None:
                    connection.execute(
                        landscape_info.insert(),
                        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    )
                elif found != str(SCHEMA_VERSION):
                    raise LandscapeError(
                        f"landscape at {url!r} has schema version {found}, this auditflow "
                        f"writes version {SCHEMA_VERSION}; use a new database file"
                    )
        else:
            with engine.connect() as connection:
                connection.execute(select(landscape_info.c.value)).all()
    except (SQLAlchemyError, OSError) as error:
        engine.dispose()
        raise LandscapeError(f"landscape at {url!r} cannot be opened: {error}") from error
    return engine
