"""``importgate diff`` on other repository layouts: src/ on PYTHONPATH, a monorepo
subdirectory, importgate's own repository, and grimp's cache."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli
from tests.importgate.gitrepos import UPWARD_LOW, commit, git, layered_repo, valid


def _layered_repo_in(root: Path, package_dir: str, config_dir: str) -> Path:
    """A repository with the layered ``shop`` package under ``package_dir/`` and its
    configuration in ``config_dir/``, and a ``feature`` branch where low imports high."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    files = {f"{package_dir}/{path}": source for path, source in LAYERED.items()}
    config = f"{config_dir}/.importlinter".lstrip("/")
    commit(root, {**files, config: ini(LAYERS_CONFIG)}, f"{package_dir}/ layout")
    git(root, "switch", "-q", "-c", "feature")
    commit(root, {f"{package_dir}/shop/low.py": UPWARD_LOW}, "low imports high")
    return root


def test_src_layout_on_pythonpath_reads_the_base_from_the_base_revision(tmp_path: Path):
    """A package found through an absolute path into the user's checkout (editable
    install, PYTHONPATH) is read from the temporary worktree for the base side."""
    repo = _layered_repo_in(tmp_path / "repo", "src", "")

    run = run_cli(
        repo,
        *("diff", "--base", "main", "--format", "json"),
        env_extra={"PYTHONPATH": str(repo / "src")},
    )

    assert run.returncode == 1, run.stderr
    document = valid(run.json)
    assert [(e["importer"], e["imported"]) for e in document["dependencies"]["added"]] == [
        ("shop.low", "shop.high")
    ]
    assert document["dependencies"]["added"][0]["imports"][0]["path"] == "src/shop/low.py"


def test_diff_of_importgate_itself_reads_each_revision(tmp_path: Path):
    """The child process runs importgate, so ``find_spec("importgate")`` answers with the
    running copy; the base and head must still come from their own worktrees.

    Runs importgate from a clone of this repository (its ``src`` first on PYTHONPATH,
    holding the code under test), so the running copy is the checkout being diffed and
    the temporary worktrees are registered in the clone, not in the developer's
    repository.
    """
    source = Path(__file__).resolve().parents[2]
    found = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "src/importgate/cli/diff.py"],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    commits = found.stdout.split()
    parent = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{commits[-1]}^"] if commits else ["false"],
        cwd=source,
        capture_output=True,
        check=False,
    )
    if found.returncode != 0 or parent.returncode != 0:
        pytest.skip("not run from a git clone of importgate with its history (shallow?)")
    added_in = commits[-1]
    clone = tmp_path / "importgate"
    git(tmp_path, "clone", "--quiet", str(source), str(clone))
    # Run the code under test (maybe uncommitted), not the clone's committed copy.
    shutil.copytree(
        source / "src", clone / "src", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.pyc")
    )

    run = run_cli(
        clone,
        *("diff", "--base", f"{added_in}^", "--head", added_in, "--format", "json"),
        env_extra={"PYTHONPATH": str(clone / "src")},
    )

    assert run.returncode in (0, 1), run.stderr
    document = valid(run.json)
    added = {(e["importer"], e["imported"]) for e in document["dependencies"]["added"]}
    assert ("importgate.cli.diff", "importgate.engine.diff") in added
    assert document["dependencies"]["removed"] == []
    link = next(
        e for e in document["dependencies"]["added"] if e["importer"] == "importgate.cli.diff"
    )
    assert link["imports"][0]["path"] == "src/importgate/cli/diff.py"


def test_cache_dir_is_used_for_the_working_tree_side_only_when_given(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    cache = tmp_path / "cache"

    assert run_cli(repo, "diff", "--base", "main", "--cache-dir", str(cache)).returncode == 0
    assert any(cache.rglob("*")), "grimp wrote no cache"
    assert not (repo / ".import_linter_cache").exists()

    other = tmp_path / "other-cache"
    run = run_cli(repo, "diff", "--base", "main", "--cache-dir", str(other), "--no-cache")
    assert run.returncode == 0, run.stderr
    assert not other.exists()


def test_run_from_a_subdirectory_checks_the_same_subdirectory_of_each_side(tmp_path: Path):
    """A monorepo: the package and its configuration live in ``app/``."""
    repo = _layered_repo_in(tmp_path / "repo", "app", "app")

    run = run_cli(repo / "app", "diff", "--base", "main", "--head", "feature", "--format", "json")

    assert run.returncode == 1, run.stderr
    [added] = valid(run.json)["dependencies"]["added"]
    assert (added["importer"], added["imported"]) == ("shop.low", "shop.high")
    assert added["imports"][0]["path"] == "shop/low.py"
