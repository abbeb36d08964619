"""The diff diagram, rendered by Mermaid itself (mermaid-cli in headless chromium)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from importgate.engine.diff_compare import compare
from importgate.engine.diff_snapshot import Snapshot
from importgate.model import ContractResult, Link, Violation
from importgate.report import diff_markdown
from tests.importgate.tools import mmdc, puppeteer_config

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _render(source: str, tmp_path: Path) -> str:
    tool, config = mmdc(), puppeteer_config(tmp_path)
    (tmp_path / "diff.mmd").write_text(source, encoding="utf-8")
    completed = subprocess.run(
        [tool, "--quiet", "-p", str(config), "-i", "diff.mmd", "-o", "diff.svg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    svg = (tmp_path / "diff.svg").read_text(encoding="utf-8")
    assert "Syntax error" not in svg
    return svg


def _links(svg: str) -> dict[str, str]:
    """Mermaid's drawn links: element id -> inline style."""
    return {
        element.get("id", ""): element.get("style", "")
        for element in ET.fromstring(svg).iter()
        if element.tag.endswith("}path") and "flowchart-link" in element.get("class", "").split()
    }


def _link(importer: str, imported: str) -> Link:
    return Link(importer, imported, "x.py", 1, f"import {imported}")


def test_added_removed_and_breaking_edges_render_in_their_colours(tmp_path: Path):
    upward = _link("shop.low", "shop.high")
    broken = ContractResult(
        "layers", "layers", "layers", False, (Violation("shop.low", "shop.high", (upward,)),)
    )
    kept = ContractResult("layers", "layers", "layers", True)
    base = Snapshot((kept,), (_link("shop.mid", "shop.low"),), ("shop",))
    head = Snapshot((broken,), (upward, _link("shop.extra", "shop.low")), ("shop",))
    markdown = diff_markdown.render(compare(base, head, 1, (("main", None), ("head", None))))
    source = markdown.split("```mermaid\n", 1)[1].split("```", 1)[0]

    links = _links(_render(source, tmp_path))

    assert len(links) == 3

    def style(importer: str, imported: str) -> str:
        return next(s for i, s in links.items() if f"m_{importer}_m_{imported}" in i)

    assert "stroke:#2e7d32" in style("shop_extra", "shop_low")  # added: green
    assert "stroke:#d32f2f" in style("shop_low", "shop_high")  # breaking: red
    removed = style("shop_mid", "shop_low")
    assert "stroke-dasharray" in removed and "#9e9e9e" in removed  # removed: dashed grey


def test_the_diagram_in_docs_diff_md_renders(tmp_path: Path):
    text = (DOCS / "diff.md").read_text(encoding="utf-8")
    source = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert len(_links(_render(source, tmp_path))) == 3
