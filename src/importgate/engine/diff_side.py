"""One side of ``importgate diff``: check one tree and print a snapshot as JSON.

Run as ``python -P -m importgate.engine.diff_side`` with the tree as working directory
(see :mod:`importgate.engine.diff` for why each side runs in its own process). Prints one
JSON document on stdout: ``{"snapshot": {...}}`` on success, ``{"error": "..."}`` with
exit 2 when the check cannot run on this tree.

The snapshot holds the check result (as in the JSON report), every direct import
between the modules of the graph, with file and line, so the parent can collapse and
compare the graphs without building them again, and the layer of each node at the
diff's depth (as ``importgate graph`` places it) so the diagram is drawn bottom-up.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from importgate.engine import linter
from importgate.engine.architecture import architecture
from importgate.engine.check import CheckOptions, check_graph
from importgate.graph import ModuleLocator
from importgate.model import CouldNotRun

SNAPSHOT_VERSION = 1


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="importgate.engine.diff_side")
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--tree-root", required=True)
    parser.add_argument("--config")
    parser.add_argument("--contract", action="append", default=[])
    parser.add_argument("--cache-dir")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--depth", type=int, default=2)
    return parser.parse_args(argv)


def point_imports_at_tree(packages: list[str], tree: Path, source: Path) -> None:
    """Make ``packages`` import from ``tree`` when they would come from ``source``.

    A package installed in editable mode (or put on ``PYTHONPATH`` by absolute path)
    resolves to the user's own checkout, ``source``. For a temporary worktree ``tree``
    the same directory inside ``tree`` is put first on ``sys.path`` instead, so grimp
    reads the revision being checked. Nothing is imported: ``find_spec`` of a top-level
    name never runs package code.
    """
    if tree == source:
        return
    for top in dict.fromkeys(name.split(".")[0] for name in packages):
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        locations = list(spec.submodule_search_locations or ([spec.origin] if spec.origin else []))
        for location in locations:
            found = Path(location).resolve()
            if found.is_relative_to(tree) or not found.is_relative_to(source):
                continue
            candidate = tree / found.parent.relative_to(source)
            if not candidate.is_dir():
                continue
            if str(candidate) not in sys.path:
                sys.path.insert(0, str(candidate))
                importlib.invalidate_caches()
            if top in sys.modules:
                _respec(top, candidate)


def _respec(top: str, directory: Path) -> None:
    """Point ``find_spec(top)`` at ``directory`` for a package this process has imported.

    ``importlib.util.find_spec`` answers from ``sys.modules`` first, and grimp and
    import-linter find root packages with it. When the checked package is one this
    process runs (``importgate diff`` on importgate's own repository, or on grimp's), it
    would answer with the running copy, i.e. the user's checkout. Only the module's
    ``__spec__`` is replaced: its ``__path__``, which imports of its submodules use, stays,
    so the running code is not affected.
    """
    spec = importlib.machinery.PathFinder.find_spec(top, [str(directory)])
    if spec is not None:
        sys.modules[top].__spec__ = spec


def snapshot(arguments: argparse.Namespace) -> dict[str, Any]:
    """Check the tree in the working directory and describe its graph."""
    tree, source = Path(arguments.tree_root).resolve(), Path(arguments.source_root).resolve()
    cwd = os.getcwd()
    if sys.path[:1] != [cwd]:
        sys.path.insert(0, cwd)
    options = CheckOptions(
        config_file=arguments.config,
        contract_ids=tuple(arguments.contract),
        cache_dir=arguments.cache_dir,
        no_cache=arguments.no_cache,
    )
    try:
        roots = linter.read_options(arguments.config).session_options["root_packages"]
        point_imports_at_tree(list(roots), tree, source)
    except Exception:  # run_check below reports configuration errors properly
        pass
    checked = check_graph(options)
    result, graph = checked.result, checked.graph
    locator = ModuleLocator()
    imports: list[list[Any]] = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = sorted({d["line_number"] for d in details})
            first = min(details, key=lambda d: d["line_number"]) if details else None
            imports.append(
                [
                    importer,
                    imported,
                    locator.display_path(importer),
                    lines,
                    first["line_contents"].strip() if first else "",
                ]
            )
    layers: dict[str, list[Any]] = {}
    for root in result.root_packages:
        try:
            picture = architecture(graph, root, arguments.depth, result, checked.contracts)
        except Exception:  # the layout is a nicety; the diff stands without it
            continue
        for node in picture.diagram.nodes:
            if node.layer is not None:
                layers[node.id] = [node.layer, node.layer_name]
    return {
        "snapshot_version": SNAPSHOT_VERSION,
        "layers": layers,
        "root_packages": list(result.root_packages),
        "config_file": result.config_file,
        "module_count": result.module_count,
        "import_count": result.import_count,
        "contracts": [contract.to_dict() for contract in result.contracts],
        "imports": imports,
    }


def main(argv: list[str]) -> int:
    arguments = _parse(argv)
    try:
        document: dict[str, Any] = {"snapshot": snapshot(arguments)}
        code = 0
    except CouldNotRun as error:
        document, code = {"error": str(error)}, 2
    except Exception as error:  # reported by the parent as one paragraph
        message = f"unexpected error: {type(error).__name__}: {error}"
        if arguments.debug:
            message += "\n" + traceback.format_exc()
        document, code = {"error": message}, 2
    sys.stdout.write(json.dumps(document))
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
