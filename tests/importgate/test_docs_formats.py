"""docs/formats.md shows what importgate really writes for its example, format by format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from tests.importgate.conftest import run_cli
from tests.importgate.test_format_sarif import SCHEMA

DOC = (Path(__file__).parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")

FILES = {
    "shop/__init__.py": "",
    "shop/high.py": "from shop import mid\n",
    "shop/mid.py": "import shop.low\n",
    "shop/low.py": '"""The lowest layer."""\n\nimport shop.extra\n',
    "shop/extra.py": "import shop.high\n",
}


def block(fence: str, after: str) -> str:
    """The first ``fence`` code block of the doc after the heading ``after``."""
    section = DOC.split(after, 1)[1]
    ticks = "````" if fence == "markdown" else "```"
    return section.split(f"{ticks}{fence}\n", 1)[1].split(f"\n{ticks}\n", 1)[0] + "\n"


def normal(text: str) -> str:
    """Without what changes from run to run: timings and the working directory."""
    text = re.sub(r'time="[0-9.]+"', 'time="T"', text)
    text = re.sub(r"graph built in \d+ ms", "graph built in N ms", text)
    return re.sub(r'"file:///[^"]*/"', '"file:///DIR/"', text)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("doc")
    for name, source in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")
    (root / ".importlinter").write_text(block("ini", "## The example"), encoding="utf-8")
    formats = ["text", "json", "junit", "sarif", "github", "markdown"]
    args = [arg for name in formats for arg in ("--format", name)]
    run = run_cli(root, "check", *args, "--output-dir", "reports")
    assert run.returncode == 1, run.stderr
    return root / "reports"


@pytest.mark.parametrize(
    ("fence", "heading", "file"),
    [
        ("text", "prints\n", "importgate.txt"),
        ("xml", "## `junit`", "importgate.junit.xml"),
        ("text", "## `github`", "importgate.github.txt"),
        ("markdown", "## `markdown`", "importgate.md"),
    ],
)
def test_documented_output_is_the_real_output(reports, fence, heading, file):
    real = (reports / file).read_text(encoding="utf-8")
    assert normal(block(fence, heading)) == normal(real)


def test_documented_sarif_is_the_real_log_and_valid(reports):
    documented = json.loads(block("json", "## `sarif`"))
    jsonschema.Draft4Validator(SCHEMA).validate(documented)
    real = json.loads((reports / "importgate.sarif").read_text(encoding="utf-8"))
    assert normal(json.dumps(documented)) == normal(json.dumps(real))
