"""``absent``: modules that must not exist, matched with in-segment wildcards."""

from __future__ import annotations

import pytest

from importgate.contracts.patterns import check_pattern, matches
from tests.importgate.conftest import ini, run_cli
from tests.importgate.gate_contracts import BASE, contract

CLEAN = {
    "app/__init__.py": "",
    "app/engine/__init__.py": "",
    "app/engine/orchestrator/__init__.py": "from app.engine.orchestrator.core import run\n",
    "app/engine/orchestrator/core.py": "def run(): pass\n",
}


@pytest.mark.parametrize(
    ("pattern", "module", "expected"),
    [
        ("**.*_legacy", "app.engine.orchestrator_legacy", True),
        ("**.*_legacy", "tool_legacy", True),
        ("**.*_legacy", "app.legacy_tools", False),
        ("app.old_*", "app.old_api", True),
        ("app.old_*", "app.old_api.views", False),
        ("app.*.views", "app.api.views", True),
        ("app.*.views", "app.views", False),
        ("app.**.views", "app.views", True),
        ("app.**.views", "app.a.b.views", True),
        ("app.**", "app", True),
        ("app.v?", "app.v2", True),
        ("app.v?", "app.v20", False),
    ],
)
def test_pattern_matching(pattern, module, expected):
    assert matches(pattern, module) is expected


def test_pattern_checks():
    assert check_pattern("**.*_legacy") is None
    assert check_pattern("**") is not None
    assert check_pattern("app..x") is not None
    assert check_pattern("app.x-y") is not None


def test_kept_when_nothing_matches(project):
    config = ini(BASE, contract("absent", "modules =", "    **.*_legacy", "    app.old_*"))
    run = run_cli(project(CLEAN, config), "check")
    assert run.returncode == 0, run.stdout + run.stderr


def test_broken_lists_each_module_found_with_its_file(project):
    files = dict(CLEAN)
    files["app/engine/orchestrator_legacy.py"] = "OLD = 1\n"
    files["app/old_api/__init__.py"] = ""
    config = ini(BASE, contract("absent", "modules =", "    **.*_legacy", "    app.old_*"))
    root = project(files, config)
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    found = {(v["importer"], v["path"]) for v in run.json["contracts"][0]["violations"]}
    assert found == {
        ("app.engine.orchestrator_legacy", "app/engine/orchestrator_legacy.py"),
        ("app.old_api", "app/old_api/__init__.py"),
    }
    text = run_cli(root, "check")
    assert "app.engine.orchestrator_legacy must not exist" in text.stdout
    assert "app/engine/orchestrator_legacy.py" in text.stdout
    lint = run_cli(root, "--no-logo", command="lint-imports")
    assert lint.returncode == 1
    assert "app/engine/orchestrator_legacy.py" in lint.stdout


def test_found_on_disk_outside_the_graph(project):
    # A directory without __init__.py is not a package grimp lists, but the code is there.
    files = dict(CLEAN)
    files["app/engine/orchestrator_legacy/helpers.py"] = "X = 1\n"
    config = ini(BASE, contract("absent", "modules = app.engine.orchestrator_legacy"))
    run = run_cli(project(files, config), "check", "--format", "json")
    assert run.returncode == 1, run.stdout + run.stderr
    [violation] = run.json["contracts"][0]["violations"]
    assert violation["importer"] == "app.engine.orchestrator_legacy"
    assert violation["path"] == "app/engine/orchestrator_legacy"


def test_bad_pattern_exits_2(project):
    config = ini(BASE, contract("absent", "modules = app.old-api"))
    run = run_cli(project(CLEAN, config), "check")
    assert run.returncode == 2
    assert "Contract 'c'" in run.stderr and "modules:" in run.stderr
    lint = run_cli(project(CLEAN, config), "--no-logo", command="lint-imports")
    assert lint.returncode != 0
    assert "modules" in lint.stdout + lint.stderr
