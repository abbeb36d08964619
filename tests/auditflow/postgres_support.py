"""A real, throw-away PostgreSQL server for the tests (``tests/auditflow/conftest.py``).

``initdb`` into a temp folder, ``pg_ctl start`` listening on a unix socket in that folder
and on a free TCP port of 127.0.0.1 only; each test gets its own database. PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` system user
(Debian's ``postgresql`` package creates it). Without the binaries the tests skip, except
under ``CI=true``, where ``.ci/run`` installs them and a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def find_bin_dir() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: Debian's newest version, else the PATH."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def unavailable(reason: str) -> None:
    """Skip the test, or fail it on CI (where the server must be there)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests cannot run on CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    socket_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        from sqlalchemy import create_engine, text

        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)


@contextmanager
def running_server() -> Iterator[Server]:
    """Start a server for the ``with`` block; stop it and remove its files afterwards."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        raise AssertionError("unreachable")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("the psycopg driver is not installed (pip install 'importgate[postgres]')")
    prefix: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="auditflow-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")  # KeyError: install Debian's postgresql package
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = folder / "data", folder / "server.log"
    port = _free_port()

    def pg(*args: str) -> None:
        done = subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            detail = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}{detail}")

    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"]  # fmt: skip
        try:
            # A linguistic default collation (as on most servers, en_US.UTF-8), where
            # punctuation sorts unlike in C / SQLite: string ranges must not rely on it.
            pg(*initdb, "--locale-provider=icu", "--icu-locale=en-US")
        except RuntimeError:  # a server built without ICU (before PostgreSQL 15)
            shutil.rmtree(data, ignore_errors=True)
            pg(*initdb)
        options = f"-p {port} -k {folder} -h 127.0.0.1 -F -c max_connections=50"
        pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
           "-t", "60", "start")  # fmt: skip
        try:
            yield Server(port, folder)
        finally:
            pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
