"""The README's architecture diagram is importgate's own output for this repository."""

from __future__ import annotations

import re

import grimp

from importgate.graph.collapse import collapse
from importgate.report.mermaid import node_ids
from tests.importgate.tools import REPO

BLOCK = re.compile(
    r"<!-- importgate graph (\S+) -->\n```mermaid\n(.*?)```\n<!-- /importgate graph -->", re.S
)


def readme_blocks() -> dict[str, str]:
    return dict(BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8")))


def test_readme_embeds_importgate_as_drawn_from_the_current_code():
    blocks = readme_blocks()
    assert "importgate" in blocks
    text = blocks["importgate"]
    current = collapse(grimp.build_graph("importgate", cache_dir=None), "importgate", 1)
    ids = node_ids(current.nodes)
    shown = set(re.findall(r"^\s+(m_\w+)\[", text, re.M))
    assert shown == set(ids.values()), "README diagram is stale: run importgate graph --embed"
    arrows = set(re.findall(r"^\s+(m_\w+) -->\|\"\d+\"\| (m_\w+)$", text, re.M))
    assert arrows <= {(ids[a], ids[b]) for a, b in current.edges}, (
        "README diagram shows an import that no longer exists: run "
        "'importgate graph importgate --embed README.md'"
    )


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
