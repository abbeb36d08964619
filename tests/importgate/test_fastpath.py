"""The pre-commit fast path: ``check FILE...`` skips the graph when no import changed.

Each repository here holds a module that does not parse, so a full check can only exit 2:
an exit 0 proves the graph was never built.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importgate.__main__ import (
    _at_head,
    _changes,
    _hunks,
    fast_path_arguments,
    import_statements,
)
from tests.importgate.conftest import LAYERS_CONFIG, run_cli, write_tree

FILES = {
    "shop/__init__.py": "",
    "shop/high.py": "from shop import mid\n\n\ndef f():\n    return mid.VALUE\n",
    "shop/mid.py": "import shop.low\n\nVALUE = 1\n",
    "shop/low.py": "VALUE = 1\n",
    "shop/broken.py": "def (:\n",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", FILES)
    (root / ".importlinter").write_text(LAYERS_CONFIG.replace("\n    ", "\n"), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return root


def edit(root: Path, path: str, source: str) -> None:
    (root / path).write_text(source, encoding="utf-8")


def assert_skipped(root: Path, *files: str) -> None:
    run = run_cli(root, "check", *files)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "check skipped (fast path" in run.stdout
    assert len(run.stdout.strip().splitlines()) == 1


def assert_full(root: Path, *args: str) -> None:
    run = run_cli(root, "check", *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "shop/broken.py" in run.stderr  # the full check tried to build the graph


def test_only_non_import_lines_changed_skips(repo):
    edit(repo, "shop/mid.py", "import shop.low\n\n# a comment\nVALUE = 2\n")
    edit(repo, "shop/high.py", "from shop import mid\n\n\ndef f():\n    return 3\n")
    assert_skipped(repo, "shop/mid.py", "shop/high.py", "shop/low.py")


def test_moved_and_reordered_imports_skip(repo):
    edit(repo, "shop/mid.py", '"""Doc."""\n\nVALUE = 1\nimport shop.low\n')
    assert_skipped(repo, "shop/mid.py")


def test_changed_import_runs_the_full_check(repo):
    edit(repo, "shop/mid.py", "import shop.low\nimport shop.high\n\nVALUE = 1\n")
    assert_full(repo, "shop/mid.py")


def test_import_moved_into_a_function_is_a_change(repo):
    edit(repo, "shop/mid.py", "def load():\n    import shop.low\n\nVALUE = 1\n")
    assert_full(repo, "shop/mid.py")


def test_configuration_change_runs_the_full_check(repo):
    edit(repo, ".importlinter", (repo / ".importlinter").read_text() + "\n")
    assert_full(repo, "shop/mid.py")


def test_baseline_change_runs_the_full_check(repo):
    (repo / "contracts").mkdir()
    edit(repo, "contracts/baseline.toml", "")
    git(repo, "add", "contracts/baseline.toml")
    assert_full(repo, "shop/mid.py")


def test_new_python_file_runs_the_full_check(repo):
    edit(repo, "shop/extra.py", "X = 1\n")
    git(repo, "add", "shop/extra.py")
    assert_full(repo, "shop/extra.py")


def test_deleted_python_file_runs_the_full_check(repo):
    (repo / "shop/low.py").unlink()
    assert_full(repo, "shop/mid.py")


def test_a_directory_runs_the_full_check(repo):
    assert_full(repo, "shop")


def test_other_files_are_left_to_the_diff(repo):
    edit(repo, "README.md", "changed\n")
    assert_skipped(repo, "README.md", "shop/mid.py")


def test_no_fast_path_option(repo):
    assert_full(repo, "--no-fast-path", "shop/mid.py")


def test_not_a_git_repository_runs_the_full_check(repo):
    import shutil

    shutil.rmtree(repo / ".git")
    assert_full(repo, "shop/mid.py")


def test_without_files_the_full_check_runs(repo):
    assert_full(repo)


def test_fast_path_does_not_import_grimp_or_import_linter(repo):
    import sys

    script = Path(sys.executable).with_name("importgate")  # the console script: a Python file
    run = subprocess.run(
        [sys.executable, "-X", "importtime", str(script), "check", "shop/mid.py"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
    assert "importgate.__main__" in imported
    assert not {name for name in imported if name.split(".")[0] in ("grimp", "importlinter")}


@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        ("import a\nimport b\n", "import b\n\nimport a  # moved\n", True),
        ("from a import x, y\n", "from a import (\n    y,\n    x,\n)\n", True),
        ("import a as b\n", "import a as c\n", True),
        ("from . import x\n", "from .. import x\n", False),
        ("from a import x\n", "from a import x, y\n", False),
        ("import a\n", "if TYPE_CHECKING:\n    import a\n", False),
        ("def f():\n    import a\n", "class C:\n    def g(self):\n        import a\n", True),
        ("def f():\n    import a\n", "import a\n", False),
    ],
)
def test_import_statements(before, after, same):
    assert (import_statements(before) == import_statements(after)) is same


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "a.py", "b.py"], (["a.py", "b.py"], [])),
        (["check", "--config=x.ini", "a.py"], (["a.py"], ["x.ini"])),
        (["check", "--baseline", "b.toml", "--debug", "--", "-a.py"], (["-a.py"], ["b.toml"])),
        (["check", "--format", "text", "--contract", "c", "a.py"], (["a.py"], [])),
        (["check"], None),
        (["check", "--format", "json", "a.py"], None),
        (["check", "--output-dir", "reports", "a.py"], None),
        (["check", "--no-fast-path", "a.py"], None),
        (["check", "--help", "a.py"], None),
        (["check", "--config"], None),
        (["baseline", "a.py"], None),
    ],
)
def test_fast_path_arguments(argv, expected):
    assert fast_path_arguments(argv) == expected


def test_console_script_takes_the_fast_path(repo):
    import sys

    script = Path(sys.executable).with_name("importgate")
    run = subprocess.run(
        [str(script), "check", "shop/mid.py"], cwd=repo, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "check skipped (fast path" in run.stdout


def test_git_missing_runs_the_full_check(repo, tmp_path):
    import os
    import sys

    empty = tmp_path / "no-git-here"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = str(empty)
    run = subprocess.run(
        [sys.executable, "-m", "importgate", "check", "shop/mid.py"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "shop/broken.py" in run.stderr


# HEAD's version of a file is rebuilt from the file on disk and git's -U0 patch; these
# check the rebuild against what git really stored, on real repositories.

LINES = st.sampled_from(
    ["import a\n", "from b import (\n", "    c,\n", ")\n", "x = 1\n", "\n", "y\r\n", "# é\n"]
)


def rebuilt_head(root: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> bytes | None:
    monkeypatch.chdir(root)
    changed = _changes()
    assert changed is not None and changed[path][0] == "M"
    hunks = _hunks(changed[path][1])
    assert hunks is not None
    return _at_head((root / path).read_bytes(), hunks)


def committed(root: Path, path: str, content: bytes) -> None:
    (root / path).write_bytes(content)
    git(root, "add", path)
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c")


@settings(max_examples=30, deadline=None)
@given(
    before=st.lists(LINES, max_size=12),
    after=st.lists(LINES, max_size=12),
    newline_before=st.booleans(),
    newline_after=st.booleans(),
)
def test_head_is_rebuilt_exactly_from_the_patch(
    before, after, newline_before, newline_after, tmp_path_factory
):
    root = tmp_path_factory.mktemp("rebuild")
    git(root, "init", "-q")
    old = "".join(before).encode()
    new = "".join(after).encode()
    old = old if newline_before or not old else old.rstrip(b"\n") + b"tail"
    new = new if newline_after or not new else new.rstrip(b"\n") + b"end"
    committed(root, "m.py", old)
    (root / "m.py").write_bytes(new)
    if old == new:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert rebuilt_head(root, "m.py", monkeypatch) == old


def test_hunks_fused_by_inter_hunk_context_are_rebuilt(repo, monkeypatch):
    git(repo, "config", "diff.interHunkContext", "5")
    before = (repo / "shop/high.py").read_bytes()
    edit(repo, "shop/high.py", "# top\nfrom shop import mid\n\n\ndef f():\n    return 2\n")
    assert rebuilt_head(repo, "shop/high.py", monkeypatch) == before
    assert_skipped(repo, "shop/high.py")


def test_a_patch_that_does_not_fit_the_file_is_refused(repo, monkeypatch):
    edit(repo, "shop/mid.py", "import shop.low\n\nVALUE = 2\n")
    monkeypatch.chdir(repo)
    changed = _changes()
    assert changed is not None
    hunks = _hunks(changed["shop/mid.py"][1])
    assert hunks is not None
    assert _at_head(b"import shop.low\n\nVALUE = 3\n", hunks) is None


def test_files_git_compares_converted_run_the_full_check(repo):
    # With core.autocrlf git diffs LF copies of CRLF files: the patch does not fit the
    # file on disk, so the fast path gives up rather than guess.
    git(repo, "config", "core.autocrlf", "true")
    edit(repo, "shop/mid.py", "import shop.low\r\n\r\nVALUE = 2\r\n")
    assert_full(repo, "shop/mid.py")


def test_fast_path_does_not_import_ast_or_subprocess(repo):
    import sys

    edit(repo, "shop/mid.py", "import shop.low\n\nVALUE = 2\n")
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "importgate", "check", "shop/mid.py"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "check skipped (fast path" in run.stdout, run.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
    assert not imported & {"ast", "subprocess", "collections.abc", "typing"}
