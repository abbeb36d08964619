"""The README's architecture diagram is importgate's own output for this repository."""

from __future__ import annotations

import re

import grimp
import pytest

from importgate.graph.collapse import collapse
from importgate.report.mermaid import node_ids
from tests.importgate.tools import REPO

BLOCK = re.compile(
    r"<!-- importgate graph (\S+) -->\n```mermaid\n(.*?)```\n<!-- /importgate graph -->", re.S
)


def readme_blocks() -> dict[str, str]:
    return dict(BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8")))


README_MODULES = ("importgate", "auditflow", "auditflow.engine.orchestrator")
"""The packages whose architecture the README shows (its section "This repository's ...")."""


def test_readme_embeds_exactly_these_diagrams():
    assert list(readme_blocks()) == list(README_MODULES)


@pytest.mark.parametrize("module", README_MODULES)
def test_readme_embeds_the_diagram_drawn_from_the_current_code(module):
    blocks = readme_blocks()
    assert module in blocks
    text = blocks[module]
    root = module.split(".")[0]
    current = collapse(grimp.build_graph(root, cache_dir=None), module, 1)
    ids = node_ids(current.nodes)
    command = f"importgate graph {module} --embed README.md"
    shown = set(re.findall(r"^\s+(m_\w+)\[", text, re.M))
    assert shown == set(ids.values()), f"README diagram is stale: run '{command}'"
    arrows = set(re.findall(r"^\s+(m_\w+) (?:-->|==>|-\.->)\|\"\d+\"\| (m_\w+)$", text, re.M))
    assert arrows == {(ids[a], ids[b]) for a, b in current.edges}, (
        f"README diagram shows other imports than the code has: run '{command}'"
    )
    assert f'title: "{module} (depth 1)"' in text


def test_readme_main_command_writes_pictures_to_reports():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    main = next(line for line in readme.splitlines() if line.startswith("python3 -m venv"))
    assert "importgate graph" in main and "--output-dir reports" in main
    assert "--format svg" in main and "--format html" in main


def test_readme_main_command_checks_into_json_sarif_and_markdown(tmp_path):
    """The ``importgate check`` part of the main command, run on this repository as
    written except that ``reports`` is a temporary directory."""
    import json
    import shlex

    from tests.importgate.conftest import run_cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    main = next(line for line in readme.splitlines() if line.startswith("python3 -m venv"))
    check = next(part for part in main.split(" && ") if " check " in f"{part} ")
    argv = shlex.split(check)
    assert argv[:2] == [".venv/bin/importgate", "check"]
    out = tmp_path / "reports"
    args = [str(out) if arg == "reports" else arg for arg in argv[1:]]
    run = run_cli(REPO, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("importgate.txt", "importgate.json", "importgate.sarif", "importgate.md"):
        assert (out / name).is_file(), name
    assert json.loads((out / "importgate.sarif").read_text())["version"] == "2.1.0"
    assert (out / "importgate.md").read_text().startswith("## ✅ importgate")
