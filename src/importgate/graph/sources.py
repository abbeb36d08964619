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
    """Find the file of a module, and show it relative to a base directory.

    A report locates hundreds of modules: paths are joined as strings and each
    directory is resolved and made relative once (``pathlib`` per module cost ~20 ms
    on django + sympy).
    """

    def __init__(self, base_dir: str | os.PathLike[str] | None = None) -> None:
        self._base = Path(base_dir or os.getcwd()).resolve()

    @cache  # noqa: B019 - one locator per run; the cache is the point
    def _top_level_dirs(self, top: str) -> tuple[str, ...]:
        """Where the top-level module or package lives, each as ``str(Path(...))``."""
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return ()
        if spec is None:
            return ()
        if spec.submodule_search_locations is not None:
            return tuple(str(Path(location)) for location in spec.submodule_search_locations)
        if spec.origin and spec.origin not in ("built-in", "frozen"):
            return (str(Path(spec.origin)),)
        return ()

    @cache  # noqa: B019
    def file_of(self, module: str) -> Path | None:
        """The ``.py`` file that defines ``module``, or None if it cannot be found."""
        top, *rest = module.split(".")
        for location in self._top_level_dirs(top):
            if os.path.isfile(location):
                if not rest:
                    return Path(location)
                continue
            base = os.path.join(location, *rest)
            for candidate in (os.path.join(base, "__init__.py"), base + ".py"):
                if os.path.isfile(candidate):
                    return Path(candidate)
        return None

    def _shown(self, path: Path) -> str:
        """``path``, resolved, relative to the base directory when inside it."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self._base).as_posix()
        except ValueError:
            return resolved.as_posix()

    @cache  # noqa: B019
    def _shown_dir(self, directory: str) -> str:
        return self._shown(Path(directory))

    @cache  # noqa: B019
    def display_path(self, module: str) -> str | None:
        """The module's file relative to the base directory (POSIX separators)."""
        path = self.file_of(module)
        if path is None:
            return None
        text = str(path)
        if os.path.islink(text):  # the link's target decides, not the directory it is in
            return self._shown(path)
        # Resolving a path costs a system call per directory level: each directory is
        # resolved (and made relative) once.
        directory = self._shown_dir(os.path.dirname(text))
        if directory == ".":
            return path.name
        return f"{directory}{'' if directory.endswith('/') else '/'}{path.name}"
