"""Shared machinery of the file sinks: a lazily opened file, written chunk by chunk,
with a running SHA-256 of every byte written (so ``flush`` reports the content hash
without re-reading the file)."""

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import ArtifactInfo, Row

__all__ = ["FileSink", "json_default"]


def json_default(value: Any) -> Any:
    """``json.dumps`` fallback: datetime / date / time -> ISO string, Decimal -> exact
    string, set -> sorted list, bytes -> hex."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Decimal {value} is not JSON")
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"a value of type {type(value).__name__} cannot be written as JSON")


_ENCODER = json.JSONEncoder(
    default=json_default, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def json_text(value: Any) -> str:
    """Compact JSON with the conversions of :func:`json_default`; no NaN / infinity.
    (One shared encoder: ``json.dumps`` with options builds a new one per call.)"""
    return _ENCODER.encode(value)


class FileSink:
    """Base of ``csv`` and ``jsonl``: subclasses turn a chunk of rows into bytes.

    The file is created (and its folder) on the first ``write`` or ``flush``; an existing
    file is replaced. Nothing is touched when the sink is only created.
    """

    name = "file"

    def __init__(self, path: Path, where: str) -> None:
        self.path = path
        self.where = where
        self.rows_written = 0
        self.size_bytes = 0
        self._hash = hashlib.sha256()
        self._file: IO[bytes] | None = None
        self._closed = False

    def encode(self, rows: Sequence[Row]) -> bytes:
        raise NotImplementedError

    def preamble(self) -> bytes:
        """Bytes written when the file is created (a csv header)."""
        return b""

    def _handle(self) -> IO[bytes]:
        if self._closed:
            raise PluginError(f"{self.where}: the sink for {self.path} is already closed")
        if self._file is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("wb")
            except OSError as error:
                raise PluginError(
                    f"{self.where}.options.path: cannot write {self.path}: {error}"
                ) from None
            self._put(self.preamble())
        return self._file

    def _put(self, data: bytes) -> None:
        if not data:
            return
        assert self._file is not None
        try:
            self._file.write(data)
        except OSError as error:
            raise PluginError(f"{self.where}: cannot write {self.path}: {error}") from None
        self._hash.update(data)
        self.size_bytes += len(data)

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        self._handle()
        self._put(self.encode(rows))
        self.rows_written += len(rows)

    def flush(self) -> ArtifactInfo:
        handle = self._handle() if not self._closed else None
        if handle is not None:
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as error:
                raise PluginError(f"{self.where}: cannot flush {self.path}: {error}") from None
        return self.info()

    def info(self) -> ArtifactInfo:
        return ArtifactInfo(
            path=str(self.path),
            size_bytes=self.size_bytes,
            content_hash=self._hash.hexdigest(),
            rows_written=self.rows_written,
        )

    def start_run(self, run_id: str) -> None:
        """A new run: nothing to prepare (the file is replaced on the first write)."""

    def resume(self, run_id: str, artifact: ArtifactInfo | None) -> None:
        """Continue the file as the checkpoint left it: check the SHA-256 of its first
        checkpointed-size bytes against the checkpointed hash, truncate it to that size
        (dropping rows written after the checkpoint), then append. No artifact: start a
        new file. A file that fails the check is left as it is (it may be another run's)."""
        if artifact is None or artifact.size_bytes == 0:
            return
        try:
            handle = self.path.open("r+b")
        except OSError as error:
            raise PluginError(
                f"{self.where}: cannot resume {self.path}: {error}; it held"
                f" {artifact.size_bytes} bytes at the checkpoint"
            ) from None
        try:
            size = handle.seek(0, os.SEEK_END)
            if size < artifact.size_bytes:
                raise PluginError(
                    f"{self.where}: cannot resume {self.path}: it has {size} bytes, fewer than"
                    f" the {artifact.size_bytes} it had at the checkpoint"
                )
            handle.seek(0)
            digest, left = hashlib.sha256(), artifact.size_bytes
            while left and (chunk := handle.read(min(left, 1 << 20))):
                digest.update(chunk)
                left -= len(chunk)
            if artifact.content_hash is not None and digest.hexdigest() != artifact.content_hash:
                raise PluginError(
                    f"{self.where}: cannot resume {self.path}: its first"
                    f" {artifact.size_bytes} bytes changed since the checkpoint (SHA-256"
                    f" {digest.hexdigest()}, expected {artifact.content_hash}); the file is"
                    " left as it is"
                )
            handle.truncate(artifact.size_bytes)
            handle.seek(artifact.size_bytes)
            handle.flush()
            os.fsync(handle.fileno())
            self.resumed(handle)
        except BaseException:
            handle.close()
            raise
        self._file, self._hash = handle, digest
        self.size_bytes, self.rows_written = artifact.size_bytes, artifact.rows_written

    def resumed(self, handle: IO[bytes]) -> None:
        """Hook for subclasses: read what they need back from the resumed file."""

    def close(self) -> None:
        if self._closed:
            return
        if self._file is not None:
            try:
                self.flush()
            finally:
                self._file.close()
                self._file = None
        self._closed = True
