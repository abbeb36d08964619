"""The JUnit XML report: one test case per contract, a failure per broken contract.

The shape is the common denominator GitLab (``artifacts:reports:junit``), Jenkins'
JUnit plugin and junitparser-based tools read: ``<testsuites>`` holding one
``<testsuite>`` with ``tests`` / ``failures`` / ``errors`` / ``skipped`` / ``time``,
one ``<testcase classname name time>`` per contract, and for a broken contract one
``<failure message type>`` whose text lists every violation with its chain, each
import as ``path:LINE  code``. Contract warnings go to the test case's
``<system-out>``.

With a baseline in use, a contract broken only by violations the baseline tolerates
passes (they are listed in its ``<system-out>``), and one more test case, classname
``importgate.baseline``, stands for the baseline file: it fails when an entry is stale
or expired, its failure naming each such entry as ``FILE:LINE``, and its ``file`` /
``line`` pointing at the first of them. One test case for the file, not one per entry,
so that GitLab and Jenkins track it by a name that does not change with the entries.

Written with the standard library's ElementTree, which does the escaping; the JUnit
writer packages on PyPI are unmaintained or add nothing for a document this small.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from importgate.model import CheckResult, ContractResult
from importgate.report.locate import baseline_problems, baselined, config_location, failing, summary

# Characters XML 1.0 cannot carry at all, even escaped (source lines may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _seconds(milliseconds: int) -> str:
    return f"{milliseconds / 1000:.3f}"


def failure_text(result: CheckResult, contract: ContractResult) -> str:
    """Every failing violation of ``contract``: its message, then its chain link by link."""
    lines: list[str] = []
    for violation in failing(contract):
        if violation.baseline == "expired":
            lines.append("(its baseline entry has expired)")
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
    broken = failing(contract)
    if contract.status == "broken":
        count = len(broken)
        first = summary(broken[0]) if broken else "contract broken"
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": _clean(f"{count} violation(s); first: {first}"),
                "type": _clean(contract.type),
            },
        )
        failure.text = _clean(failure_text(result, contract))
    out_lines = [f"warning: {warning}\n" for warning in contract.warnings]
    out_lines += [
        f"baselined: {v.importer or '-'} -> {v.imported or '-'} (fingerprint {v.fingerprint})\n"
        for v in baselined(contract)
    ]
    if out_lines:
        out = ET.SubElement(case, "system-out")
        out.text = _clean("".join(out_lines))
    return case


def _baseline_case(result: CheckResult) -> ET.Element | None:
    """The test case of the baseline file: failed by each stale or expired entry."""
    if result.baseline is None:
        return None
    report = result.baseline
    case = ET.Element(
        "testcase",
        {
            "classname": "importgate.baseline",
            "name": _clean(f"baseline {report.file}"),
            "time": "0.000",
            "file": _clean(report.file),
        },
    )
    problems = baseline_problems(result)
    if problems:
        if problems[0].where.line:
            case.set("line", str(problems[0].where.line))
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": _clean(
                    f"{len(problems)} baseline entry(ies) to act on; first: {problems[0].message}"
                ),
                "type": "baseline",
            },
        )
        failure.text = _clean("".join(f"{p.where}: {p.message}\n" for p in problems))
    out = ET.SubElement(case, "system-out")
    out.text = _clean(
        f"{report.matched} of {report.entry_count} entries in use, {len(report.stale)} stale, "
        f"{len(report.expired)} expired\n"
    )
    return case


def render(result: CheckResult) -> str:
    """The JUnit XML document as text (UTF-8, with an XML declaration)."""
    total_ms = result.graph_duration_ms + sum(c.duration_ms for c in result.contracts)
    baseline_case = _baseline_case(result)
    baseline_failed = baseline_case is not None and baseline_case.find("failure") is not None
    counts = {
        "tests": str(len(result.contracts) + (baseline_case is not None)),
        "failures": str(result.broken + baseline_failed),
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
    if baseline_case is not None:
        suite.append(baseline_case)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
