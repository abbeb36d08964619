"""What a module exports, and whether each exported name can still be imported from it.

Resolution is static and done by griffe: it reads the sources (never runs them) and
follows ``from .sub import name``, ``from pkg.sub import name as alias``, wildcard
imports and ``__all__`` (including ``__all__ += [...]``) to where each name is defined.

A snapshot (``contracts/public_api/<module>.json``, written by ``importgate snapshot``)
records the exported names with where each was defined, so a later change can tell a
removed name from a renamed one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

DEFAULT_SNAPSHOT_DIR = "contracts/public_api"


@dataclass(frozen=True)
class Name:
    """One exported name and what became of it."""

    name: str
    target: str | None
    """Where the name is defined (``pkg.core.Thing``), or the import it points at."""
    importable: bool
    problem: str = ""
    path: str | None = None
    line_number: int | None = None


@dataclass(frozen=True)
class Surface:
    """The exported names of a module, as its code stands now."""

    module: str
    path: str | None
    exports: tuple[str, ...] | None
    """``__all__`` (None when the module has none)."""
    public: tuple[str, ...]
    """``__all__`` when defined, else the public names (no leading underscore)."""
    all_line: int | None

    names: dict[str, Name]
    """Every name of the module, resolved (members and ``__all__`` entries)."""

    def resolve(self, name: str) -> Name:
        return self.names.get(name) or Name(
            name,
            None,
            importable=False,
            problem=f"{self.module} does not define or import '{name}'",
            path=self.path,
            line_number=self.all_line if name in (self.exports or ()) else None,
        )


def _relative(path: Path | str | None) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _external_ok(target: str, top: str) -> bool | None:
    """For a name imported from outside the module's own top-level package: findable?"""
    other = target.split(".", 1)[0]
    if other == top:
        return None
    try:
        return importlib.util.find_spec(other) is not None
    except (ImportError, ValueError):
        return False


def _resolve_member(module: str, member: Any, path: str | None) -> Name:
    name: str = member.name
    if not member.is_alias:
        return Name(name, member.path, True, path=path, line_number=member.lineno)
    line = member.alias_lineno
    try:
        target = member.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        external = _external_ok(member.target_path, module.split(".", 1)[0])
        if external:
            return Name(name, member.target_path, True, path=path, line_number=line)
        return Name(
            name,
            member.target_path,
            False,
            problem=f"{module} imports '{name}' from {member.target_path}, which does not exist",
            path=path,
            line_number=line,
        )
    return Name(name, target.path, True, path=path, line_number=line)


def _load(loader: griffe.GriffeLoader, module: str) -> Any:
    try:
        return loader.load(module, try_relative_path=False)
    except ModuleNotFoundError as error:
        raise ValueError(
            f"Module '{module}' cannot be found (searched the working directory and "
            "the import path)."
        ) from error
    except (ImportError, KeyError, griffe.GriffeError) as error:
        raise ValueError(f"Module '{module}' cannot be read: {error or 'not found'}.") from error
    except SyntaxError as error:
        raise ValueError(f"Module '{module}' cannot be parsed: {error}.") from error


def load_surfaces(modules: Sequence[str]) -> dict[str, Surface]:
    """Read ``modules`` statically, sharing one loader (a package is parsed once).

    Raises ``ValueError`` naming the module that cannot be found or read.
    """
    loader = griffe.GriffeLoader(search_paths=[os.getcwd(), *sys.path], allow_inspection=False)
    with griffe.logger.disable():
        # Load each top-level package once (with all its submodules), then pick modules.
        tops = {top: _load(loader, top) for top in dict.fromkeys(m.split(".")[0] for m in modules)}
        loader.resolve_aliases(implicit=False, external=False)
    surfaces = {}
    for module in modules:
        top, _, rest = module.partition(".")
        try:
            obj = tops[top][rest] if rest else tops[top]
        except (KeyError, ValueError):
            raise ValueError(_why_missing(module, tops[top])) from None
        surfaces[module] = _surface(module, obj)
    return surfaces


def _why_missing(module: str, top: Any) -> str:
    """Why griffe has no ``module`` inside ``top``: griffe skips a file it cannot parse or
    decode (with a log line only), so a file that exists is read again here to say why."""
    found = f"Module '{module}' cannot be found in package '{top.path}'."
    filepath = getattr(top, "filepath", None)
    if not isinstance(filepath, Path) or filepath.name != "__init__.py":
        return found
    base = filepath.parent.joinpath(*module.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if not candidate.is_file():
            continue
        try:
            compile(candidate.read_bytes(), str(candidate), "exec", dont_inherit=True)
        except SyntaxError as error:
            where = f"Module '{module}' ({candidate})"
            return f"{where} cannot be parsed: line {error.lineno}: {error.msg}."
        except ValueError as error:  # e.g. null bytes
            return f"Module '{module}' ({candidate}) cannot be parsed: {error}."
    return found


def load_surface(module: str) -> Surface:
    """One module's surface (see :func:`load_surfaces`)."""
    return load_surfaces([module])[module]


def _surface(module: str, loaded: Any) -> Surface:
    if not loaded.is_module:
        raise ValueError(f"'{module}' is not a module but a {loaded.kind.value}.")
    path = _relative(loaded.filepath if isinstance(loaded.filepath, Path) else None)
    names = {
        name: _resolve_member(module, member, path)
        for name, member in loaded.members.items()
        if name != "__all__"
    }
    exports = None if loaded.exports is None else tuple(str(e) for e in loaded.exports)
    if exports is not None:
        public = exports
    else:
        public = tuple(n for n, m in loaded.members.items() if m.is_public and not m.is_alias)
    all_member = loaded.members.get("__all__")
    return Surface(
        module=module,
        path=path,
        exports=exports,
        public=tuple(sorted(dict.fromkeys(public))),
        all_line=all_member.lineno if all_member is not None else None,
        names=names,
    )


def snapshot_path(directory: str, module: str) -> Path:
    return Path(directory) / f"{module}.json"


def snapshot_document(surface: Surface) -> dict[str, Any]:
    """The snapshot file's content: the public names, each with where it is defined."""
    return {
        "module": surface.module,
        "source": "__all__" if surface.exports is not None else "public names",
        "names": {name: surface.resolve(name).target for name in surface.public},
    }


def write_snapshot(surface: Surface, directory: str = DEFAULT_SNAPSHOT_DIR) -> Path:
    target = snapshot_path(directory, surface.module)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(snapshot_document(surface), indent=2, sort_keys=True) + "\n"
    target.write_text(text, encoding="utf-8")
    return target


def read_snapshot(path: Path) -> dict[str, str | None]:
    """Names -> recorded definition; ``ValueError`` names the file when it is malformed."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        names = document["names"]
        if not isinstance(names, dict):
            raise TypeError("'names' must be an object")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"Snapshot {path} cannot be read ({error}); re-create it with "
            f"'importgate snapshot MODULE'."
        ) from error
    return {str(name): (None if target is None else str(target)) for name, target in names.items()}
