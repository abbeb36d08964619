"""``run_diff``: the whole of ``importgate diff`` as a function.

1. find the git repository and resolve ``--base`` (and ``--head``) to commits;
2. check the base revision out into a temporary worktree (:mod:`.diff_git`), check it,
   and remove the worktree again; the same for ``--head``, or check the working tree;
3. compare the two snapshots (:mod:`.diff_compare`).

**Why each side is checked in its own process.** grimp finds a package through
``sys.path`` and import-linter imports custom contract types (``contract_types = ...``)
as Python modules. Checking two trees of the same package in one process would need
``sys.path`` surgery, evicting the package and every contract type from ``sys.modules``
and ``importlib`` caches between the sides, and any module-level state a custom contract
type keeps would leak from one side to the other. A child process per side
(:mod:`.diff_side`, started with ``cwd`` = that side's tree and ``python -P`` so nothing is
imported from the tree by accident) gets each tree's configuration, contract types and
package for free, exactly as ``importgate check`` run in that tree would, and reports a
JSON snapshot. Its cost is one interpreter start per side (~0.3 s), small next to a
checkout. The child also puts the worktree's copy of an editable-installed package
first on ``sys.path``, so the base is read from the base revision and not from the
user's checkout.

**Cache.** The user's tree is never written to: both graphs are built without grimp's
cache unless ``--cache-dir DIR`` is given, which the working-tree side then uses (a
temporary worktree is new on every run, so a cache could never be reused there).
``--no-cache`` wins over ``--cache-dir``, as in ``check``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from importgate.engine.diff_compare import compare
from importgate.engine.diff_git import (
    WORKTREE_PREFIX,
    Repository,
    signals_deferred,
    signals_interrupt,
)
from importgate.engine.diff_snapshot import SideRequest, Snapshot, run_side
from importgate.model import CouldNotRun
from importgate.model.diff import DiffResult

Progress = Callable[[str, int, int], None]

WORKING_TREE = "working tree"

_STEPS = 4


@dataclass(frozen=True)
class DiffOptions:
    """What ``importgate diff`` was asked to do."""

    base: str
    head: str | None = None
    depth: int = 2
    config_file: str | None = None
    contract_ids: Sequence[str] = field(default_factory=tuple)
    cache_dir: str | None = None
    no_cache: bool = False
    debug: bool = False


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


def _remap(path: str | None, source: Path, tree: Path) -> str | None:
    """An absolute path inside the user's checkout, moved into ``tree``."""
    if path is None or not os.path.isabs(path):
        return path
    resolved = Path(path).resolve()
    if resolved.is_relative_to(source):
        return str(tree / resolved.relative_to(source))
    return path


@dataclass(frozen=True)
class _Sides:
    """Checks each side of one diff, with its temporary files under ``scratch``."""

    options: DiffOptions
    repository: Repository
    scratch: Path
    cwd: Path
    progress: Progress

    @property
    def subdirectory(self) -> Path:
        """Where the user started, relative to the top of the repository."""
        top = self.repository.toplevel
        return self.cwd.relative_to(top) if self.cwd.is_relative_to(top) else Path()

    def request(self, label: str, revision: str, tree: Path, cwd: Path) -> SideRequest:
        options, source = self.options, self.repository.toplevel
        # A temporary worktree is new on every run: a cache there could never be reused.
        cache_dir = options.cache_dir if tree == source and not options.no_cache else None
        return SideRequest(
            label=label,
            revision=revision,
            cwd=cwd,
            tree_root=tree,
            source_root=source,
            config_file=_remap(options.config_file, source, tree),
            contract_ids=tuple(options.contract_ids),
            cache_dir=cache_dir,
            no_cache=cache_dir is None,
            debug=options.debug,
            depth=options.depth,
        )

    def in_worktree(self, label: str, revision: str, commit: str, step: int) -> Snapshot:
        named = f"{revision} ({commit[:10]})"
        self.progress(f"Checking out {label}: {named}", step, _STEPS)
        with self.repository.temporary_worktree(commit, self.scratch / label) as tree:
            self.progress(f"Checking {label}: {named}", step + 1, _STEPS)
            if not (tree / self.subdirectory).is_dir():
                raise CouldNotRun(
                    f"The {label} revision {named} has no directory {self.subdirectory}, "
                    "where importgate diff was started.",
                    hint="Run importgate diff from the repository's top directory.",
                )
            return run_side(self.request(label, named, tree, tree / self.subdirectory))

    def working_tree(self) -> Snapshot:
        self.progress("Checking the working tree", 2, _STEPS)
        return run_side(self.request("head", WORKING_TREE, self.repository.toplevel, self.cwd))


def run_diff(options: DiffOptions, progress: Progress = _quiet) -> DiffResult:
    """Diff the architecture of two revisions; CouldNotRun when it cannot be done."""
    cwd = Path.cwd().resolve()
    repository = Repository.discover(cwd)
    base_commit = repository.resolve(options.base)
    head_commit = repository.resolve(options.head) if options.head else None
    repository.remove_stale_worktrees()

    with signals_interrupt():
        scratch = Path(tempfile.mkdtemp(prefix=f"{WORKTREE_PREFIX}{os.getpid()}-")).resolve()
        try:
            sides = _Sides(options, repository, scratch, cwd, progress)
            base = sides.in_worktree("base", options.base, base_commit, 0)
            if options.head and head_commit:
                head = sides.in_worktree("head", options.head, head_commit, 2)
            else:
                head = sides.working_tree()
        finally:
            with signals_deferred():
                shutil.rmtree(scratch, ignore_errors=True)

    progress("Comparing", 3, _STEPS)
    return compare(
        base,
        head,
        options.depth,
        ((options.base, base_commit), (options.head or WORKING_TREE, head_commit)),
    )
