"""``importgate graph`` end to end: generated packages, real subprocess runs."""

from __future__ import annotations

import re

import pytest

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli

# shop.high -> shop.mid -> shop.low, plus an upward import low -> high and a
# cycle between two modules of an unlayered subpackage.
BROKEN = {
    **LAYERED,
    "shop/low.py": "import shop.high\n",
    "shop/util/__init__.py": "",
    "shop/util/a.py": "from shop.util import b\n",
    "shop/util/b.py": "from shop.util import a\n",
}

CYCLE_CONFIG = ini(
    LAYERS_CONFIG,
    """
    [importlinter:contract:utils]
    name = util modules are independent
    type = independence
    modules =
        shop.util.a
        shop.util.b
    """,
)


def _edges(mermaid: str) -> dict[tuple[str, str], str]:
    """(importer id, imported id) -> the arrow's line, from Mermaid source."""
    found = {}
    for line in mermaid.splitlines():
        match = re.match(r"\s*(m_\w+) (-->|==>|-\.->)(?:\|\"\d+\"\|)? (m_\w+)$", line)
        if match:
            found[(match.group(1), match.group(3))] = line.strip()
    return found


def _link_styles(mermaid: str) -> dict[int, str]:
    styles = {}
    for indices, style in re.findall(r"linkStyle ([\d,]+) (\S+)", mermaid):
        for index in indices.split(","):
            styles[int(index)] = style
    return styles


def test_default_is_mermaid_of_the_layered_package_bottom_up(project):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "graph", "shop")
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert text.splitlines()[3] == "flowchart TB"
    subgraphs = re.findall(r'subgraph (layer_\d+)\["(\w+)"\]', text)
    assert subgraphs == [("layer_2", "high"), ("layer_1", "mid"), ("layer_0", "low")]
    assert set(_edges(text)) == {("m_shop_high", "m_shop_mid"), ("m_shop_mid", "m_shop_low")}
    assert "linkStyle" not in text  # nothing broken, no cycle
    assert "3 nodes, 2 edges, 0 breaking a contract" in run.stderr


def test_broken_imports_red_and_cycles_orange(project):
    root = project(BROKEN, CYCLE_CONFIG)
    run = run_cli(root, "graph", "shop", "--depth", "2")
    assert run.returncode == 0, run.stderr  # drawing succeeded, whatever the contracts say
    edges = _edges(run.stdout)
    order = list(edges)
    styles = _link_styles(run.stdout)
    upward = order.index(("m_shop_low", "m_shop_high"))
    assert styles[upward].startswith("stroke:#d32f2f")
    assert edges[("m_shop_low", "m_shop_high")].split()[1].startswith("==>")
    # the independence contract is broken by a <-> b: red wins over the cycle colour
    assert styles[order.index(("m_shop_util_a", "m_shop_util_b"))].startswith("stroke:#d32f2f")
    # high -> mid -> low -> high is a cycle; the non-breaking part of it is orange
    assert styles[order.index(("m_shop_high", "m_shop_mid"))].startswith("stroke:#ef6c00")
    assert "class m_shop_high,m_shop_low,m_shop_mid,m_shop_util_a,m_shop_util_b cycle" in (
        run.stdout
    )
    # util is not a layer: its modules sit outside the layer subgraphs
    assert re.search(r'^    m_shop_util_a\["util.a"\]$', run.stdout, re.M)


def test_depth_collapses_and_counts(project):
    files = {
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/v.py": "import app.core.m\nimport app.core.n\n",
        "app/api/w.py": "import app.core.m\n",
        "app/core/__init__.py": "",
        "app/core/m.py": "",
        "app/core/n.py": "",
    }
    config = """
        [importlinter]
        root_package = app

        [importlinter:contract:f]
        name = core does not import api
        type = forbidden
        source_modules = app.core
        forbidden_modules = app.api
        """
    root = project(files, config)
    run = run_cli(root, "graph", "app")
    assert run.returncode == 0, run.stderr
    assert 'm_app_api -->|"3"| m_app_core' in run.stdout
    deeper = run_cli(root, "graph", "app", "--depth", "2").stdout
    assert 'm_app_api_v -->|"1"| m_app_core_n' in deeper
    assert "subgraph" not in deeper


def test_output_dir_writes_every_module_and_format(project, tmp_path):
    root = project(BROKEN, CYCLE_CONFIG)
    out = tmp_path / "reports"
    run = run_cli(
        root,
        "graph",
        "shop",
        "shop.util",
        "--format",
        "mermaid",
        "--format",
        "dot",
        "--output-dir",
        str(out),
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "graph-shop.dot",
        "graph-shop.mmd",
        "graph-shop.util.dot",
        "graph-shop.util.mmd",
    ]
    dot_text = (out / "graph-shop.dot").read_text()
    assert dot_text.startswith("\ndigraph importgate {") or "digraph importgate {" in dot_text
    assert re.search(r'm_shop_low -> m_shop_high \[color="#d32f2f"', dot_text)
    assert "subgraph cluster_layer_2" in dot_text
    assert f"wrote {out / 'graph-shop.util.mmd'}" in run.stderr


def test_no_module_draws_every_root_package(project, tmp_path):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "graph", "--output-dir", str(tmp_path / "o"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "o" / "graph-shop.mmd").is_file()


def test_no_module_and_one_root_package_writes_to_stdout_or_output(project):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "graph")
    assert run.returncode == 0, run.stderr
    assert "flowchart" in run.stdout and 'title: "shop (depth 1)"' in run.stdout
    assert run_cli(root, "graph", "--output", "shop.mmd").returncode == 0
    assert "flowchart" in (root / "shop.mmd").read_text()


def test_no_module_and_several_root_packages_need_output_dir(project):
    files = {**LAYERED, "other/__init__.py": "", "other/x.py": ""}
    config = LAYERS_CONFIG.replace(
        "root_package = shop", "root_packages =\n        shop\n        other"
    )
    root = project(files, config)
    for extra in ((), ("--output", "x.mmd")):
        run = run_cli(root, "graph", *extra)
        assert run.returncode == 2 and "--output-dir DIR" in run.stderr, run.stderr
    assert not (root / "x.mmd").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("graph", "nope"), "Module 'nope' is not in the import graph of shop"),
        (("graph", "shop", "--depth", "0"), "--depth"),
        (("graph", "shop", "--format", "dot", "--format", "mermaid"), "--output-dir"),
        (("graph", "shop", "shop.mid", "--output", "x.mmd"), "--output takes one MODULE"),
        (("graph", "shop", "--config", "missing.ini"), "missing.ini does not exist"),
    ],
)
def test_could_not_run_exits_2_with_a_message(project, args, message):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, *args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_embed_rewrites_only_the_block_between_markers(project):
    root = project(LAYERED, LAYERS_CONFIG)
    readme = root / "README.md"
    readme.write_text(
        "# Shop\n\nbefore\n\n<!-- importgate graph shop -->\nstale\n<!-- /importgate graph -->\n"
        "\nafter\n",
        encoding="utf-8",
    )
    run = run_cli(root, "graph", "shop", "--embed", "README.md")
    assert run.returncode == 0, run.stderr
    expected = run_cli(root, "graph", "shop").stdout
    assert readme.read_text() == (
        "# Shop\n\nbefore\n\n<!-- importgate graph shop -->\n```mermaid\n"
        + expected
        + "```\n<!-- /importgate graph -->\n\nafter\n"
    )
    again = run_cli(root, "graph", "shop", "--embed", "README.md")  # idempotent
    assert again.returncode == 0 and readme.read_text().count("```mermaid") == 1


def test_embed_without_markers_or_with_format_exits_2(project):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "README.md").write_text("# Shop\n", encoding="utf-8")
    run = run_cli(root, "graph", "shop", "--embed", "README.md")
    assert run.returncode == 2
    assert "README.md has no block for shop" in run.stderr
    assert "<!-- importgate graph shop -->" in run.stderr
    assert (root / "README.md").read_text() == "# Shop\n"
    run = run_cli(root, "graph", "shop", "--embed", "README.md", "--format", "dot")
    assert run.returncode == 2 and "--embed" in run.stderr


def test_warns_when_github_would_not_render_the_mermaid(project):
    names = [f"m{i}" for i in range(24)]  # 24 * 23 = 552 edges at depth 1
    files = {"big/__init__.py": ""}
    for name in names:
        files[f"big/{name}.py"] = "".join(f"import big.{o}\n" for o in names if o != name)
    config = "[importlinter]\nroot_package = big\n\n[importlinter:contract:c]\nname = c\n"
    config += "type = independence\nmodules =\n    big.m0\n    big.m1\n"
    root = project(files, config)
    run = run_cli(root, "graph", "big")
    assert run.returncode == 0, run.stderr
    assert "552 links (Mermaid draws at most 500)" in run.stderr
    assert "smaller --depth" in run.stderr
    small = run_cli(root, "graph", "big.m0")
    assert "warning" not in small.stderr
