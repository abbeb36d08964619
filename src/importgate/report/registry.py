"""The table of report formats ``--format`` accepts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from importgate.model import CheckResult
from importgate.report import github, jsondoc, junit, markdown, sarif, text


@dataclass(frozen=True)
class ReportFormat:
    name: str
    filename: str
    render: Callable[[CheckResult], str]
    description: str


FORMATS: dict[str, ReportFormat] = {
    fmt.name: fmt
    for fmt in (
        ReportFormat(
            "text", "importgate.txt", text.render_plain, "readable report (coloured on a terminal)"
        ),
        ReportFormat(
            "json",
            "importgate.json",
            jsondoc.render,
            "stable JSON document, see docs/json-report.md",
        ),
        ReportFormat(
            "junit",
            "importgate.junit.xml",
            junit.render,
            "JUnit XML: one test case per contract (GitLab, Jenkins), see docs/formats.md",
        ),
        ReportFormat(
            "sarif",
            "importgate.sarif",
            sarif.render,
            "SARIF 2.1.0 for code scanning: one result per violation, see docs/formats.md",
        ),
        ReportFormat(
            "github",
            "importgate.github.txt",
            github.render,
            "GitHub Actions ::error annotations, see docs/formats.md",
        ),
        ReportFormat(
            "markdown",
            "importgate.md",
            markdown.render,
            "pull-request comment with a Mermaid diagram, see docs/formats.md",
        ),
    )
}


def render(result: CheckResult, format_name: str) -> str:
    """Render ``result`` in the named format."""
    return FORMATS[format_name].render(result)
