"""Shared by the report-format tests: run ``check`` once, read every report it wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.importgate.conftest import Run, run_cli

FILES = {
    "json": "importgate.json",
    "junit": "importgate.junit.xml",
    "sarif": "importgate.sarif",
    "github": "importgate.github.txt",
    "markdown": "importgate.md",
}

# A layers contract broken twice: an upward import, and a module no layer lists.
EXHAUSTIVE = """
    [importlinter]
    root_package = shop

    [importlinter:contract:shop-layers]
    name = shop layers, high | mid | low
    type = layers
    containers = shop
    layers =
        high
        mid
        low
    exhaustive = true
    """

SHOP = {
    "shop/__init__.py": "",
    "shop/high.py": "from shop import mid\n",
    "shop/mid.py": "import shop.low\n",
    "shop/low.py": "VALUE = 1\nimport shop.high\n",
    "shop/extra.py": "import shop.low\n",
}


@dataclass
class Reports:
    run: Run
    out: Path

    def text(self, name: str) -> str:
        return (self.out / FILES[name]).read_text(encoding="utf-8")

    @property
    def json(self) -> Any:
        return json.loads(self.text("json"))

    def violations(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(contract, violation) pairs of the JSON report, in order."""
        return [(c, v) for c in self.json["contracts"] for v in c["violations"]]


def check_reports(root: Path, *formats: str, extra: tuple[str, ...] = ()) -> Reports:
    """``importgate check --format json --format F... --output-dir out`` in ``root``."""
    out = root / "out"
    args = ["check", "--format", "json"]
    for name in formats:
        args += ["--format", name]
    run = run_cli(root, *args, "--output-dir", str(out), *extra)
    assert run.returncode in (0, 1), run.stderr
    return Reports(run, out)


def shown_link(contract: dict[str, Any], violation: dict[str, Any]) -> dict[str, Any]:
    """The link a violation is shown at: a suggested cycle breaker, else the first link."""
    breakers = contract["details"].get("cycle_breakers", [])
    wanted = {(b["importer"], b["imported"]) for b in breakers}
    chain = violation["chain"]
    return next(
        (link for link in chain if (link["importer"], link["imported"]) in wanted), chain[0]
    )
