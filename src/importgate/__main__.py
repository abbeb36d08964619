"""The ``importgate`` entry point, and the pre-commit fast path it tries first.

``importgate check FILE...`` skips the check when no import statement changed.

pre-commit runs ``importgate check FILE...`` with the files of the commit. Building the
graph and checking every contract costs far more than reading those files, and most
commits do not touch an import. So, before anything heavy is imported (grimp and
import-linter are never loaded here), we ask git:

* which files differ from ``HEAD`` (``git diff --name-status HEAD``, limited to the
  working directory, from which the configuration is read): a new, deleted or
  renamed ``.py`` file, or a changed configuration file (``.importlinter``,
  ``setup.cfg``, ``pyproject.toml``, ``--config FILE``, anything under ``contracts/``),
  means the full check runs;
* for each given ``.py`` file that changed, the set of its import statements, as
  ``(module, names, level, kind)`` read with :mod:`ast`, against ``HEAD``'s version
  (one ``git cat-file --batch`` for all of them). Any difference means the full check.

Anything unexpected (no git, not a repository, no ``HEAD`` yet, a file that does not
parse) also means the full check: the fast path may only ever skip work, never hide a
result.

This is the process entry point (``importgate`` and ``python -m importgate``) rather
than a module of :mod:`importgate.cli`, because the decision is worth making only
before anything heavy is loaded: importing the command line alone (click, rich) costs
more than the whole fast path, and grimp and import-linter more again. The arguments
are read by hand for that reason; any option not known here means "no fast path", so
the command line proper (:func:`importgate.cli.main`) stays the judge of every argument.
"""

from __future__ import annotations

import ast
import os
import posixpath
import subprocess
from collections.abc import Iterable, Iterator, Sequence

ImportStatement = tuple[str, tuple[str, ...], int, str]
"""``(module, imported names, relative level, kind)`` of one import statement."""

CONFIG_NAMES = (".importlinter", "setup.cfg", "pyproject.toml")
CONTRACTS_DIR = "contracts/"


def _is_type_checking(test: ast.expr) -> bool:
    name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
    return name == "TYPE_CHECKING"


def _walk(nodes: Iterable[ast.AST], kind: str) -> Iterator[ImportStatement]:
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from ((alias.name, (), 0, kind) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(sorted(alias.name for alias in node.names))
            yield (node.module or "", names, node.level, kind)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _walk(node.body, "typing")
            yield from _walk(node.orelse, kind)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _walk(
                ast.iter_child_nodes(node), "typing" if kind == "typing" else "deferred"
            )
        else:
            yield from _walk(ast.iter_child_nodes(node), kind)


def import_statements(source: str | bytes) -> frozenset[ImportStatement]:
    """Every import statement of a module; raises ``SyntaxError``/``ValueError``."""
    return frozenset(_walk(ast.parse(source).body, "runtime"))


def _git(args: Sequence[str], stdin: bytes | None = None) -> bytes | None:
    try:
        completed = subprocess.run(
            ["git", *args], input=stdin, capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):  # no git on PATH, among others
        return None
    return completed.stdout if completed.returncode == 0 else None


def _changed_paths() -> dict[str, str] | None:
    """``{path: status letter}`` for files under the working directory that differ from HEAD.

    Fails (None) outside a repository and before the first commit.
    """
    out = _git(["diff", "--name-status", "--no-renames", "--relative", "-z", "HEAD", "--"])
    if out is None:
        return None
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    return {path: status[:1] for status, path in zip(fields[::2], fields[1::2], strict=False)}


def _head_blobs(paths: Sequence[str]) -> dict[str, bytes] | None:
    """The content at HEAD of each path (relative to the working directory; new files are
    left out)."""
    if not paths:
        return {}
    request = "".join(f"HEAD:./{path}\n" for path in paths).encode("utf-8", "surrogateescape")
    out = _git(["cat-file", "--batch"], stdin=request)
    if out is None:
        return None
    blobs: dict[str, bytes] = {}
    position = 0
    for path in paths:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "HEAD:path missing": a new file
        size = int(header[2])
        blobs[path] = out[position : position + size]
        position += size + 1
    return blobs


def skip_reason(files: Sequence[str], config_files: Sequence[str] = ()) -> str | None:
    """The one line to print when the check can be skipped; None to run it in full."""
    if not files:
        return None
    changed = _changed_paths()
    if changed is None:
        return None  # not a repository, or no commit yet

    def relative(path: str) -> str:
        return posixpath.normpath(os.path.relpath(path).replace(os.sep, "/"))

    configs = {relative(name) for name in (*CONFIG_NAMES, *config_files)}
    for path, status in changed.items():
        if path in configs or path.startswith(CONTRACTS_DIR):
            return None
        if path.endswith(".py") and status != "M":
            return None  # added, deleted, renamed or changed type
    if any(os.path.isdir(f) for f in files):
        return None  # a directory stands for files we would have to find: not worth it
    wanted = [relative(f) for f in files if f.endswith(".py")]
    if any(path.startswith("../") for path in wanted):
        return None  # outside the working directory, where the diff above does not look
    to_compare = [path for path in wanted if path in changed]
    blobs = _head_blobs(to_compare)
    if blobs is None:
        return None
    for path in to_compare:
        try:
            with open(path, "rb") as handle:
                now = handle.read()
            if path not in blobs or import_statements(now) != import_statements(blobs[path]):
                return None
        except (OSError, SyntaxError, ValueError):
            return None
    return (
        f"importgate: no import statement changed in {len(wanted)} file(s) and the "
        "configuration is unchanged since HEAD: check skipped (fast path; --no-fast-path "
        "runs it)."
    )


_VALUE_OPTIONS = frozenset({"--config", "--contract", "--cache-dir", "--baseline", "--format"})
_FLAGS = frozenset({"--no-cache", "--debug"})


def fast_path_arguments(argv: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """``(files, extra configuration files)`` when ``argv`` allows the fast path, else None.

    Only ``check`` with files, and with text output only, qualifies: ``--output``,
    ``--output-dir``, another ``--format``, ``--no-fast-path``, ``--help`` or any option
    not listed here leave the decision to the full command line.
    """
    if not argv or argv[0] != "check":
        return None
    files: list[str] = []
    configs: list[str] = []
    rest = list(argv[1:])
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            files.extend(rest)
            break
        if not arg.startswith("-"):
            files.append(arg)
            continue
        name, has_value, value = arg.partition("=")
        if name in _FLAGS and not has_value:
            continue
        if name not in _VALUE_OPTIONS:
            return None
        if not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        if name == "--format" and value != "text":
            return None
        if name in ("--config", "--baseline"):
            configs.append(value)
    return (files, configs) if files else None


def main() -> None:
    """Console-script entry point: the fast path if it applies, else the command line."""
    import sys

    arguments = fast_path_arguments(sys.argv[1:])
    if arguments is not None and (message := skip_reason(*arguments)):
        print(message)
        sys.exit(0)
    from importgate.cli import main as cli_main

    cli_main()


if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    main()
