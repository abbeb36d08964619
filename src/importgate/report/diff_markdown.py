"""``importgate diff --format markdown``: the architecture change as a pull-request comment.

The comment starts with :data:`MARKER`, an HTML comment GitHub and GitLab do not show,
so a CI job can find its own earlier comment and update it instead of adding another
(see ``docs/ci/github-actions.md``). The Mermaid diagram shows only the affected part of
the graph: added dependencies green, removed ones dashed grey, breaking ones red.

Links to files are relative to the repository root unless ``IMPORTGATE_LINK_BASE`` is
set (as for ``check --format markdown``). An import that exists only in the base (a
removed dependency, a fixed violation) is linked at the base commit: the commit after
``/blob/`` in the link base is replaced by the base's, and when the link base has no
``/blob/<commit>/`` part, such imports are shown without a link rather than with one to
the wrong file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from importgate.model import Link, Violation
from importgate.model.diagram import Diagram, DiagramEdge, DiagramNode, EdgeStyle
from importgate.model.diff import ContractChange, DiffResult, EdgeChange
from importgate.report import mermaid
from importgate.report.diff_text import contract_label, side_label
from importgate.report.markdown import LINK_BASE_ENV, escape

MARKER = "<!-- importgate-diff -->"
"""First line of every diff comment; CI recipes look for it."""

MAX_CHARS = 60_000
"""GitHub refuses comments over 65,536 characters; stay well under."""

MAX_DIAGRAM_EDGES = 80
"""Past this many changed dependencies the diagram is left out (unreadable, and
GitHub refuses very large Mermaid blocks); the tables still list every change."""


def _code(text: str, cell: bool = False) -> str:
    """``text`` as inline code; in a table ``cell`` pipes are escaped (GFM reads ``\\|``
    inside a code span in a table as a literal pipe)."""
    if cell:
        text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


_BLOB = re.compile(r"(/blob/)[^/]+(/)")


def link_base(base_commit: str | None) -> str | None:
    """What a path is appended to for a link: ``IMPORTGATE_LINK_BASE`` (default: none, i.e.
    relative) or, for an import of the base revision (``base_commit`` given), the same URL
    at that commit; None when no such URL can be made."""
    configured = os.environ.get(LINK_BASE_ENV, "")
    if base_commit is None or not configured:
        return configured
    pinned, count = _BLOB.subn(lambda m: f"{m[1]}{base_commit}{m[2]}", configured, count=1)
    return pinned if count else None


def _where(link: Link, base: str | None) -> str:
    if link.path is None or base is None:
        return _code(link.location)
    anchor = f"#L{link.line_number}" if link.line_number is not None else ""
    return f"[{link.location}]({base}{link.path}{anchor})"


def _import_line(link: Link, base: str | None, cell: bool = False) -> str:
    code = _code(link.line_contents, cell) if link.line_contents else ""
    return f"{_where(link, base)} {code}".strip()


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
    nodes = []
    for name in names:
        layer, caption = result.layers.get(name, (None, ""))
        nodes.append(DiagramNode(name, layer=layer, layer_name=caption))
    return Diagram(nodes=tuple(nodes), edges=tuple(edges))


def _count(edge: EdgeChange) -> str:
    return str(len(edge.imports)) if len(edge.imports) > 1 else ""


class _Budget:
    """What is left of GitHub's comment limit; sections add items while it lasts."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.dropped = 0

    def add(self, lines: list[str], block: list[str]) -> bool:
        size = sum(len(line) + 1 for line in block)
        if size > self.left:
            self.dropped += 1
            return False
        self.left -= size
        lines += block
        return True


def _edge_table(
    edges: Iterable[EdgeChange], title: str, lines: list[str], budget: _Budget, base: str | None
) -> None:
    rows = list(edges)
    header = [f"### {title}", "", "| importer | imported | imports |", "| --- | --- | --- |"]
    if not rows or not budget.add(lines, header):
        return
    for edge in rows:
        flag = " **(breaking)**" if edge.breaking else ""
        shown = "<br>".join(_import_line(link, base, cell=True) for link in edge.imports[:3])
        if len(edge.imports) > 3:
            shown += f"<br>and {len(edge.imports) - 3} more"
        row = f"| {_code(edge.importer)}{flag} | {_code(edge.imported)} | {shown} |"
        budget.add(lines, [row])
    lines.append("")


def _violations(
    items: Iterable[tuple[ContractChange, Violation]],
    title: str,
    lines: list[str],
    budget: _Budget,
    base: str | None,
) -> None:
    rows = list(items)
    if not rows or not budget.add(lines, [f"### {title}", ""]):
        return
    for contract, violation in rows:
        what = violation.message or f"{violation.importer} -> {violation.imported}"
        block = [f"- **{escape(contract_label(contract))}**: {escape(what)}"]
        block += [
            f"  - {_code(link.importer + ' -> ' + link.imported)} {_import_line(link, base)}"
            for link in violation.chain
        ]
        budget.add(lines, block)
    lines.append("")


def render(result: DiffResult, max_chars: int = MAX_CHARS) -> str:
    """The comment; items past ``max_chars`` characters are left out (and counted)."""
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
            lines += [f"- **{escape(contract_label(c))}** ({_code(c.type)})" for c in contracts]
            lines.append("")
    budget = _Budget(max_chars - sum(len(line) + 1 for line in lines) - 300)
    head, base = link_base(None), link_base(result.base.commit)
    _violations(result.new_violations, "New violations", lines, budget, head)
    _violations(result.new_cycles, "New cycles", lines, budget, head)
    _violations(result.fixed_violations, "Fixed violations", lines, budget, base)
    _violations(result.fixed_cycles, "Fixed cycles", lines, budget, base)
    _edge_table(result.added_edges, "Dependencies added", lines, budget, head)
    _edge_table(result.removed_edges, "Dependencies removed", lines, budget, base)
    if budget.dropped:
        lines += [
            f"*{budget.dropped} more item(s) left out to stay under GitHub's comment size "
            "limit; `importgate diff --format json` lists everything.*",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
