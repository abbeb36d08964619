"""Remember the kind of each import line between runs, beside grimp's own cache.

grimp caches the import graph per file, so a warm ``lint-imports`` run reads no source
at all. Explaining violations needs one more fact per import line (runtime, deferred or
typing-only), which means reading, and sometimes parsing, every importing file. This
cache keeps those answers in one JSON file inside the same cache directory, keyed by
each file's modification time and size (grimp keys its cache on the modification time),
so a warm importgate run reads no source either. No library caches this; the file is
small (a few numbers per importing file), so plain JSON is enough.

A missing, unreadable or foreign cache file only means work is redone; writing it is
best effort and atomic (a temporary file renamed over the old one).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from importgate.model import ImportKind

FILENAME = "importgate-kinds.json"
_VERSION = 1

Classifier = Callable[[Path, list[int]], Mapping[int, ImportKind]]

_KINDS = {str(kind): kind for kind in ImportKind}  # ImportKind(text), without enum's call


class KindCache:
    """Import kinds per file, loaded from and saved to ``directory`` (None: memory only)."""

    def __init__(self, directory: str | os.PathLike[str] | None) -> None:
        self._directory = Path(directory) if directory is not None else None
        self._files: dict[str, list[Any]] = {}  # path -> [mtime_ns, size, {line: kind}]
        self._stamps: dict[Path, tuple[int, int] | None] = {}
        self._dirty = False
        if self._directory is not None:
            self._files = _load(self._directory / FILENAME)

    def _stamp(self, path: Path) -> tuple[int, int] | None:
        if path not in self._stamps:
            try:
                status = path.stat()
                self._stamps[path] = (status.st_mtime_ns, status.st_size)
            except OSError:
                self._stamps[path] = None
        return self._stamps[path]

    def kinds(
        self, path: Path, lines: Iterable[int], classify: Classifier
    ) -> dict[int, ImportKind]:
        """The kind of each of ``lines`` in ``path``: cached, or from ``classify``."""
        wanted = list(lines)
        stamp = self._stamp(path)
        if stamp is None:  # unreadable: nothing worth remembering
            return dict(classify(path, wanted))
        key = str(path)
        entry = self._files.get(key)
        if entry is None or (entry[0], entry[1]) != stamp:
            entry = self._files[key] = [*stamp, {}]
        known: dict[str, str] = entry[2]
        missing = [line for line in wanted if str(line) not in known]
        if missing:
            for line, kind in classify(path, missing).items():
                known[str(line)] = str(kind)
            self._dirty = True
        return {line: _KINDS[known[str(line)]] for line in wanted}

    def save(self) -> None:
        """Write the cache if anything was added (silently skipped when it cannot be)."""
        if self._directory is None or not self._dirty:
            return
        # Forget files that are gone (renamed, deleted, another branch), so the cache does
        # not grow for ever; files seen in this run were just checked.
        seen = {str(path) for path in self._stamps}
        for key in [key for key in self._files if key not in seen]:
            if not os.path.exists(key):
                del self._files[key]
        document = {"version": _VERSION, "files": self._files}
        temporary = None
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._directory, prefix=".kinds-")
            os.chmod(temporary, 0o644)  # mkstemp makes it private; grimp's files are not
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, separators=(",", ":"))
            os.replace(temporary, self._directory / FILENAME)
            temporary = None
            self._dirty = False
        except OSError:
            pass  # a cache that cannot be written only means the work is redone
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def _load(path: Path) -> dict[str, list[Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("version") != _VERSION:
        return {}
    files = document.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        key: entry
        for key, entry in files.items()
        if isinstance(entry, list)
        and len(entry) == 3
        and all(isinstance(number, int) for number in entry[:2])
        and isinstance(entry[2], dict)
        and all(value in _KINDS for value in entry[2].values())
    }
