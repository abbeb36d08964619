"""The table of report formats ``--format`` accepts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from importgate.model import CheckResult

# Each writer is imported only when its format is asked for: ``check --format json``
# need not load the XML library junit uses, or the Mermaid and Markdown writers.


def _text(result: CheckResult) -> str:
    from importgate.report import text

    return text.render_plain(result)


def _json(result: CheckResult) -> str:
    from importgate.report import jsondoc

    return jsondoc.render(result)


def _junit(result: CheckResult) -> str:
    from importgate.report import junit

    return junit.render(result)


def _sarif(result: CheckResult) -> str:
    from importgate.report import sarif

    return sarif.render(result)


def _github(result: CheckResult) -> str:
    from importgate.report import github

    return github.render(result)


def _markdown(result: CheckResult) -> str:
    from importgate.report import markdown

    return markdown.render(result)


@dataclass(frozen=True)
class ReportFormat:
    name: str
    filename: str
    render: Callable[[CheckResult], str]
    description: str


FORMATS: dict[str, ReportFormat] = {
    fmt.name: fmt
    for fmt in (
        ReportFormat("text", "importgate.txt", _text, "readable report (coloured on a terminal)"),
        ReportFormat(
            "json",
            "importgate.json",
            _json,
            "stable JSON document, see docs/json-report.md",
        ),
        ReportFormat(
            "junit",
            "importgate.junit.xml",
            _junit,
            "JUnit XML: one test case per contract (GitLab, Jenkins), see docs/formats.md",
        ),
        ReportFormat(
            "sarif",
            "importgate.sarif",
            _sarif,
            "SARIF 2.1.0 for code scanning: one result per violation, see docs/formats.md",
        ),
        ReportFormat(
            "github",
            "importgate.github.txt",
            _github,
            "GitHub Actions ::error annotations, see docs/formats.md",
        ),
        ReportFormat(
            "markdown",
            "importgate.md",
            _markdown,
            "pull-request comment with a Mermaid diagram, see docs/formats.md",
        ),
    )
}


def render(result: CheckResult, format_name: str) -> str:
    """Render ``result`` in the named format."""
    return FORMATS[format_name].render(result)
