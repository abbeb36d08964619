"""Map module names to the source files grimp read them from.

grimp does not expose file paths, so we find them the way Python would, without
executing any code: ``importlib.util.find_spec`` on the *top-level* name only (which
never runs a package's ``__init__``), then walk the directories it names. Namespace
packages have several such directories; each is tried in order.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path


class ModuleLocator:
    """Find the file of a module, and show it relative to a base directory."""

    def __init__(self, base_dir: str | os.PathLike[str] | None = None) -> None:
        self._base = Path(base_dir or os.getcwd()).resolve()

    @cache  # noqa: B019 - one locator per run; the cache is the point
    def _top_level_dirs(self, top: str) -> tuple[Path, ...]:
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return ()
        if spec is None:
            return ()
        if spec.submodule_search_locations is not None:
            return tuple(Path(location) for location in spec.submodule_search_locations)
        if spec.origin and spec.origin not in ("built-in", "frozen"):
            return (Path(spec.origin),)
        return ()

    @cache  # noqa: B019
    def file_of(self, module: str) -> Path | None:
        """The ``.py`` file that defines ``module``, or None if it cannot be found."""
        top, *rest = module.split(".")
        for location in self._top_level_dirs(top):
            if location.is_file():
                if not rest:
                    return location
                continue
            base = location.joinpath(*rest)
            for candidate in (base / "__init__.py", base.with_name(base.name + ".py")):
                if candidate.is_file():
                    return candidate
        return None

    @cache  # noqa: B019
    def _real_dir(self, directory: Path) -> Path:
        return directory.resolve()

    @cache  # noqa: B019
    def display_path(self, module: str) -> str | None:
        """The module's file relative to the base directory (POSIX separators)."""
        path = self.file_of(module)
        if path is None:
            return None
        # Resolving a path costs a system call per directory level: each directory is
        # resolved once, and the file itself again only when it is a symbolic link.
        resolved = path.resolve() if path.is_symlink() else self._real_dir(path.parent) / path.name
        try:
            return resolved.relative_to(self._base).as_posix()
        except ValueError:
            return resolved.as_posix()
