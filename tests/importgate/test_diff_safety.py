"""``importgate diff`` never touches the user's repository, even when interrupted, and
exits 2 with a message naming the problem when it cannot run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from importgate.engine.diff_git import WORKTREE_PREFIX
from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli
from tests.importgate.gitrepos import commit, fingerprint, git, layered_repo

UPWARD_LOW = "VALUE = 1\nfrom shop.high import mid\n"


def _user_repo(tmp_path: Path, on_main: Mapping[str, str] | None = None) -> Path:
    """A repository in the middle of work: a branch, a stash, staged and unstaged
    changes and an untracked file (``on_main``: files committed to main first)."""
    repo = layered_repo(tmp_path / "repo")
    if on_main:
        commit(repo, on_main, "more on main")
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/low.py": UPWARD_LOW}, "upward")
    (repo / "shop" / "mid.py").write_text("import shop.low  # stashed\n", encoding="utf-8")
    git(repo, "stash", "-q")
    (repo / "shop" / "high.py").write_text("from shop import mid, low\n", encoding="utf-8")
    git(repo, "add", "shop/high.py")
    (repo / "shop" / "mid.py").write_text("import shop.low\nimport shop.high\n", encoding="utf-8")
    (repo / "notes.txt").write_text("untracked\n", encoding="utf-8")
    return repo


def _leftovers(pid: int) -> list[str]:
    return [
        name
        for name in os.listdir(tempfile.gettempdir())
        if name.startswith(f"importgate-diff-{pid}-")
    ]


@pytest.mark.parametrize("head", [None, "feature"], ids=["working-tree", "head-revision"])
def test_repository_is_byte_for_byte_unchanged(tmp_path: Path, head: str | None):
    repo = _user_repo(tmp_path)
    before = fingerprint(repo)

    args = ["diff", "--base", "main", *(["--head", head] if head else [])]
    run = run_cli(repo, *args)

    assert run.returncode in (0, 1), run.stderr
    assert "Dependencies added" in run.stdout or "Dependencies removed" in run.stdout
    assert fingerprint(repo) == before


WAITING_CONTRACT = """
import os
import time

from importlinter.domain.contract import Contract, ContractCheck


class WaitingContract(Contract):
    \"\"\"Says where it runs (in the file named by $WAITING_MARKER), then waits to be
    killed: the diff is interrupted while its base side is mid-check, every time.\"\"\"

    def check(self, graph, verbose):
        marker = os.environ.get("WAITING_MARKER")
        if marker:
            with open(marker + ".part", "w", encoding="utf-8") as file:
                file.write(os.getcwd())
            os.replace(marker + ".part", marker)
            parent, deadline = os.getppid(), time.monotonic() + 120
            while os.getppid() == parent and time.monotonic() < deadline:
                time.sleep(0.05)
        return ContractCheck(kept=True)

    def render_broken_contract(self, check):
        pass
"""

WAITING_CONFIG = """
    [importlinter]
    root_package = shop
    contract_types =
        waiting: waiting.WaitingContract

    [importlinter:contract:waiting]
    name = waits for the test
    type = waiting
    """


def _wait_for(marker: Path, process: subprocess.Popen[str], timeout: float) -> str:
    """The directory the base side reported from, once it is mid-check."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"importgate diff ended first: {process.communicate()}")
        assert time.monotonic() < deadline, "the base side never started checking"
        time.sleep(0.01)
    return marker.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_while_building_base_leaves_nothing_behind(tmp_path: Path, signum: int):
    # The base side blocks in a contract check until it is killed, so the signal always
    # lands while the base worktree exists and its child runs (no race with a fast child).
    waiting = {"waiting.py": WAITING_CONTRACT, ".importlinter": ini(WAITING_CONFIG)}
    repo = _user_repo(tmp_path, on_main=waiting)
    before = fingerprint(repo)
    marker = tmp_path / "base-side-is-checking"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["WAITING_MARKER"] = str(marker)
    process = subprocess.Popen(
        [sys.executable, "-m", "importgate", "diff", "--base", "main"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        checking_in = Path(_wait_for(marker, process, timeout=90))
        # The base is checked in a temporary worktree, not in the user's repository.
        assert not checking_in.is_relative_to(repo)
        listing = git(repo, "worktree", "list", "--porcelain")
        assert f"worktree {checking_in}" in listing.splitlines()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 2, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert stdout == ""
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert not checking_in.exists()
    assert _leftovers(process.pid) == []
    assert fingerprint(repo) == before


def test_not_a_git_repository_exits_2(tmp_path: Path):
    plain = tmp_path / "plain"
    plain.mkdir()
    run = run_cli(plain, "diff", "--base", "main")
    assert run.returncode == 2
    assert "not inside a git repository" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_revision_exits_2_and_names_it(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    run = run_cli(repo, "diff", "--base", "no-such-branch")
    assert run.returncode == 2
    assert "Unknown revision 'no-such-branch'" in run.stderr
    assert "fetch-depth: 0" in run.stderr


def test_git_missing_exits_2(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    run = run_cli(repo, "diff", "--base", "main", env_extra={"PATH": str(empty)})
    assert run.returncode == 2
    assert "no `git` command was found" in run.stderr


@pytest.mark.parametrize(
    ("broken_side", "other_side"), [("base", "head"), ("head", "base")], ids=["base", "head"]
)
def test_bad_config_names_the_side(tmp_path: Path, broken_side: str, other_side: str):
    repo = layered_repo(tmp_path / "repo")
    good = (repo / ".importlinter").read_text(encoding="utf-8")
    bad = "root_package = shop\n"  # no section header
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {".importlinter": bad}, "break the config")
    base, head = ("feature", "main") if broken_side == "base" else ("main", "feature")
    assert good != bad

    run = run_cli(repo, "diff", "--base", base, "--head", head)

    assert run.returncode == 2
    assert f"On the {broken_side} side" in run.stderr
    assert "not a valid INI file" in run.stderr or "no [importlinter] section" in run.stderr
    assert f"On the {other_side} side" not in run.stderr
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_worktree_left_by_a_killed_diff_is_removed_by_the_next(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that no longer runs, as after `kill -9`
    stale = Path(tempfile.mkdtemp(prefix=f"importgate-diff-{gone.pid}-")).resolve()
    git(repo, "worktree", "add", "--detach", "--quiet", str(stale / "base"), "main")
    mine = Path(tempfile.mkdtemp(prefix=f"importgate-diff-{os.getpid()}-")).resolve()
    git(repo, "worktree", "add", "--detach", "--quiet", str(mine / "base"), "main")
    try:
        run = run_cli(repo, "diff", "--base", "main")

        assert run.returncode == 0, run.stderr
        listing = git(repo, "worktree", "list", "--porcelain")
        assert str(stale) not in listing and not stale.exists()
        assert str(mine) in listing  # its owner (this test) still runs: left alone
    finally:
        git(repo, "worktree", "remove", "--force", str(mine / "base"))
        mine.rmdir()


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals and a shell script as git")
def test_interrupt_during_cleanup_between_sides_is_not_lost(tmp_path: Path):
    """A Ctrl-C that lands while the base worktree is being removed (before the working
    tree is checked) must still stop the diff, after the removal has finished."""
    repo = _user_repo(tmp_path)
    before = fingerprint(repo)
    real_git = shutil.which("git")
    assert real_git is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    # The real git does the work; `worktree remove` first interrupts importgate ($PPID).
    wrapper.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" worktree remove "*) kill -INT "$PPID" ;; esac\n'
        f'exec "{real_git}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)

    run = run_cli(
        repo,
        "diff",
        "--base",
        "main",
        env_extra={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )

    assert run.returncode == 2, run.stdout + run.stderr
    assert "interrupted" in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert fingerprint(repo) == before


def test_base_without_configuration_names_the_side_not_a_temporary_path(tmp_path: Path):
    """A pull request that introduces importgate: the base has no configuration."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"README": "hi\n"}, "before importgate")
    commit(repo, {**LAYERED, ".importlinter": ini(LAYERS_CONFIG)}, "adopt importgate")

    run = run_cli(repo, "diff", "--base", "main~1")

    assert run.returncode == 2
    assert "On the base side (main~1 (" in run.stderr
    assert "No import-linter configuration found in the top directory of that revision" in (
        " ".join(run.stderr.split())
    )
    assert WORKTREE_PREFIX not in run.stderr and "Traceback" not in run.stderr
