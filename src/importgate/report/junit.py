"""The JUnit XML report: one test case per contract, a failure per broken contract.

The shape is the common denominator GitLab (``artifacts:reports:junit``), Jenkins'
JUnit plugin and junitparser-based tools read: ``<testsuites>`` holding one
``<testsuite>`` with ``tests`` / ``failures`` / ``errors`` / ``skipped`` / ``time``,
one ``<testcase classname name time>`` per contract, and for a broken contract one
``<failure message type>`` whose text lists every violation with its chain, each
import as ``path:LINE  code``. Contract warnings go to the test case's
``<system-out>``.

Written with the standard library's ElementTree, which does the escaping; the JUnit
writer packages on PyPI are unmaintained or add nothing for a document this small.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from importgate.model import CheckResult, ContractResult
from importgate.report.locate import config_location, summary

# Characters XML 1.0 cannot carry at all, even escaped (source lines may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _seconds(milliseconds: int) -> str:
    return f"{milliseconds / 1000:.3f}"


def failure_text(result: CheckResult, contract: ContractResult) -> str:
    """Every violation of ``contract``: its message, then its chain link by link."""
    lines: list[str] = []
    for violation in contract.violations:
        lines.append(summary(violation))
        if not violation.chain:
            where = config_location(result, contract)
            if where is not None:
                lines.append(f"    {where}  (the contract in the configuration)")
        for link in violation.chain:
            lines.append(f"    {link.importer} -> {link.imported}")
            lines.append(f"      {link.describe()}")
        lines.append("")
    breakers = contract.details.get("cycle_breakers") or []
    if breakers:
        lines.append("Suggested cycle breakers (remove one of these imports):")
        for breaker in breakers:
            spot = f"{breaker['path'] or breaker['importer']}:{breaker['line_number'] or '?'}"
            lines.append(f"    {breaker['importer']} -> {breaker['imported']}  {spot}")
    return "\n".join(lines).rstrip() + "\n"


def _testcase(result: CheckResult, contract: ContractResult) -> ET.Element:
    name = f"{contract.name} [{contract.id}]" if contract.id else contract.name
    case = ET.Element(
        "testcase",
        {
            "classname": f"importgate.{contract.type}",
            "name": _clean(name),
            "time": _seconds(contract.duration_ms),
        },
    )
    if result.config_file:
        case.set("file", result.config_file)
    if not contract.kept:
        count = len(contract.violations)
        first = summary(contract.violations[0]) if contract.violations else "contract broken"
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": _clean(f"{count} violation(s); first: {first}"),
                "type": _clean(contract.type),
            },
        )
        failure.text = _clean(failure_text(result, contract))
    if contract.warnings:
        out = ET.SubElement(case, "system-out")
        out.text = _clean("".join(f"warning: {warning}\n" for warning in contract.warnings))
    return case


def render(result: CheckResult) -> str:
    """The JUnit XML document as text (UTF-8, with an XML declaration)."""
    total_ms = result.graph_duration_ms + sum(c.duration_ms for c in result.contracts)
    counts = {
        "tests": str(len(result.contracts)),
        "failures": str(result.broken),
        "errors": "0",
        "skipped": "0",
        "time": _seconds(total_ms),
    }
    suites = ET.Element("testsuites", {"name": "importgate", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "importgate", **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("root_packages", ",".join(result.root_packages)),
        ("config_file", result.config_file or ""),
        ("module_count", str(result.module_count)),
        ("import_count", str(result.import_count)),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    suite.extend(_testcase(result, contract) for contract in result.contracts)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
