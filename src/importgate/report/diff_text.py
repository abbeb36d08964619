"""``importgate diff --format text``: the architecture change, for a terminal or a log."""

from __future__ import annotations

from rich.text import Text

from importgate.model import Violation
from importgate.model.diff import ContractChange, DiffResult, DiffSide, EdgeChange


def side_label(side: DiffSide) -> str:
    """``main (1a2b3c4d5e)`` or ``working tree``."""
    if side.commit is None:
        return side.revision
    return f"{side.revision} ({side.commit[:10]})"


def contract_label(contract: ContractChange) -> str:
    return f"{contract.name} ({contract.id})" if contract.id else contract.name


def _edge(edge: EdgeChange, sign: str, lines: list[str]) -> None:
    mark = "  BREAKING" if edge.breaking else ""
    lines.append(f"  {sign} {edge.importer} -> {edge.imported}{mark}")
    for link in edge.imports[:3]:
        lines.append(f"      {link.importer} -> {link.imported}  {link.describe()}")
    if len(edge.imports) > 3:
        lines.append(f"      ... and {len(edge.imports) - 3} more import(s)")


def _violation(contract: ContractChange, violation: Violation, lines: list[str]) -> None:
    what = violation.message or f"{violation.importer} -> {violation.imported}"
    lines.append(f"  {contract_label(contract)}: {what}")
    for link in violation.chain:
        lines.append(f"      {link.importer} -> {link.imported}  {link.describe()}")


def summary(result: DiffResult) -> str:
    """One line: the verdict and the counts."""
    verdict = "WORSE" if result.worsened else "OK"
    return (
        f"{verdict}: {len(result.added_edges)} dependency(ies) added, "
        f"{len(result.removed_edges)} removed; {len(result.newly_broken)} contract(s) "
        f"newly broken, {len(result.newly_kept)} newly kept; "
        f"{len(result.new_violations)} new violation(s), {len(result.fixed_violations)} fixed; "
        f"{len(result.new_cycles)} new cycle(s), {len(result.fixed_cycles)} fixed"
    )


def render(result: DiffResult) -> str:
    lines = [
        f"importgate diff: {side_label(result.base)} -> {side_label(result.head)} "
        f"(dependencies at depth {result.depth})",
        "",
    ]
    sections: list[tuple[str, list[str]]] = []
    added: list[str] = []
    for edge in result.added_edges:
        _edge(edge, "+", added)
    sections.append(("Dependencies added", added))
    removed: list[str] = []
    for edge in result.removed_edges:
        _edge(edge, "-", removed)
    sections.append(("Dependencies removed", removed))
    sections.append(
        ("Contracts newly broken", [f"  {contract_label(c)}" for c in result.newly_broken])
    )
    sections.append(("Contracts newly kept", [f"  {contract_label(c)}" for c in result.newly_kept]))
    for title, items in (
        ("New violations", result.new_violations),
        ("Fixed violations", result.fixed_violations),
        ("New cycles", result.new_cycles),
        ("Fixed cycles", result.fixed_cycles),
    ):
        body: list[str] = []
        for contract, violation in items:
            _violation(contract, violation, body)
        sections.append((title, body))
    for title, body in sections:
        if body:
            lines += [f"{title}:", *body, ""]
    others = [c for c in result.contracts if c.status in ("added", "removed")]
    if others:
        lines.append("Contracts only on one side:")
        lines += [f"  {contract_label(c)}: {c.status} in head" for c in others]
        lines.append("")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


_TITLES = (
    "Dependencies added:",
    "Dependencies removed:",
    "Contracts newly broken:",
    "Contracts newly kept:",
    "New violations:",
    "Fixed violations:",
    "New cycles:",
    "Fixed cycles:",
    "Contracts only on one side:",
)


def styled(result: DiffResult) -> Text:
    """The same report with colours for a terminal: added green, removed dim, breaking
    and worse red."""
    text = Text()
    for line in render(result).splitlines():
        style = ""
        if line in _TITLES or line.startswith("importgate diff:"):
            style = "bold"
        elif line.startswith("  + "):
            style = "red" if line.endswith("BREAKING") else "green"
        elif line.startswith("  - "):
            style = "dim"
        elif line.startswith("      "):
            style = "cyan"
        elif line.startswith(("WORSE:", "OK:")):
            style = "red" if result.worsened else "green"
        text.append(line + "\n", style=style)
    return text
