"""Every report format with a baseline: tolerated violations pass, new ones fail, and
stale or expired entries fail at their line in ``contracts/baseline.toml``.

Each test runs ``importgate check`` once, writing every format (real CLI runs on a
fixture package whose ``shop.low`` breaks the layers contract by importing ``shop.high``).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.importgate.conftest import LAYERS_CONFIG, run_cli
from tests.importgate.formats_support import Reports, check_reports
from tests.importgate.test_format_sarif import validate
from tests.importgate.test_ratchet import BASELINE, LEGACY

FORMATS = ("junit", "sarif", "github", "markdown")


def record(root: Path, *extra: str) -> dict[str, object]:
    run = run_cli(root, "baseline", "--reason", "legacy import, TICKET-1", *extra)
    assert run.returncode == 0, run.stderr
    text = (root / BASELINE).read_text(encoding="utf-8")
    lines = text.splitlines()
    line = lines.index("[[violation]]") + 1
    fingerprint = re.search(r'fingerprint = "([0-9a-f]+)"', text)
    assert fingerprint is not None
    return {"line": line, "fingerprint": fingerprint.group(1)}


def check_all(root: Path) -> Reports:
    return check_reports(root, *FORMATS)


def sarif_run(reports: Reports) -> dict:
    log = json.loads(reports.text("sarif"))
    validate(log)
    (run,) = log["runs"]
    return run


def junit_cases(reports: Reports) -> tuple[ET.Element, dict[str, ET.Element]]:
    suites = ET.fromstring(reports.text("junit"))
    (suite,) = suites.findall("testsuite")
    return suite, {case.get("classname"): case for case in suite.findall("testcase")}


def github_lines(reports: Reports, kind: str) -> list[str]:
    return [line for line in reports.text("github").splitlines() if line.startswith(f"::{kind}")]


def red_arrows(markdown: str) -> list[str]:
    """The Mermaid edges drawn as breaking a contract (``==>``, red)."""
    return re.findall(r"^\s+(\w+ ==>\|\"\d+\"\| \w+)$", markdown, re.M)


def located(result: dict) -> tuple[str, int]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


@pytest.fixture
def legacy(project) -> tuple[Path, dict[str, object]]:
    root = project(LEGACY, LAYERS_CONFIG)
    return root, record(root)


def test_violation_kept_by_the_baseline_fails_no_format(legacy):
    root, entry = legacy
    reports = check_all(root)
    assert reports.run.returncode == 0, reports.run.stdout
    assert reports.json["passed"] is True

    run = sarif_run(reports)
    assert run["results"] == []
    assert run["invocations"][0]["exitCode"] == 0
    assert [b["fingerprint"] for b in run["properties"]["baselined"]] == [entry["fingerprint"]]
    assert run["tool"]["driver"]["rules"][-1]["id"] == "importgate/baseline"

    suite, cases = junit_cases(reports)
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")
    assert cases["importgate.layers"].find("failure") is None
    assert "baselined: shop.low -> shop.high" in cases["importgate.layers"].findtext("system-out")
    assert cases["importgate.baseline"].find("failure") is None
    assert cases["importgate.baseline"].get("file") == "contracts/baseline.toml"

    assert github_lines(reports, "error") == []
    (notice,) = github_lines(reports, "notice")
    assert notice.startswith("::notice file=shop/low.py,line=1,")
    assert "baselined" in notice

    markdown = reports.text("markdown")
    assert markdown.startswith("## ✅ importgate: no contract broken")
    assert "| 🟡 | shop layers (`layers`) | `layers` | 0 | 1 |" in markdown
    assert "### 🟡 Baselined: 1" in markdown
    assert "### ❌" not in markdown
    assert "```mermaid" in markdown and red_arrows(markdown) == []


def test_new_violation_fails_every_format_beside_the_baselined_one(legacy):
    root, _ = legacy
    (root / "shop/mid.py").write_text("import shop.low\nimport shop.high\n", encoding="utf-8")
    reports = check_all(root)
    assert reports.run.returncode == 1

    run = sarif_run(reports)
    (result,) = run["results"]
    assert (result["ruleId"], result["level"]) == ("layers", "error")
    assert located(result) == ("shop/mid.py", 2)
    assert run["invocations"][0]["exitCode"] == 1

    suite, cases = junit_cases(reports)
    assert suite.get("failures") == "1"
    failure = cases["importgate.layers"].find("failure")
    assert failure is not None and failure.get("message").startswith("1 violation(s)")
    assert "shop/mid.py:2" in failure.text and "shop/low.py" not in failure.text
    assert cases["importgate.baseline"].find("failure") is None

    (error,) = github_lines(reports, "error")
    assert error.startswith("::error file=shop/mid.py,line=2,")
    (notice,) = github_lines(reports, "notice")
    assert notice.startswith("::notice file=shop/low.py,line=1,")

    markdown = reports.text("markdown")
    assert markdown.startswith("## ❌ importgate: 1 of 1 contracts broken")
    assert "| ❌ | shop layers (`layers`) | `layers` | 1 | 1 |" in markdown
    broken = markdown.split("### ❌ shop layers", 1)[1].split("###", 1)[0]
    assert "shop/mid.py#L2" in broken and "shop/low.py" not in broken
    assert red_arrows(markdown) == ['m_shop_mid ==>|"1"| m_shop_high']


def test_stale_entry_fails_every_format_at_its_line(legacy):
    root, entry = legacy
    (root / "shop/low.py").write_text("VALUE = 1\n", encoding="utf-8")
    reports = check_all(root)
    assert reports.run.returncode == 1
    where = ("contracts/baseline.toml", entry["line"])

    run = sarif_run(reports)
    (result,) = run["results"]
    assert (result["ruleId"], result["level"]) == ("importgate/baseline", "error")
    assert located(result) == where
    assert "stale entry" in result["message"]["text"]
    assert entry["fingerprint"] in result["message"]["text"]

    suite, cases = junit_cases(reports)
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    assert cases["importgate.layers"].find("failure") is None
    baseline = cases["importgate.baseline"]
    assert (baseline.get("file"), baseline.get("line")) == (where[0], str(where[1]))
    assert f"{where[0]}:{where[1]}: stale entry" in baseline.find("failure").text

    (error,) = github_lines(reports, "error")
    assert error.startswith(f"::error file={where[0]},line={where[1]},title=importgate baseline::")
    assert "stale entry" in error

    markdown = reports.text("markdown")
    assert markdown.startswith("## ❌ importgate: baseline entries to act on")
    assert f"[`{where[0]}#L{where[1]}`]({where[0]}#L{where[1]}): stale entry" in markdown


def test_expired_entry_fails_every_format_at_the_import_and_at_its_line(project):
    root = project(LEGACY, LAYERS_CONFIG)
    entry = record(root, "--expires", "2000-01-31")
    reports = check_all(root)
    assert reports.run.returncode == 1
    where = ("contracts/baseline.toml", entry["line"])

    run = sarif_run(reports)
    violation, stale = run["results"]
    assert (violation["ruleId"], violation["level"]) == ("layers", "error")
    assert located(violation) == ("shop/low.py", 1)
    assert violation["properties"] == {"baseline": "expired"}
    assert stale["ruleId"] == "importgate/baseline" and located(stale) == where
    assert "expired on 2000-01-31" in stale["message"]["text"]
    assert run["properties"]["baselined"] == []

    suite, cases = junit_cases(reports)
    assert suite.get("failures") == "2"
    assert "(its baseline entry has expired)" in cases["importgate.layers"].find("failure").text
    baseline = cases["importgate.baseline"]
    assert baseline.get("line") == str(where[1])
    assert "expired on 2000-01-31" in baseline.find("failure").text

    errors = github_lines(reports, "error")
    assert [e.split("::")[1].split(",title")[0] for e in errors] == [
        "error file=shop/low.py,line=1",
        f"error file={where[0]},line={where[1]}",
    ]
    assert github_lines(reports, "notice") == []

    markdown = reports.text("markdown")
    assert markdown.startswith("## ❌ importgate: 1 of 1 contracts broken")
    assert "_(its baseline entry has expired)_" in markdown
    assert red_arrows(markdown) == ['m_shop_low ==>|"1"| m_shop_high']
    assert f"({where[0]}#L{where[1]}): entry expired on 2000-01-31" in markdown
