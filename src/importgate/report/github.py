"""GitHub Actions workflow commands: an ``::error`` annotation per violation.

Printed to stdout inside a workflow step, each line becomes an annotation on the
offending import in the pull request's diff and in the run summary::

    ::error file=shop/low.py,line=3,title=shop layers [layers]::shop.low is not ...

A violation with no import (a module missing from an exhaustive layers contract) is
annotated on the contract's section of the configuration file; contract warnings
become ``::warning`` lines. With a baseline, a violation it tolerates is a ``::notice``
(visible, not failing), and each stale or expired entry an ``::error`` on its line in
the baseline file. Values are escaped as the Actions runner unescapes them
(``actions/toolkit``'s ``command.ts``): ``%``, CR and LF in the message; additionally
``:`` and ``,`` in property values. The escaping is five replacements, so no library.
"""

from __future__ import annotations

from importgate.model import CheckResult, ContractResult, Violation
from importgate.report.locate import (
    Location,
    baseline_problems,
    config_location,
    summary,
    violation_location,
)


def escape_data(text: str) -> str:
    """Escape a command's message (the part after the second ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, where: Location | None, title: str) -> str:
    """One workflow command line, e.g. ``::error file=a.py,line=3,title=T::message``."""
    properties = []
    if where is not None:
        properties.append(f"file={escape_property(where.path)}")
        if where.line:
            properties.append(f"line={where.line}")
    properties.append(f"title={escape_property(title)}")
    return f"::{name} {','.join(properties)}::{escape_data(message)}"


def _title(contract: ContractResult) -> str:
    return f"{contract.name} [{contract.id}]" if contract.id else contract.name


def _message(violation: Violation) -> str:
    expired = " (its baseline entry has expired)" if violation.baseline == "expired" else ""
    lines = [summary(violation) + expired]
    for link in violation.chain:
        lines.append(f"{link.importer} -> {link.imported}  {link.describe()}")
    return "\n".join(lines)


def render(result: CheckResult) -> str:
    """Every annotation, one per line, then a plain summary line."""
    lines = []
    for contract in result.contracts:
        title = _title(contract)
        for violation in contract.violations:
            where = violation_location(result, contract, violation)
            if violation.failing:
                lines.append(command("error", _message(violation), where, title))
            else:
                message = f"baselined (tolerated by the baseline): {_message(violation)}"
                lines.append(command("notice", message, where, f"{title} (baselined)"))
        for warning in contract.warnings:
            lines.append(command("warning", warning, config_location(result, contract), title))
    for problem in baseline_problems(result):
        lines.append(command("error", problem.message, problem.where, "importgate baseline"))
    summary_line = f"importgate: {result.kept} kept, {result.broken} broken"
    if result.baseline is not None:
        report = result.baseline
        summary_line += (
            f", {result.baselined} baselined; baseline {report.file}: {len(report.stale)} "
            f"stale, {len(report.expired)} expired"
        )
    lines.append(summary_line)
    return "\n".join(lines) + "\n"
