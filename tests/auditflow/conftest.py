"""Fixtures shared by the auditflow tests: a real PostgreSQL server (session-scoped)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.auditflow.postgres_support import Server, running_server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server started for this test session (skips without the binaries,
    fails under ``CI=true``)."""
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Server) -> str:
    """The SQLAlchemy URL of a fresh, empty PostgreSQL database."""
    return postgres_server.new_database()
