"""Real git repositories for the ``importgate diff`` tests, made in a temp dir, and the
schema every JSON diff is checked against."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, write_tree

UPWARD_LOW = "VALUE = 1\n\n\nfrom shop.high import mid  # upward!\n"
"""``shop/low.py`` importing the top layer, on line 4."""

DOCS = Path(__file__).resolve().parents[2] / "docs"
CHECK_SCHEMA = json.loads((DOCS / "json-report.schema.json").read_text(encoding="utf-8"))
DIFF_SCHEMA = json.loads((DOCS / "diff-report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    DIFF_SCHEMA,
    registry=Registry().with_resource(CHECK_SCHEMA["$id"], Resource.from_contents(CHECK_SCHEMA)),
)


def valid(document: Any) -> Any:
    """``document``, after checking it against docs/diff-report.schema.json."""
    VALIDATOR.validate(document)
    return document


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; return stdout; fail the test on a git error."""
    completed = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def commit(repo: Path, files: Mapping[str, str | None], message: str) -> str:
    """Write (or, for None, delete) ``files`` and commit them; return the commit id."""
    for relative, source in files.items():
        if source is None:
            (repo / relative).unlink()
    write_tree(repo, {k: v for k, v in files.items() if v is not None})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def layered_repo(root: Path) -> Path:
    """A repository whose ``main`` holds the layered ``shop`` package and its contract."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    commit(root, {**LAYERED, ".importlinter": ini(LAYERS_CONFIG)}, "layered shop")
    return root


def fingerprint(repo: Path) -> dict[str, object]:
    """Everything a diff must leave alone: every path (also directories), the content
    and mtime of every file including ``.git`` (index, HEAD, refs, logs, worktree
    entries), and what git reports about worktrees, stash and status."""
    files: dict[str, tuple[str, int]] = {}
    paths: list[str] = []
    for path in sorted(repo.rglob("*")):
        relative = path.relative_to(repo).as_posix()
        paths.append(relative)
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files[relative] = (digest, path.stat().st_mtime_ns)
    return {
        "paths": paths,
        "files": files,
        "worktrees": git(repo, "worktree", "list", "--porcelain"),
        "stash": git(repo, "stash", "list"),
    }
