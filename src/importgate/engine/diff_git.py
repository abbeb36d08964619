"""Git for ``importgate diff``: find the repository, resolve revisions, and check a
revision out into a temporary worktree that is always removed again.

The user's working tree, index, HEAD, branches and stash are never touched: the only
commands run against the user's repository are ``rev-parse`` (read-only) and
``worktree add/remove/prune``, whose only trace is the administrative entry under
``.git/worktrees/``, removed again on the way out. Checkout hooks are switched off for the
temporary worktree (``core.hooksPath=/dev/null``) so a ``post-checkout`` hook cannot
write anywhere either.

Removal runs in a ``finally`` with SIGINT and SIGTERM deferred (noted, and raised as
``KeyboardInterrupt`` once the removal is done) and its git commands in their own
process group, so a second Ctrl-C cannot leave a half-removed worktree behind, and a
Ctrl-C that lands during the removal between the two sides still stops the diff;
:func:`signals_interrupt` turns SIGTERM into the same ``KeyboardInterrupt`` as Ctrl-C so
that both reach the ``finally``. Only SIGKILL
can leave a worktree behind; :meth:`Repository.remove_stale_worktrees` removes those of
dead importgate processes on the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from importgate.model import CouldNotRun

WORKTREE_PREFIX = "importgate-diff-"
"""Temporary directories are named ``importgate-diff-<pid>-<random>``."""

_NO_HOOKS = ("-c", "core.hooksPath=/dev/null")


class Repository:
    """The git repository around a directory, driven through the ``git`` command."""

    def __init__(self, toplevel: Path) -> None:
        self.toplevel = toplevel

    @classmethod
    def discover(cls, directory: Path) -> Repository:
        """The repository containing ``directory``; CouldNotRun when there is none."""
        try:
            completed = _git(directory, "rev-parse", "--show-toplevel")
        except FileNotFoundError as error:
            raise CouldNotRun(
                "importgate diff needs git, and no `git` command was found on PATH.",
                hint="Install git (e.g. `apt-get install git`) or run `importgate check`.",
            ) from error
        if completed.returncode != 0:
            raise CouldNotRun(
                f"{directory} is not inside a git repository: {_first_line(completed.stderr)}",
                hint="Run importgate diff from a clone of the repository to compare.",
            )
        return cls(Path(completed.stdout.strip()).resolve())

    def resolve(self, revision: str) -> str:
        """The full commit id of ``revision``; CouldNotRun when git does not know it."""
        # Not an option in disguise (`--end-of-options` needs git 2.30 in rev-parse).
        commit = ""
        if not revision.startswith("-"):
            completed = _git(
                self.toplevel, "rev-parse", "--verify", "--quiet", revision + "^{commit}"
            )
            commit = completed.stdout.strip() if completed.returncode == 0 else ""
        if not commit:
            raise CouldNotRun(
                f"Unknown revision {revision!r} in {self.toplevel}.",
                hint="Give a branch, tag or commit that exists locally. In CI, fetch it "
                "first: shallow clones lack the base branch (GitHub Actions: "
                "`fetch-depth: 0` on actions/checkout).",
            )
        return commit

    def _worktree(self, *args: str, detached: bool = False) -> subprocess.CompletedProcess[str]:
        return _git(self.toplevel, *_NO_HOOKS, "worktree", *args, detached=detached)

    def registered_worktrees(self) -> list[Path]:
        """Paths of every worktree git knows of (the main one first)."""
        listing = self._worktree("list", "--porcelain").stdout
        return [
            Path(line.removeprefix("worktree "))
            for line in listing.splitlines()
            if line.startswith("worktree ")
        ]

    @contextlib.contextmanager
    def temporary_worktree(self, commit: str, path: Path) -> Iterator[Path]:
        """Check ``commit`` out, detached, at ``path``; remove it again on the way out."""
        try:
            # A signal sent to importgate alone would kill `git worktree add` but not the
            # checkout it runs, which would go on writing after the removal: let git
            # finish first. (Ctrl-C on a terminal reaches git itself and stops it.)
            with signals_deferred():
                completed = self._worktree("add", "--detach", "--quiet", str(path), commit)
            if completed.returncode != 0:
                raise CouldNotRun(
                    f"git could not check out {commit[:12]} into a temporary worktree: "
                    f"{_first_line(completed.stderr)}",
                    hint="Check that the disk is not full and the repository is healthy "
                    "(`git worktree prune`, `git fsck`).",
                )
            yield path
        finally:
            with signals_deferred():
                self.remove_worktree(path)

    def remove_worktree(self, path: Path) -> None:
        """Remove a worktree of ours, however far ``worktree add`` got. The git commands
        run in their own process group, so a Ctrl-C on the terminal cannot stop them
        half-way."""
        if path.exists() or path in self.registered_worktrees():
            # A `worktree add` killed half-way leaves its entry locked ("initializing").
            self._worktree("unlock", str(path), detached=True)
            self._worktree("remove", "--force", "--force", str(path), detached=True)
        shutil.rmtree(path, ignore_errors=True)
        self._worktree("prune", detached=True)

    def remove_stale_worktrees(self) -> None:
        """Remove temporary worktrees left by importgate processes that no longer run
        (only a SIGKILL can leave one behind)."""
        for path in self.registered_worktrees():
            name = path.parent.name
            owner = name.removeprefix(WORKTREE_PREFIX).split("-")[0]
            ours = name.startswith(WORKTREE_PREFIX) and owner.isdigit()
            if ours and not _alive(int(owner)):
                self.remove_worktree(path)
                shutil.rmtree(path.parent, ignore_errors=True)


def _git(cwd: Path, *args: str, detached: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        process_group=0 if detached and os.name == "posix" else None,
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_HANDLED = (signal.SIGINT, signal.SIGTERM)


_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def _handlers(handler: _Handler) -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM go to ``handler`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in _HANDLED}
    try:
        yield
    finally:
        for signum, previous_handler in previous.items():
            signal.signal(signum, previous_handler)


def signals_interrupt() -> contextlib.AbstractContextManager[None]:
    """Within the block, SIGTERM (and SIGINT) raise ``KeyboardInterrupt``."""
    return _handlers(_raise_interrupt)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM are noted, and raise ``KeyboardInterrupt``
    only when the block ends (child processes still get the default handlers)."""
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    with _handlers(note):
        yield
    if received:
        raise KeyboardInterrupt(signal.Signals(received[0]).name)
