"""The markdown report: a pull-request comment for GitHub or GitLab.

A summary table of every contract, then each broken contract with its chains (every
import a link ``path#L123`` to its line), then a Mermaid diagram per root package with
the imports of violating chains in red. With a baseline, violations it tolerates are
counted in their own column and listed under "Baselined", not as breaks, and stale or
expired entries are listed with links to their lines in the baseline file. Links are
relative to the repository root; set ``IMPORTGATE_LINK_BASE`` (e.g.
``https://github.com/OWNER/REPO/blob/SHA/``) to make them absolute, which a pull-request
comment needs.

A comment must stay readable and under GitHub's 65,536-character limit: each contract
shows at most :data:`MAX_CHAINS` chains and a "N more" line, and when the whole is still
too long the report is rendered again with fewer chains and a smaller diagram, and as a
last resort cut at a line with a note.
"""

from __future__ import annotations

import os
import re
import textwrap

from importgate.model import CheckResult, ContractResult, Diagram, EdgeStyle, Link, Violation
from importgate.report import mermaid
from importgate.report.locate import (
    Location,
    baseline_problems,
    baselined,
    config_location,
    failing,
    summary,
    uri_of,
)

DIAGRAM_DEPTH = 1
"""Depth below each root package at which the diagram collapses modules."""

MAX_CHAINS = 10
"""Chains shown per broken contract before the "N more" line."""

LIMIT = 65_536
"""GitHub's limit on the length of an issue or pull-request comment, in characters."""

BUDGET = 60_000
"""What the report aims to stay under, leaving room for text a bot adds around it."""

DIAGRAM_BUDGET = 20_000
"""A Mermaid source longer than this (or with more than ``MAX_EDGES`` edges) is drawn
with only its breaking edges; GitHub refuses diagrams past 50,000 characters / 500 edges."""

MAX_EDGES = 300

LINK_BASE_ENV = "IMPORTGATE_LINK_BASE"

_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")


def escape(text: str) -> str:
    """``text`` shown literally in markdown (no emphasis, links or HTML)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    flat = text.replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def cell(text: str) -> str:
    """Markdown already formatted, made safe inside a table cell."""
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def link_to(where: Location) -> str:
    """``[`path#L12`](base/path#L12)``: a link to a file and line."""
    anchor = f"#L{where.line}" if where.line else ""
    target = os.environ.get(LINK_BASE_ENV, "") + uri_of(where.path) + anchor
    return f"[{code(where.path + anchor)}]({target})"


def _contract_title(contract: ContractResult) -> str:
    ident = f" ({code(contract.id)})" if contract.id else ""
    return f"{escape(contract.name)}{ident}"


def _link_line(link: Link) -> str:
    arrow = f"{code(link.importer)} → {code(link.imported)}"
    if link.path is None:
        return f"  - {arrow}"
    where = link_to(Location(link.path, link.line_number))
    source = f": {code(link.line_contents)}" if link.line_contents else ""
    kind = f" _({link.kind})_" if link.kind in ("deferred", "typing") else ""
    return f"  - {where} {arrow}{source}{kind}"


def _violation(result: CheckResult, contract: ContractResult, violation: Violation) -> list[str]:
    first, *rest = summary(violation).strip().splitlines() or [""]
    expired = " _(its baseline entry has expired)_" if violation.baseline == "expired" else ""
    lines = [f"- **{escape(first)}**{expired}"]
    if rest:  # e.g. what lint-imports prints for a contract type importgate does not know
        body = textwrap.dedent("\n".join(rest)).strip("\n")
        lines += ["", "  ```text", *(f"  {line}" for line in body.splitlines()), "  ```"]
    lines += [_link_line(link) for link in violation.chain]
    if not violation.chain:
        where = config_location(result, contract)
        if where is not None:
            lines.append(f"  - the contract: {link_to(where)}")
    return lines


def _section(result: CheckResult, contract: ContractResult, max_chains: int) -> list[str]:
    lines = ["", f"### ❌ {_contract_title(contract)}", ""]
    breaking = failing(contract)
    shown = breaking[:max_chains]
    for violation in shown:
        lines += _violation(result, contract, violation)
    hidden = len(breaking) - len(shown)
    if hidden:
        command = "importgate check" + (f" --contract {contract.id}" if contract.id else "")
        lines.append(f"- … and {hidden} more: run {code(command)} to see every one.")
    breakers = contract.details.get("cycle_breakers") or []
    if breakers and max_chains:
        lines += ["", "Suggested cycle breakers (remove one of these imports):", ""]
        for raw in breakers[:max_chains]:
            where = Location(raw["path"], raw["line_number"]) if raw["path"] else None
            spot = f" {link_to(where)}" if where else ""
            lines.append(f"- {code(raw['importer'])} → {code(raw['imported'])}{spot}")
    return lines


def _summary(result: CheckResult) -> list[str]:
    total = len(result.contracts)
    if result.passed and result.baselined:
        head = (
            f"## ✅ importgate: no contract broken ({result.kept} kept, "
            f"{result.baselined} broken only by baselined violations)"
        )
    elif result.passed:
        head = f"## ✅ importgate: all {total} contracts kept"
    elif result.broken:
        head = f"## ❌ importgate: {result.broken} of {total} contracts broken"
    else:
        head = "## ❌ importgate: baseline entries to act on"
    packages = ", ".join(code(name) for name in result.root_packages) or "-"
    config = f" · configuration {code(result.config_file)}" if result.config_file else ""
    with_baseline = result.baseline is not None  # only then the "baselined" column
    lines = [
        head,
        "",
        f"{packages} · {result.module_count} modules, {result.import_count} imports{config}",
        "",
        "| | contract | type | violations |" + (" baselined |" if with_baseline else ""),
        "| --- | --- | --- | ---: |" + (" ---: |" if with_baseline else ""),
    ]
    marks = {"kept": "✅", "baselined": "🟡", "broken": "❌"}
    for contract in result.contracts:
        title = cell(_contract_title(contract))
        counts = f"{len(failing(contract))} |"
        if with_baseline:
            counts += f" {contract.baselined_count} |"
        lines.append(
            f"| {marks[contract.status]} | {title} | {cell(code(contract.type))} | {counts}"
        )
    warnings = [(c, warning) for c in result.contracts for warning in c.warnings]
    if warnings:
        lines.append("")
    for contract, warning in warnings:
        lines.append(f"- ⚠️ {_contract_title(contract)}: {escape(warning)}")
    return lines


def _baseline(result: CheckResult, max_chains: int) -> list[str]:
    """The entries to act on (each a link to its line), then what the baseline tolerated."""
    if result.baseline is None:
        return []
    report = result.baseline
    lines: list[str] = []
    problems = baseline_problems(result)
    if problems:
        lines += ["", "### ❌ Baseline entries to act on", ""]
        lines += [f"- {link_to(p.where)}: {escape(p.message)}" for p in problems]
    tolerated = [(c, v) for c in result.contracts for v in baselined(c)]
    lines += [
        "",
        f"### 🟡 Baselined: {len(tolerated)}",
        "",
        f"{len(tolerated)} violation(s) tolerated by {code(report.file)} "
        f"({report.matched} of {report.entry_count} entries in use, {len(report.stale)} "
        f"stale, {len(report.expired)} expired).",
    ]
    if tolerated and max_chains:
        lines.append("")
    for contract, violation in tolerated[:max_chains]:
        ends = f"{code(violation.importer or '-')} → {code(violation.imported or '-')}"
        lines.append(f"- {_contract_title(contract)}: {ends} ({code(violation.fingerprint)})")
    if len(tolerated) > max_chains and max_chains:
        lines.append(f"- … and {len(tolerated) - max_chains} more.")
    return lines


def breaking_part(diagram: Diagram) -> Diagram:
    """Only the red (contract-breaking) edges of ``diagram`` and the nodes they join."""
    edges = tuple(edge for edge in diagram.edges if edge.style == EdgeStyle.BROKEN)
    ends = {name for edge in edges for name in (edge.source, edge.target)}
    nodes = tuple(node for node in diagram.nodes if node.id in ends)
    return Diagram(nodes=nodes, edges=edges, title=diagram.title, metadata=diagram.metadata)


def _diagrams(result: CheckResult, mode: str) -> list[str]:
    """``mode``: ``full`` (shrinks big packages to breaking edges), ``breaking``, ``none``."""
    if mode == "none" or not result.diagrams:
        return []
    lines = ["", "### Architecture", ""]
    for whole in result.diagrams:
        diagram = breaking_part(whole) if mode == "breaking" else whole
        source = mermaid.fenced(diagram)
        if diagram is whole and (len(source) > DIAGRAM_BUDGET or len(diagram.edges) > MAX_EDGES):
            diagram = breaking_part(whole)
            source = mermaid.fenced(diagram)
        module = whole.metadata.get("module", whole.title)
        depth = whole.metadata.get("depth", "?")
        note = "" if diagram is whole else " (only the breaking imports: too large to draw whole)"
        lines.append(
            f"{code(module)} at depth {depth}{note}: arrows are imports, labelled with their "
            "count; red ones carry an import that breaks a contract, orange ones lie on a cycle."
        )
        lines += ["", source.rstrip("\n") if diagram.nodes else "_nothing to draw_", ""]
    return lines


def build(result: CheckResult, max_chains: int = MAX_CHAINS, diagram: str = "full") -> str:
    """The report with at most ``max_chains`` chains per contract (no length cap)."""
    lines = _summary(result)
    for contract in result.contracts:
        if contract.status == "broken":
            lines += _section(result, contract, max_chains)
    lines += _baseline(result, max_chains)
    lines += _diagrams(result, diagram)
    return "\n".join(lines).rstrip("\n") + "\n"


def render(result: CheckResult, budget: int = BUDGET) -> str:
    """The report, shrunk step by step until it fits in ``budget`` characters."""
    for max_chains, diagram in (
        (MAX_CHAINS, "full"),
        (3, "full"),
        (3, "breaking"),
        (1, "breaking"),
        (1, "none"),
        (0, "none"),
    ):
        text = build(result, max_chains, diagram)
        if len(text) <= budget:
            return text
    note = "\n\n_… report cut to fit a comment: run `importgate check` for all of it._\n"
    cut = text[: budget - len(note)].rsplit("\n", 1)[0]
    return cut + note
