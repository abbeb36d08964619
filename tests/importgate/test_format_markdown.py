"""``--format markdown``: a pull-request comment with chains as links and a diagram."""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from markdown_it import MarkdownIt

from importgate.model import (
    CheckResult,
    ContractResult,
    Diagram,
    DiagramEdge,
    DiagramNode,
    EdgeStyle,
    ImportKind,
    Link,
    Violation,
)
from importgate.report import markdown
from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli
from tests.importgate.formats_support import EXHAUSTIVE, SHOP, check_reports
from tests.importgate.test_check_contract_types import BASE, CLEAN, CONTRACTS
from tests.importgate.tools import mmdc, puppeteer_config

MD = MarkdownIt("commonmark").enable("table")


def tokens(text):
    return MD.parse(text)


def table_rows(text):
    """The body rows of the first table, as lists of cell texts."""
    rows, row, in_body = [], None, False
    for token in tokens(text):
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            break
        elif in_body and token.type == "tr_open":
            row = []
        elif in_body and token.type == "tr_close":
            rows.append(row)
        elif in_body and token.type == "inline":
            row.append("".join(child.content for child in token.children or ()))
    return rows


def links(text):
    return [
        child.attrGet("href")
        for token in tokens(text)
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "link_open"
    ]


def mermaid_blocks(text):
    return [t.content for t in tokens(text) if t.type == "fence" and t.info == "mermaid"]


def test_broken_contract_summary_chains_and_missing_module(project):
    root = project(SHOP, EXHAUSTIVE)
    reports = check_reports(root, "markdown")
    text = reports.text("markdown")
    assert text.startswith("## ❌ importgate: 1 of 1 contracts broken\n")
    assert table_rows(text) == [
        ["❌", "shop layers, high | mid | low (shop-layers)", "layers", "2"]
    ]
    assert links(text) == ["shop/low.py#L2", ".importlinter#L4"]
    assert "shop.extra is not listed as a layer" in text
    (block,) = mermaid_blocks(text)
    # the upward import low -> high is the one red edge
    assert re.search(r'm_shop_low ==>\|"1"\| m_shop_high', block)
    assert block.count("==>") == 1
    red = re.search(r"linkStyle (\d+) stroke:#d32f2f", block)
    edges = [line.strip() for line in block.splitlines() if "-->" in line or "==>" in line]
    assert edges[int(red.group(1))].startswith("m_shop_low ==>")


def test_kept_contracts_and_absolute_links(project, monkeypatch):
    root = project(
        CLEAN, ini(BASE, CONTRACTS["layers"], CONTRACTS["acyclic"].replace(":c]", ":d]"))
    )
    run = run_cli(root, "check", "--format", "markdown")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("## ✅ importgate: all 2 contracts kept\n")
    assert [row[0] for row in table_rows(run.stdout)] == ["✅", "✅"]
    assert "###  ❌" not in run.stdout and "==>" not in run.stdout
    (block,) = mermaid_blocks(run.stdout)
    assert 'm_app_api -->|"1"| m_app_domain' in block

    (root / "app/util/helpers.py").write_text("X = 1\nfrom app.api import views\n")
    monkeypatch.setenv("IMPORTGATE_LINK_BASE", "https://example.invalid/o/r/blob/abc/")
    run = run_cli(root, "check", "--format", "markdown")
    assert run.returncode == 1
    assert "https://example.invalid/o/r/blob/abc/app/util/helpers.py#L2" in links(run.stdout)
    assert "Suggested cycle breakers" in run.stdout


def test_markdown_diagram_renders_in_mermaid(project, tmp_path: Path):
    root = project(SHOP, EXHAUSTIVE)
    (block,) = mermaid_blocks(run_cli(root, "check", "--format", "markdown").stdout)
    given, svg = tmp_path / "d.mmd", tmp_path / "d.svg"
    given.write_text(block, encoding="utf-8")
    completed = subprocess.run(
        [
            mmdc(),
            "--quiet",
            "-p",
            str(puppeteer_config(tmp_path)),
            "-i",
            str(given),
            "-o",
            str(svg),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr
    styles = {
        element.get("id"): element.get("style", "")
        for element in ET.parse(svg).iter()
        if "flowchart-link" in element.get("class", "")
    }
    red = sorted(ident for ident, style in styles.items() if "#d32f2f" in style)
    assert len(styles) == 4
    assert len(red) == 1 and "L_m_shop_low_m_shop_high" in red[0]


def _big_result(contracts: int, violations: int, chain: int) -> CheckResult:
    results = []
    for c in range(contracts):
        found = []
        for v in range(violations):
            modules = [f"pkg.part{c}.mod{v}_{i}" for i in range(chain + 1)]
            found.append(
                Violation(
                    importer=modules[0],
                    imported=modules[-1],
                    message=f"{modules[0]} is not allowed to import {modules[-1]}",
                    chain=tuple(
                        Link(
                            a,
                            b,
                            f"pkg/part{c}/{a.rsplit('.', 1)[1]}.py",
                            7,
                            f"import {b}",
                            (7,),
                            ImportKind.RUNTIME,
                        )
                        for a, b in itertools.pairwise(modules)
                    ),
                )
            )
        results.append(ContractResult(f"c{c}", f"contract {c}", "layers", False, tuple(found)))
    return CheckResult(contracts=tuple(results), root_packages=("pkg",))


def test_chains_are_capped_per_contract():
    text = markdown.render(_big_result(2, 25, 2))
    assert text.count("is not allowed to import") == 2 * markdown.MAX_CHAINS
    assert text.count("- … and 15 more: run `importgate check --contract c") == 2
    assert [row[3] for row in table_rows(text)] == ["25", "25"]


def test_huge_result_stays_under_the_comment_limit():
    result = _big_result(400, 300, 4)
    full = markdown.build(result)
    assert len(full) > markdown.LIMIT
    text = markdown.render(result)
    assert len(text) <= markdown.BUDGET < markdown.LIMIT
    assert text.startswith("## ❌ importgate: 400 of 400 contracts broken")
    assert text.rstrip().endswith("run `importgate check` for all of it._")
    tokens(text)  # still parses

    smaller = markdown.render(_big_result(20, 300, 4))
    assert len(smaller) <= markdown.BUDGET
    assert "cut to fit" not in smaller
    for section in smaller.split("### ❌ ")[1:]:
        shown = section.count("is not allowed to import")
        (hidden,) = re.findall(r"- … and (\d+) more", section)
        assert 0 < shown < markdown.MAX_CHAINS and shown + int(hidden) == 300


def test_escaping_keeps_names_literal():
    link = Link(
        "pkg.a_b", "pkg.c", "pkg/a b.py", 3, "import pkg.c  # `tick` | *x*", (3,), ImportKind.TYPING
    )
    contract = ContractResult(
        "id",
        "a *bold* | [link](x) <b>",
        "forbidden",
        False,
        (Violation("pkg.a_b", "pkg.c", (link,), "pkg.a_b must not import pkg.c"),),
    )
    text = markdown.render(CheckResult(contracts=(contract,), root_packages=("pkg",)))
    assert table_rows(text)[0][1] == "a *bold* | [link](x) <b> (id)"
    assert links(text) == ["pkg/a%20b.py#L3"]
    codes = [
        c.content
        for t in tokens(text)
        if t.type == "inline"
        for c in t.children
        if c.type == "code_inline"
    ]
    assert "import pkg.c  # `tick` | *x*" in codes
    assert "_(typing)_" in text


def test_every_format_in_one_run(project):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "shop/low.py").write_text("import shop.high\n")
    formats = ["text", "json", "junit", "sarif", "github", "markdown"]
    args = [arg for name in formats for arg in ("--format", name)]
    run = run_cli(root, "check", *args, "--output-dir", "reports")
    assert run.returncode == 1, run.stderr
    assert "shop/low.py:1" in run.stdout
    written = sorted(p.name for p in (root / "reports").iterdir())
    assert written == sorted(
        [
            "importgate.txt",
            "importgate.json",
            "importgate.junit.xml",
            "importgate.sarif",
            "importgate.github.txt",
            "importgate.md",
        ]
    )
    for path in (root / "reports").iterdir():
        assert "shop/low.py" in path.read_text(encoding="utf-8"), path.name


def test_diagram_is_the_one_importgate_graph_draws(project):
    root = project(SHOP, EXHAUSTIVE)
    (block,) = mermaid_blocks(run_cli(root, "check", "--format", "markdown").stdout)
    graph = run_cli(root, "graph", "shop", "--depth", "1", "--format", "mermaid")
    assert graph.returncode == 0, graph.stderr
    assert block == graph.stdout
    assert "subgraph layer_0" in block  # the layers contract puts the parts in layers


def _wide_diagram(parts: int) -> Diagram:
    names = [f"pkg.part{i}" for i in range(parts)]
    nodes = tuple(DiagramNode(name, name[4:]) for name in names)
    edges = tuple(
        DiagramEdge(a, b, "1", EdgeStyle.BROKEN if (i, j) == (0, 1) else EdgeStyle.NORMAL)
        for i, a in enumerate(names)
        for j, b in enumerate(names)
        if i != j and (i + j) % 3 == 1
    )
    return Diagram(nodes, edges, "pkg (depth 1)", {"module": "pkg", "depth": "1"})


def test_big_diagrams_keep_only_the_breaking_imports():
    small = dataclasses.replace(_big_result(1, 1, 1), diagrams=(_wide_diagram(5),))
    (block,) = mermaid_blocks(markdown.render(small))
    assert block.count("-->") + block.count("==>") == len(small.diagrams[0].edges)
    assert "too large" not in markdown.render(small)

    big = dataclasses.replace(_big_result(1, 1, 1), diagrams=(_wide_diagram(40),))
    assert len(big.diagrams[0].edges) > markdown.MAX_EDGES
    text = markdown.render(big)
    (block,) = mermaid_blocks(text)
    assert "only the breaking imports: too large to draw whole" in text
    assert block.count("==>") == 1 and "-->" not in block
    assert 'm_pkg_part0["part0"]' in block and "m_pkg_part2[" not in block


def test_multi_line_message_of_an_unknown_contract_type_is_kept_as_text():
    message = "Contract broken:\n\n  pkg.a -> pkg.b (l.3)\n  *not emphasis*"
    contract = ContractResult("x", "custom", "mine", False, (Violation(None, None, (), message),))
    result = CheckResult(contracts=(contract,), root_packages=("pkg",), config_file=None)
    text = markdown.render(result)
    fences = [t for t in tokens(text) if t.type == "fence"]
    assert [f.content for f in fences] == ["pkg.a -> pkg.b (l.3)\n*not emphasis*\n"]
    assert "- **Contract broken:**" in text


def test_contract_warnings_are_listed_under_the_table(project):
    config = ini(
        LAYERS_CONFIG,
        "ignore_imports = shop.low -> shop.high",
        "unmatched_ignore_imports_alerting = warn",
    )
    run = run_cli(project(LAYERED, config), "check", "--format", "markdown")
    assert run.returncode == 0, run.stderr
    (line,) = [line for line in run.stdout.splitlines() if line.startswith("- ⚠️")]
    assert line.startswith("- ⚠️ shop layers (`layers`): ")
    assert "shop.low -\\> shop.high" in line
