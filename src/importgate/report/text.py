"""The human report: each contract kept or broken, each offending chain file by file.

Rendered with rich so a terminal gets colour; files and pipes get the same text without
escape codes.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape

from importgate.model import CheckResult, ContractResult, Violation


def _contract_label(contract: ContractResult) -> str:
    ident = f" [dim]({escape(contract.id)})[/dim]" if contract.id else ""
    return f"{escape(contract.name)}{ident}"


def _violation_lines(violation: Violation) -> list[str]:
    lines: list[str] = []
    if violation.message:
        lines.append(f"  [bold]{escape(violation.message)}[/bold]")
    for link in violation.chain:
        lines.append(f"    {escape(link.importer)} -> {escape(link.imported)}")
        lines.append(f"      [cyan]{escape(link.describe())}[/cyan]")
    return lines


def write(result: CheckResult, console: Console) -> None:
    """Print the report on ``console``."""
    console.print(
        f"[bold]importgate[/bold]: {len(result.contracts)} contract(s) on "
        f"{', '.join(result.root_packages) or '-'}; {result.module_count} modules, "
        f"{result.import_count} imports (graph built in {result.graph_duration_ms} ms)"
    )
    console.print()
    for contract in result.contracts:
        verdict = "[green]KEPT  [/green]" if contract.kept else "[red]BROKEN[/red]"
        console.print(f"{verdict} {_contract_label(contract)} [dim]{contract.type}[/dim]")
        for warning in contract.warnings:
            console.print(f"  [yellow]warning:[/yellow] {escape(warning)}")
    broken = [c for c in result.contracts if not c.kept]
    for contract in broken:
        console.print()
        console.rule(f"[red]{_contract_label(contract)}[/red]", align="left")
        for violation in contract.violations:
            for line in _violation_lines(violation):
                console.print(line, soft_wrap=True)
            console.print()
        breakers = contract.details.get("cycle_breakers") or []
        if breakers:
            console.print("  Suggested cycle breakers (remove one of these imports):")
            for link in breakers:
                where = f"{link['path'] or link['importer']}:{link['line_number'] or '?'}"
                console.print(
                    f"    - {escape(link['importer'])} -> "
                    f"{escape(link['imported'])}  [cyan]{escape(where)}[/cyan]",
                    soft_wrap=True,
                )
            console.print()
    colour = "green" if result.passed else "red"
    console.print(f"[{colour}]{result.kept} kept, {result.broken} broken[/{colour}]")


def render_plain(result: CheckResult) -> str:
    """The report as plain text (for files)."""
    buffer = io.StringIO()
    write(
        result,
        Console(file=buffer, width=120, no_color=True, highlight=False, force_terminal=False),
    )
    return buffer.getvalue()
