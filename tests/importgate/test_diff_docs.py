"""The CI recipes in ``docs/ci/`` are valid YAML and call ``importgate diff`` correctly."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from importgate.cli.diff import diff
from importgate.report.diff_markdown import MARKER

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _yaml_blocks(name: str) -> list[Any]:
    text = (DOCS / "ci" / name).read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def _diff_arguments(command: str) -> list[str]:
    words = shlex.split(command.replace("${{ github.base_ref }}", "main"))
    assert words[:2] == ["importgate", "diff"], command
    return words[2:]


def _parses(arguments: list[str]) -> dict[str, Any]:
    context = diff.make_context("diff", list(arguments))
    return dict(context.params)


def test_github_workflow_uploads_sarif_and_updates_one_comment():
    [workflow] = _yaml_blocks("github-actions.md")
    steps = workflow["jobs"]["importgate"]["steps"]
    assert workflow["permissions"]["security-events"] == "write"
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    check = next(s for s in steps if s.get("id") == "check")
    assert "--format sarif" in check["run"] and "--output-dir reports" in check["run"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "reports/importgate.sarif"
    run = next(s for s in steps if s.get("id") == "diff")["run"]
    params = _parses(_diff_arguments(run))
    assert (params["format_name"], params["output_file"]) == ("markdown", "reports/diff.md")
    comment = next(s for s in steps if "github-script" in s.get("uses", ""))
    assert f'"{MARKER}"' in comment["with"]["script"]
    assert "reports/diff.md" in comment["with"]["script"]


def test_gitlab_job_has_the_junit_report_and_a_valid_diff():
    [pipeline] = _yaml_blocks("gitlab.md")
    job = pipeline["importgate"]
    assert job["artifacts"]["reports"]["junit"] == "reports/importgate.junit.xml"
    assert job["artifacts"]["when"] == "always"
    assert any(
        "--format junit" in line and "--output-dir reports" in line for line in job["script"]
    )
    [command] = [
        line for line in pipeline["importgate-diff"]["script"] if "importgate diff" in line
    ]
    params = _parses(_diff_arguments(command.replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "x")))
    assert params["base"] == "origin/x" and params["format_name"] == "markdown"
