"""Database URLs relative to a settings file."""

from pathlib import Path

from sqlalchemy.engine import make_url

__all__ = ["resolve_database_url"]


def resolve_database_url(url: str, base_dir: Path) -> str:
    """``url`` with a relative SQLite file path resolved against ``base_dir``.

    Other databases, ``:memory:`` and ``file:`` URIs are returned unchanged (apart from
    SQLAlchemy's normal rendering). Raises ``sqlalchemy.exc.ArgumentError`` for a
    string that is not a URL.
    """
    parsed = make_url(url)
    database = parsed.database
    local_file = (
        parsed.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not database.startswith("file:")
    )
    if local_file and not Path(str(database)).is_absolute():
        parsed = parsed.set(database=str((base_dir / str(database)).resolve()))
    return parsed.render_as_string(hide_password=False)
