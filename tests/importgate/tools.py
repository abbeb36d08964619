"""System tools some tests need (dot, chromium, mermaid-cli), found or skipped.

Locally a test skips when its tool is missing; under ``CI=true`` it fails instead,
because ``.ci/run`` installs every one of them and a skip there would hide a gap.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from importgate.report.graphviz import find_graphviz_pure

REPO = Path(__file__).resolve().parents[2]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def require(path: str | None, what: str, install: str) -> str:
    """``path`` if it is an existing file; else skip (fail under CI=true)."""
    if path and Path(path).is_file():
        return path
    message = f"{what} not found; {install}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (.ci/run installs it, so CI must have it)")
    pytest.skip(message)


LAYOUT_PROGRAMS = ("dot", "graphviz-pure")
"""The layout programs the svg / html formats can run: a system Graphviz, graphviz-pure."""


def layout_program(name: str) -> str:
    """The path of layout program ``name``: system ``dot`` (or skip), or graphviz-pure."""
    if name == "dot":
        return require(shutil.which("dot"), "Graphviz dot", "apt-get install graphviz")
    found = find_graphviz_pure()
    assert found, "graphviz-pure is a dependency of importgate: reinstall with pip install -e ."
    return found


def chromium() -> str:
    """Debian's chromium binary."""
    found = os.environ.get("IMPORTGATE_CHROMIUM") or shutil.which("chromium")
    return require(found, "chromium", "apt-get install chromium")


def mmdc() -> str:
    """mermaid-cli, as ``.ci/run`` installs it into ``.cache/mermaid-cli``."""
    local = REPO / ".cache" / "mermaid-cli" / "node_modules" / ".bin" / "mmdc"
    found = os.environ.get("IMPORTGATE_MMDC") or (str(local) if local.is_file() else None)
    found = found or shutil.which("mmdc")
    require(shutil.which("node"), "node", "apt-get install nodejs npm")
    return require(
        found,
        "mermaid-cli (mmdc)",
        "run: PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .cache/mermaid-cli "
        "@mermaid-js/mermaid-cli",
    )


def puppeteer_config(directory: Path) -> Path:
    """A puppeteer config that makes mermaid-cli use Debian's chromium."""
    path = directory / "puppeteer.json"
    path.write_text(
        json.dumps({"executablePath": chromium(), "args": list(CHROMIUM_FLAGS)}),
        encoding="utf-8",
    )
    return path
