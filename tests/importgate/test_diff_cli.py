"""``importgate diff`` end to end on real git repositories made in the test."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from tests.importgate.conftest import LAYERS_CONFIG, ini, run_cli
from tests.importgate.gitrepos import DIFF_SCHEMA, UPWARD_LOW, commit, git, layered_repo, valid


def test_schema_is_valid_and_strict_enough():
    jsonschema.Draft202012Validator.check_schema(DIFF_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        valid({"schema_version": 1})


def test_branch_adding_an_upward_import_is_added_breaking_and_exits_1(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/low.py": UPWARD_LOW}, "low imports high")

    run = run_cli(repo, "diff", "--base", "main", "--head", "feature", "--format", "json")

    assert run.returncode == 1, run.stderr
    document = valid(run.json)
    assert document["worsened"] is True
    [added] = document["dependencies"]["added"]
    assert (added["importer"], added["imported"], added["breaking"]) == (
        "shop.low",
        "shop.high",
        True,
    )
    assert added["imports"][0]["path"] == "shop/low.py"
    assert added["imports"][0]["line_number"] == 4
    assert document["dependencies"]["removed"] == []
    assert document["dependencies"]["breaking"] == [["shop.low", "shop.high"]]
    assert document["newly_broken"] == ["layers"]
    [new] = document["violations"]["new"]
    assert (new["contract"], new["importer"], new["imported"]) == (
        "layers",
        "shop.low",
        "shop.high",
    )
    assert document["violations"]["fixed"] == []
    assert document["base"]["commit"] == git(repo, "rev-parse", "main").strip()


def test_branch_removing_an_import_shows_it_removed_and_exits_0(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/mid.py": "VALUE = 2\n"}, "mid no longer imports low")

    run = run_cli(repo, "diff", "--base", "main", "--head", "feature", "--format", "json")

    assert run.returncode == 0, run.stderr
    document = valid(run.json)
    assert document["worsened"] is False
    assert document["dependencies"]["added"] == []
    [removed] = document["dependencies"]["removed"]
    assert (removed["importer"], removed["imported"]) == ("shop.mid", "shop.low")
    assert removed["imports"][0]["line_contents"] == "import shop.low"
    assert document["violations"]["new"] == [] and document["newly_broken"] == []


def test_working_tree_is_the_default_head_and_fix_is_reported(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    commit(repo, {"shop/low.py": UPWARD_LOW}, "broken on main")
    # Uncommitted: the fix.
    (repo / "shop" / "low.py").write_text("VALUE = 1\n", encoding="utf-8")

    run = run_cli(repo, "diff", "--base", "HEAD")

    assert run.returncode == 0, run.stderr
    assert "-> working tree" in run.stdout
    assert "- shop.low -> shop.high" in run.stdout
    assert "Contracts newly kept:\n  shop layers (layers)" in run.stdout
    assert "Fixed violations:" in run.stdout
    assert "OK: 0 dependency(ies) added, 1 removed" in run.stdout


def test_moved_violation_is_neither_new_nor_fixed(tmp_path: Path):
    """Violations match by contract + importer + imported, not by line number."""
    repo = layered_repo(tmp_path / "repo")
    commit(repo, {"shop/low.py": UPWARD_LOW}, "broken on main")
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/low.py": "import shop.high\n\nVALUE = 1\n"}, "moved the import")

    run = run_cli(repo, "diff", "--base", "main", "--head", "feature", "--format", "json")

    assert run.returncode == 0, run.stderr
    document = valid(run.json)
    assert document["violations"] == {"new": [], "fixed": []}
    [contract] = document["contracts"]
    assert contract["status"] == "still broken"


CYCLES_CONFIG = """
    [importlinter]
    root_package = shop
    contract_types =
        acyclic: importgate.contracts.acyclic.AcyclicContract

    [importlinter:contract:no-cycles]
    name = no cycles
    type = acyclic
    packages = shop
    """


def test_new_cycle_is_reported_as_cycle_and_exits_1(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    commit(repo, {".importlinter": ini(CYCLES_CONFIG)}, "acyclic contract")
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/low.py": "import shop.mid\n"}, "cycle mid <-> low")

    run = run_cli(repo, "diff", "--base", "main", "--head", "feature", "--format", "json")

    assert run.returncode == 1, run.stderr
    document = valid(run.json)
    new = [
        (c["contract"], [link["importer"] for link in c["chain"]])
        for c in document["cycles"]["new"]
    ]
    assert new == [("no-cycles", ["shop.low", "shop.mid"])]
    assert document["violations"]["new"] == []  # a cycle is listed once, as a cycle
    assert document["newly_broken"] == ["no-cycles"]

    back = run_cli(repo, "diff", "--base", "feature", "--head", "main", "--format", "json")
    assert back.returncode == 0, back.stderr
    assert [c["contract"] for c in valid(back.json)["cycles"]["fixed"]] == ["no-cycles"]
    assert back.json["newly_kept"] == ["no-cycles"]


def test_markdown_has_marker_tables_and_coloured_mermaid(tmp_path: Path):
    repo = layered_repo(tmp_path / "repo")
    git(repo, "switch", "-q", "-c", "feature")
    commit(
        repo,
        {
            "shop/low.py": UPWARD_LOW,
            "shop/mid.py": "VALUE = 2\n",
            "shop/extra.py": "import shop.low\n",
        },
        "one breaking, one removed, one added",
    )
    out = tmp_path / "comment.md"

    run = run_cli(
        repo,
        "diff",
        "--base",
        "main",
        "--head",
        "feature",
        "--format",
        "markdown",
        "--output",
        str(out),
    )

    assert run.returncode == 1, run.stderr
    assert run.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!-- importgate-diff -->\n")
    assert "[shop/low.py:4](shop/low.py#L4)" in text
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    lines = mermaid.splitlines()
    edges = [
        line.strip() for line in lines if "m_shop" in line and ("==>" in line or "-.->" in line)
    ]
    assert edges == [
        "m_shop_extra ==> m_shop_low",
        "m_shop_low ==> m_shop_high",
        "m_shop_mid -.-> m_shop_low",
    ]
    # Drawn bottom-up in the layers of the layers contract.
    assert [line.strip() for line in lines if "subgraph" in line] == [
        'subgraph layer_2["high"]',
        'subgraph layer_1["mid"]',
        'subgraph layer_0["low"]',
    ]
    styles = {line.split()[1]: line for line in lines if line.strip().startswith("linkStyle")}
    assert "#2e7d32" in styles["0"]  # added: green
    assert "#d32f2f" in styles["1"]  # breaking: red
    assert "stroke-dasharray" in styles["2"]  # removed: dashed grey


@pytest.mark.parametrize(
    ("link_base", "pinned"),
    [
        ("https://example.invalid/o/r/blob/HEADSHA/", True),
        ("https://example.invalid/files/", False),
    ],
    ids=["blob-url", "other-url"],
)
def test_markdown_links_use_the_link_base_and_the_base_commit_for_base_imports(
    tmp_path: Path, link_base: str, pinned: bool
):
    """In a pull-request comment relative links are dead; an import that only the base
    has (a removed dependency) must point at the base commit, not at the head's file."""
    repo = layered_repo(tmp_path / "repo")
    base_commit = git(repo, "rev-parse", "main").strip()
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/low.py": UPWARD_LOW, "shop/mid.py": "VALUE = 2\n"}, "add and remove")

    run = run_cli(
        repo,
        *("diff", "--base", "main", "--head", "feature", "--format", "markdown"),
        env_extra={"IMPORTGATE_LINK_BASE": link_base},
    )

    assert run.returncode == 1, run.stderr
    added = run.stdout.split("### Dependencies added", 1)[1].split("###", 1)[0]
    removed = run.stdout.split("### Dependencies removed", 1)[1]
    assert f"[shop/low.py:4]({link_base}shop/low.py#L4)" in added
    at_base = f"https://example.invalid/o/r/blob/{base_commit}/shop/mid.py#L1"
    if pinned:
        assert f"[shop/mid.py:1]({at_base})" in removed
    else:
        assert "`shop/mid.py:1`" in removed and "](" not in removed


def test_markdown_escapes_contract_names(tmp_path: Path):
    """A contract name is text, not markdown: `*`, `_` and `<tag>` must show literally."""
    repo = layered_repo(tmp_path / "repo")
    config = LAYERS_CONFIG.replace("name = shop layers", "name = core_* <b>layers</b>")
    commit(repo, {".importlinter": ini(config)}, "a name with markdown in it")
    git(repo, "switch", "-q", "-c", "feature")
    commit(repo, {"shop/low.py": UPWARD_LOW}, "upward")

    run = run_cli(repo, "diff", "--base", "main", "--head", "feature", "--format", "markdown")

    assert run.returncode == 1, run.stderr
    assert r"- **core\_\* \<b\>layers\</b\> (layers)** (`layers`)" in run.stdout
    assert "<b>" not in run.stdout
