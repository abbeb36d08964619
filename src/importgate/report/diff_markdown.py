"""``importgate diff --format markdown``: the architecture change as a pull-request comment.

The comment starts with :data:`MARKER`, an HTML comment GitHub and GitLab do not show,
so a CI job can find its own earlier comment and update it instead of adding another
(see ``docs/ci/github-actions.md``). The Mermaid diagram shows only the affected part of
the graph: added dependencies green, removed ones dashed grey, breaking ones red.
"""

from __future__ import annotations

from collections.abc import Iterable

from importgate.model import Link, Violation
from importgate.model.diagram import Diagram, DiagramEdge, DiagramNode, EdgeStyle
from importgate.model.diff import ContractChange, DiffResult, EdgeChange
from importgate.report import mermaid
from importgate.report.diff_text import contract_label, side_label

MARKER = "<!-- importgate-diff -->"
"""First line of every diff comment; CI recipes look for it."""

MAX_DIAGRAM_EDGES = 80
"""Past this many changed dependencies the diagram is left out (unreadable, and
GitHub refuses very large Mermaid blocks); the tables still list every change."""


def _code(text: str, cell: bool = False) -> str:
    """``text`` as inline code; in a table ``cell`` pipes are escaped (GFM reads ``\\|``
    inside a code span in a table as a literal pipe)."""
    if cell:
        text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _where(link: Link) -> str:
    if link.path is None:
        return _code(link.location)
    anchor = f"#L{link.line_number}" if link.line_number is not None else ""
    return f"[{link.location}]({link.path}{anchor})"


def _import_line(link: Link, cell: bool = False) -> str:
    code = _code(link.line_contents, cell) if link.line_contents else ""
    return f"{_where(link)} {code}".strip()


def diagram(result: DiffResult) -> Diagram:
    """The affected part of the graph: every changed or breaking dependency."""
    breaking = set(result.breaking_edges)
    edges: list[DiagramEdge] = []
    for edge in result.added_edges:
        style = EdgeStyle.BROKEN if (edge.importer, edge.imported) in breaking else EdgeStyle.ADDED
        edges.append(DiagramEdge(edge.importer, edge.imported, _count(edge), style))
    for edge in result.removed_edges:
        edges.append(DiagramEdge(edge.importer, edge.imported, _count(edge), EdgeStyle.REMOVED))
    added = {(e.importer, e.imported) for e in result.added_edges}
    for importer, imported in result.breaking_edges:
        if (importer, imported) not in added:
            edges.append(DiagramEdge(importer, imported, "", EdgeStyle.BROKEN))
    names = dict.fromkeys(name for edge in edges for name in (edge.source, edge.target))
    return Diagram(nodes=tuple(DiagramNode(name) for name in names), edges=tuple(edges))


def _count(edge: EdgeChange) -> str:
    return str(len(edge.imports)) if len(edge.imports) > 1 else ""


def _edge_table(edges: Iterable[EdgeChange], title: str, lines: list[str]) -> None:
    rows = list(edges)
    if not rows:
        return
    lines += [f"### {title}", "", "| importer | imported | imports |", "| --- | --- | --- |"]
    for edge in rows:
        flag = " **(breaking)**" if edge.breaking else ""
        shown = "<br>".join(_import_line(link, cell=True) for link in edge.imports[:3])
        if len(edge.imports) > 3:
            shown += f"<br>and {len(edge.imports) - 3} more"
        lines.append(f"| {_code(edge.importer)}{flag} | {_code(edge.imported)} | {shown} |")
    lines.append("")


def _violations(
    items: Iterable[tuple[ContractChange, Violation]], title: str, lines: list[str]
) -> None:
    rows = list(items)
    if not rows:
        return
    lines += [f"### {title}", ""]
    for contract, violation in rows:
        what = violation.message or f"{violation.importer} -> {violation.imported}"
        lines.append(f"- **{contract_label(contract)}**: {what}")
        lines += [
            f"  - {_code(link.importer + ' -> ' + link.imported)} {_import_line(link)}"
            for link in violation.chain
        ]
    lines.append("")


def render(result: DiffResult) -> str:
    verdict = (
        ":x: **This change makes the architecture worse.**"
        if result.worsened
        else ":white_check_mark: **No new contract violations.**"
    )
    lines = [
        MARKER,
        "## importgate: architecture diff",
        "",
        f"{verdict} `{side_label(result.base)}` → `{side_label(result.head)}`, "
        f"dependencies at depth {result.depth}.",
        "",
        "| change | count |",
        "| --- | --- |",
        f"| dependencies added | {len(result.added_edges)} |",
        f"| dependencies removed | {len(result.removed_edges)} |",
        f"| contracts newly broken | {len(result.newly_broken)} |",
        f"| contracts newly kept | {len(result.newly_kept)} |",
        f"| violations new / fixed | {len(result.new_violations)} / "
        f"{len(result.fixed_violations)} |",
        f"| cycles new / fixed | {len(result.new_cycles)} / {len(result.fixed_cycles)} |",
        "",
    ]
    picture = diagram(result)
    if picture.edges and len(picture.edges) <= MAX_DIAGRAM_EDGES:
        lines += [
            "Added dependencies are green, removed ones dashed grey, breaking ones red.",
            "",
            mermaid.fenced(picture, direction="TB"),
        ]
    elif picture.edges:
        lines += [f"({len(picture.edges)} changed dependencies: too many to draw.)", ""]
    for title, contracts in (
        ("Contracts newly broken", result.newly_broken),
        ("Contracts newly kept", result.newly_kept),
    ):
        if contracts:
            lines += [f"### {title}", ""]
            lines += [f"- **{contract_label(c)}** ({_code(c.type)})" for c in contracts]
            lines.append("")
    _violations(result.new_violations, "New violations", lines)
    _violations(result.new_cycles, "New cycles", lines)
    _violations(result.fixed_violations, "Fixed violations", lines)
    _violations(result.fixed_cycles, "Fixed cycles", lines)
    _edge_table(result.added_edges, "Dependencies added", lines)
    _edge_table(result.removed_edges, "Dependencies removed", lines)
    return "\n".join(lines).rstrip("\n") + "\n"
