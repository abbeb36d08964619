"""The ``importgate`` entry point, and the pre-commit fast path it tries first.

``importgate check FILE...`` skips the check when no import statement changed.

pre-commit runs ``importgate check FILE...`` with the files of the commit. Building the
graph and checking every contract costs far more than reading those files, and most
commits do not touch an import. So, before anything heavy is imported (grimp and
import-linter are never loaded here), we ask git:

* which files differ from ``HEAD``, limited to the working directory, from which the
  configuration is read: a new, deleted or renamed ``.py`` file, or a changed
  configuration file (``.importlinter``, ``setup.cfg``, ``pyproject.toml``,
  ``--config FILE``, anything under ``contracts/``), means the full check runs;
* for each given ``.py`` file that changed, the set of its import statements, as
  ``(module, names, level, kind)`` read from its syntax tree, against ``HEAD``'s
  version. Any difference means the full check.

Both answers come from one git process, ``git diff --raw -p -U0 HEAD``: the raw part
lists the changed files, the patch gives ``HEAD``'s version of each given file back from
the file on disk (every line the patch says the file now holds is checked against the
file; a mismatch means the full check). Asking git twice (``--name-status``, then
``cat-file --batch``) cost a second git start on every commit.

Anything unexpected (no git, not a repository, no ``HEAD`` yet, a merge in progress, a
file that does not parse, a patch that does not fit the file) also means the full
check: the fast path may only ever skip work, never hide a result.

This is the process entry point (``importgate`` and ``python -m importgate``) rather
than a module of :mod:`importgate.cli`, because the decision is worth making only
before anything heavy is loaded: importing the command line alone (click, rich) costs
more than the whole fast path, and grimp and import-linter more again. The arguments
are read by hand for that reason; any option not known here means "no fast path", so
the command line proper (:func:`importgate.cli.main`) stays the judge of every argument.
"""

from __future__ import annotations

# Only modules the interpreter has loaded before ``main`` runs, and ``_ast`` (built in):
# ``ast`` (enum, contextlib...), ``subprocess`` (signal, threading, selectors, locale...)
# and ``collections.abc`` would each cost more than a git call here.
import _ast
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

ImportStatement = tuple[str, tuple[str, ...], int, str]
"""``(module, imported names, relative level, kind)`` of one import statement."""

CONFIG_NAMES = (".importlinter", "setup.cfg", "pyproject.toml")
CONTRACTS_DIR = "contracts/"

DIFF = (
    "diff",
    "--no-renames",
    "--relative",
    "-z",
    "--raw",
    "-p",
    "-U0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "HEAD",
    "--",
)
"""The one git command: which files differ from HEAD (``--raw``) and how (``-p``)."""


def _is_type_checking(test: _ast.expr) -> bool:
    name = test.id if isinstance(test, _ast.Name) else getattr(test, "attr", None)
    return name == "TYPE_CHECKING"


def _children(node: _ast.AST) -> Iterator[_ast.AST]:
    """``ast.iter_child_nodes``, without importing :mod:`ast`."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, _ast.AST))
        elif isinstance(value, _ast.AST):
            yield value


def _walk(nodes: Iterable[_ast.AST], kind: str) -> Iterator[ImportStatement]:
    for node in nodes:
        if isinstance(node, _ast.Import):
            yield from ((alias.name, (), 0, kind) for alias in node.names)
        elif isinstance(node, _ast.ImportFrom):
            names = tuple(sorted(alias.name for alias in node.names))
            yield (node.module or "", names, node.level or 0, kind)
        elif isinstance(node, _ast.If) and _is_type_checking(node.test):
            yield from _walk(node.body, "typing")
            yield from _walk(node.orelse, kind)
        elif isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.Lambda)):
            yield from _walk(_children(node), "typing" if kind == "typing" else "deferred")
        else:
            yield from _walk(_children(node), kind)


def import_statements(source: str | bytes) -> frozenset[ImportStatement]:
    """Every import statement of a module; raises ``SyntaxError``/``ValueError``."""
    tree = compile(source, "<fast path>", "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)
    if not isinstance(tree, _ast.Module):  # never: mode "exec" makes a Module
        raise ValueError("not a module")
    return frozenset(_walk(tree.body, "runtime"))


def _git(args: Sequence[str]) -> bytes | None:
    """git's stdout, or None when git fails or cannot be started.

    ``os.posix_spawnp`` and a pipe rather than :mod:`subprocess`, whose import alone
    costs as much as the git call (this runs on every commit); Windows, which has no
    ``posix_spawn``, gets :mod:`subprocess`.
    """
    if not hasattr(os, "posix_spawnp"):
        import subprocess

        try:
            done = subprocess.run(["git", *args], capture_output=True, check=False, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None
    try:
        return _spawn_git(args)
    except OSError:  # no git on PATH, out of file descriptors...
        return None


def _spawn_git(args: Sequence[str]) -> bytes | None:
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        read_end, write_end = os.pipe()
    except OSError:
        os.close(devnull)
        raise
    try:
        pid = os.posix_spawnp(
            "git",
            ["git", *args],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0),
                (os.POSIX_SPAWN_DUP2, write_end, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
            ],
        )
    except OSError:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
        os.close(devnull)
    chunks = []
    try:
        while chunk := os.read(read_end, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(read_end)  # first: a git still writing gets SIGPIPE, never blocks the wait
        _, status = os.waitpid(pid, 0)
    return b"".join(chunks) if os.waitstatus_to_exitcode(status) == 0 else None


Hunk = tuple[int, int, list[bytes], list[bytes]]
"""``(first new line, new line count, old lines, new lines)`` of one hunk of a patch."""


def _range(text: bytes) -> tuple[int, int]:
    """``b"-12,3"`` -> ``(12, 3)``; a count left out is 1."""
    start, _, count = text[1:].partition(b",")
    return int(start), int(count) if count else 1


def _hunks(section: list[bytes]) -> list[Hunk] | None:
    """The hunks of one file's patch, read by their line counts (None if malformed)."""
    hunks: list[Hunk] = []
    index = 0
    while index < len(section):
        line = section[index]
        index += 1
        if not line.startswith(b"@@ -"):
            continue
        parts = line.split(b" ", 3)
        (_, old_count), (new_start, new_count) = _range(parts[1]), _range(parts[2])
        old: list[bytes] = []
        new: list[bytes] = []
        last: tuple[list[bytes], ...] = ()
        while index < len(section) and (
            len(old) < old_count or len(new) < new_count or section[index][:1] == b"\\"
        ):
            body = section[index]
            index += 1
            marker, content = body[:1], body[1:] + b"\n"
            if marker == b"\\":  # "\ No newline at end of file", about the line before
                for side in last:
                    side[-1] = side[-1][:-1]
                continue
            last = {b" ": (old, new), b"-": (old,), b"+": (new,)}.get(marker, ())
            if not last:
                return None
            for side in last:
                side.append(content)
        if len(old) != old_count or len(new) != new_count:
            return None
        hunks.append((new_start, new_count, old, new))
    return hunks


def _lines(data: bytes) -> list[bytes]:
    """``data`` cut after each ``\\n``, as git cuts lines."""
    lines = [line + b"\n" for line in data.split(b"\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _at_head(now: bytes, hunks: list[Hunk]) -> bytes | None:
    """The file as it was at HEAD: ``now`` with the patch taken back (None if it does not
    fit, e.g. the file changed since git read it, or git compared a filtered copy)."""
    lines = _lines(now)
    old: list[bytes] = []
    position = 0
    for new_start, new_count, old_lines, new_lines in hunks:
        start = new_start - 1 if new_count else new_start
        if start < position or lines[start : start + new_count] != new_lines:
            return None
        old += lines[position:start]
        old += old_lines
        position = start + new_count
    return b"".join(old + lines[position:])


def _changes() -> dict[str, tuple[str, list[bytes]]] | None:
    """``{path: (status letter, patch lines)}`` for each file under the working directory
    that differs from HEAD. One git call. None outside a repository, before the first
    commit, during a merge, or when git's answer is not what this parser expects."""
    out = _git(DIFF)
    if out is None:
        return None
    statuses: list[tuple[str, str]] = []
    position = 0
    while out.startswith(b":", position):  # the raw part: ":modes shas STATUS\0path\0"
        meta_end = out.index(b"\0", position)
        path_end = out.index(b"\0", meta_end + 1)
        status = out[meta_end - 1 : meta_end].decode("ascii")
        path = out[meta_end + 1 : path_end].decode("utf-8", "surrogateescape")
        statuses.append((path, status))
        position = path_end + 1
    sections: list[list[bytes]] = []
    for line in out[position:].lstrip(b"\0").split(b"\n"):
        if line.startswith(b"diff --"):  # "diff --git" per file; "diff --cc" when unmerged
            if not line.startswith(b"diff --git "):
                return None
            sections.append([])
        elif sections:
            sections[-1].append(line)
    if len(sections) != len(statuses) or any(status == "U" for _, status in statuses):
        return None
    return {
        path: (status, section) for (path, status), section in zip(statuses, sections, strict=True)
    }


def skip_reason(files: Sequence[str], config_files: Sequence[str] = ()) -> str | None:
    """The one line to print when the check can be skipped; None to run it in full."""
    if not files:
        return None
    changed = _changes()
    if changed is None:
        return None  # not a repository, no commit yet, a merge in progress

    def relative(path: str) -> str:
        return os.path.normpath(os.path.relpath(path)).replace(os.sep, "/")

    configs = {relative(name) for name in (*CONFIG_NAMES, *config_files)}
    for path, (status, _) in changed.items():
        if path in configs or path.startswith(CONTRACTS_DIR):
            return None
        if path.endswith(".py") and status != "M":
            return None  # added, deleted, renamed or changed type
    if any(os.path.isdir(f) for f in files):
        return None  # a directory stands for files we would have to find: not worth it
    wanted = [relative(f) for f in files if f.endswith(".py")]
    if any(path.startswith("../") for path in wanted):
        return None  # outside the working directory, where the diff above does not look
    for path in wanted:
        if path not in changed:
            continue
        try:
            with open(path, "rb") as handle:
                now = handle.read()
            hunks = _hunks(changed[path][1])
            head = None if hunks is None else _at_head(now, hunks)
            if head is None or import_statements(now) != import_statements(head):
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
    import gc

    # A check allocates many small containers (graph data, links, the report) and keeps
    # most of them: at Python's default threshold (700) the collector ran ~200 times
    # per check on django + sympy, 30-55 ms. Collecting every 10,000 allocations
    # (mypy does the same, at 200,000) keeps memory bounded at a fraction of the cost.
    gc.set_threshold(10_000, 10, 10)

    from importgate.cli import main as cli_main

    try:
        cli_main()
    finally:
        # The process ends here, and Python's last act would be a garbage collection
        # over every object still alive (the import graph, the sources read...): 45 ms
        # on django + sympy, for objects that are all freed anyway. Frozen objects are
        # left out of that collection; they are still freed and atexit handlers run.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    main()
