"""The human report: each contract kept or broken, each offending chain file by file.

Rendered with rich so a terminal gets colour; files and pipes get the same text without
escape codes. The report is assembled as one styled ``Text`` and printed once: printing
line by line through rich's markup parser costs more than the check itself on a
contract with hundreds of violations.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from importgate.model import CheckResult, ContractResult, Violation


def _contract_label(contract: ContractResult, text: Text, style: str = "") -> None:
    text.append(contract.name, style=style)
    if contract.id:
        text.append(f" ({contract.id})", style="dim")


def _violation(violation: Violation, text: Text) -> None:
    if not violation.failing:  # tolerated by the baseline: one line is enough
        text.append("  baselined: ", style="yellow")
        text.append(f"{violation.importer or '-'} -> {violation.imported or '-'}")
        text.append(f"  (fingerprint {violation.fingerprint})\n", style="dim")
        return
    if violation.baseline == "expired":
        text.append("  expired in the baseline: ", style="red")
    if violation.message:
        text.append(f"  {violation.message}\n", style="bold")
    if violation.location:
        text.append(f"      {violation.location}\n", style="cyan")
    for note in violation.notes:
        text.append(f"      {note}\n")
    for link in violation.chain:
        text.append(f"    {link.importer} -> {link.imported}\n")
        text.append(f"      {link.describe()}\n", style="cyan")
    text.append("\n")


def _breakers(contract: ContractResult, text: Text) -> None:
    breakers = contract.details.get("cycle_breakers") or []
    if not breakers:
        return
    text.append("  Suggested cycle breakers (remove one of these imports):\n")
    for link in breakers:
        where = f"{link['path'] or link['importer']}:{link['line_number'] or '?'}"
        text.append(f"    - {link['importer']} -> {link['imported']}  ")
        text.append(f"{where}\n", style="cyan")
    text.append("\n")


def build(result: CheckResult, width: int = 80) -> Text:
    """The whole report as one styled text."""
    text = Text()
    text.append("importgate", style="bold")
    text.append(
        f": {len(result.contracts)} contract(s) on {', '.join(result.root_packages) or '-'}; "
        f"{result.module_count} modules, {result.import_count} imports "
        f"(graph built in {result.graph_duration_ms} ms)\n\n"
    )
    for contract in result.contracts:
        if contract.kept:
            text.append("KEPT   ", style="green")
        elif contract.status == "baselined":
            text.append("BASELINED ", style="yellow")
        else:
            text.append("BROKEN ", style="red")
        _contract_label(contract, text)
        text.append(f" {contract.type}\n", style="dim")
        for warning in contract.warnings:
            text.append("  warning: ", style="yellow")
            text.append(f"{warning}\n")
    for contract in result.contracts:
        if contract.kept:
            continue
        text.append("\n")
        heading = Text()
        colour = "red" if contract.status == "broken" else "yellow"
        _contract_label(contract, heading, style=colour)
        text.append_text(heading)
        text.append(" " + "─" * max(3, width - len(heading.plain) - 1) + "\n", style=colour)
        for violation in contract.violations:
            _violation(violation, text)
        if contract.violations and not contract.violations[-1].failing:
            text.append("\n")
        _breakers(contract, text)
    _baseline(result, text)
    colour = "green" if result.passed else "red"
    text.append(f"{result.kept} kept, {result.broken} broken", style=colour)
    if result.baseline is not None:
        text.append(
            f", {result.baselined} baselined; baseline {result.baseline.file}: "
            f"{result.baseline.matched} of {result.baseline.entry_count} entries in use, "
            f"{len(result.baseline.stale)} stale, {len(result.baseline.expired)} expired",
            style=colour,
        )
    return text


def _baseline(result: CheckResult, text: Text) -> None:
    """The baseline entries to delete or renew, each on one line."""
    if result.baseline is None or result.baseline.passed:
        return
    text.append("\nBaseline entries to act on:\n", style="red")
    for problem in result.baseline.problems():
        text.append(f"  {problem}\n")
    text.append("\n")


def write(result: CheckResult, console: Console) -> None:
    """Print the report on ``console``."""
    text = build(result, console.width)
    if console.color_system is None and not (console.quiet or console.record):
        plain = text.plain
        if "\t" not in plain:
            # No colour and no wrapping (soft wrap): rich would print exactly the plain
            # text, but laying out thousands of violations takes it longer than the
            # whole check. Tabs are left to rich, which expands them.
            console.file.write(plain + "\n")
            return
    console.print(text, soft_wrap=True)


def render_plain(result: CheckResult) -> str:
    """The report as plain text (for files)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, no_color=True, highlight=False)
    write(result, console)
    return buffer.getvalue()
