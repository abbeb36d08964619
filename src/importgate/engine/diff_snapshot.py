"""Check one tree in a child process and read back its snapshot.

See :mod:`importgate.engine.diff` for why each side is a child process and
:mod:`importgate.engine.diff_side` for the child itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importgate.model import ContractResult, CouldNotRun, ImportKind, Link, Violation


@dataclass(frozen=True)
class Snapshot:
    """A checked tree: its contract results and every direct import in its graph."""

    contracts: tuple[ContractResult, ...]
    imports: tuple[Link, ...]
    root_packages: tuple[str, ...] = ()
    config_file: str | None = None
    module_count: int = 0
    import_count: int = 0
    layers: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    """Node (at the diff's depth) -> (layer index from the bottom, layer caption)."""


@dataclass(frozen=True)
class SideRequest:
    """How to check one side: where, with which options."""

    label: str
    """``base`` or ``head``."""
    revision: str
    """What the user named, for messages: ``main (1a2b3c4d5e)`` or ``working tree``."""
    cwd: Path
    tree_root: Path
    source_root: Path
    config_file: str | None = None
    contract_ids: Sequence[str] = field(default_factory=tuple)
    cache_dir: str | None = None
    no_cache: bool = False
    debug: bool = False
    depth: int = 2


def run_side(request: SideRequest) -> Snapshot:
    """Run the child on one tree; CouldNotRun (naming the side) when it cannot check it."""
    argv = [
        sys.executable,
        "-P",  # never import importgate (or anything) from the checked tree by accident
        "-m",
        "importgate.engine.diff_side",
        "--tree-root",
        str(request.tree_root),
        "--source-root",
        str(request.source_root),
    ]
    if request.config_file:
        argv += ["--config", request.config_file]
    for contract_id in request.contract_ids:
        argv += ["--contract", contract_id]
    if request.no_cache:
        argv.append("--no-cache")
    elif request.cache_dir:
        argv += ["--cache-dir", request.cache_dir]
    if request.debug:
        argv.append("--debug")
    argv += ["--depth", str(request.depth)]
    # No .pyc files in the user's tree when a custom contract type is imported from it.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(
        argv,
        cwd=request.cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    try:
        document = json.loads(completed.stdout)
    except ValueError:
        tail = completed.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise CouldNotRun(
            f"On the {request.label} side ({request.revision}), importgate stopped with exit code "
            f"{completed.returncode}: {tail[0]}",
            hint="Run again with --debug, or run `importgate check` in that tree.",
        ) from None
    if "error" in document:
        message = _without_temporary_paths(document["error"], request)
        raise CouldNotRun(f"On the {request.label} side ({request.revision}): {message}")
    return parse_snapshot(document["snapshot"])


def _without_temporary_paths(message: str, request: SideRequest) -> str:
    """``message`` with the temporary worktree's paths (gone once the diff ends) written
    relative to the top of the revision: ``/tmp/importgate-diff-1-x/base/a.py`` -> ``a.py``."""
    if request.tree_root == request.source_root:
        return message
    tree = str(request.tree_root)
    return message.replace(tree + os.sep, "").replace(tree, "the top directory of that revision")


def parse_snapshot(data: Mapping[str, Any]) -> Snapshot:
    """A snapshot document (as printed by the child) as typed values."""
    imports = tuple(
        Link(
            importer=importer,
            imported=imported,
            path=path,
            line_number=lines[0] if lines else None,
            line_contents=contents,
            line_numbers=tuple(lines),
        )
        for importer, imported, path, lines, contents in data["imports"]
    )
    return Snapshot(
        contracts=tuple(_contract(item) for item in data["contracts"]),
        imports=imports,
        root_packages=tuple(data["root_packages"]),
        config_file=data["config_file"],
        module_count=data["module_count"],
        import_count=data["import_count"],
        layers={node: (index, name) for node, (index, name) in data.get("layers", {}).items()},
    )


def _link(data: Mapping[str, Any]) -> Link:
    return Link(
        importer=data["importer"],
        imported=data["imported"],
        path=data["path"],
        line_number=data["line_number"],
        line_contents=data["line_contents"],
        line_numbers=tuple(data["line_numbers"]),
        kind=ImportKind(data["kind"]),
    )


def _violation(data: Mapping[str, Any]) -> Violation:
    return Violation(
        importer=data["importer"],
        imported=data["imported"],
        chain=tuple(_link(link) for link in data["chain"]),
        message=data["message"],
    )


def _contract(data: Mapping[str, Any]) -> ContractResult:
    return ContractResult(
        id=data["id"],
        name=data["name"],
        type=data["type"],
        kept=data["kept"],
        violations=tuple(_violation(item) for item in data["violations"]),
        warnings=tuple(data["warnings"]),
        details=data["details"],
        duration_ms=data["duration_ms"],
    )
