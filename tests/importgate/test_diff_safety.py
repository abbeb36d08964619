"""``importgate diff`` never touches the user's repository, even when interrupted, and
exits 2 with a message naming the problem when it cannot run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.importgate.conftest import run_cli
from tests.importgate.gitrepos import commit, fingerprint, git, layered_repo

UPWARD_LOW = "VALUE = 1\nfrom shop.high import mid\n"


def _user_repo(tmp_path: Path) -> Path:
    """A repository in the middle of work: a branch, a stash, staged and unstaged
    changes and an untracked file."""
    repo = layered_repo(tmp_path / "repo")
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


def _base_side_child(parent: int, repo: Path, deadline: float) -> int | None:
    """The pid of the diff's child process checking the base (cwd outside ``repo``)."""
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            ours = ppid == parent and b"importgate.engine.diff_side" in cmdline
            if ours and not Path(cwd).is_relative_to(repo):
                return int(entry.name)
        time.sleep(0.005)
    return None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_while_building_base_leaves_nothing_behind(tmp_path: Path, signum: int):
    repo = _user_repo(tmp_path)
    before = fingerprint(repo)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
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
        child = _base_side_child(process.pid, repo, time.monotonic() + 60)
        assert child is not None, "the base side never started"
        # The base worktree exists while its child runs.
        assert len(git(repo, "worktree", "list").splitlines()) == 2
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 2, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert stdout == ""
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
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
    env = {**os.environ, "PATH": str(empty)}
    env.pop("PYTHONPATH", None)
    completed = subprocess.run(
        [sys.executable, "-m", "importgate", "diff", "--base", "main"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert completed.returncode == 2
    assert "no `git` command was found" in completed.stderr


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
