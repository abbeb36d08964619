"""The Mermaid writer's text: ids, escaping, styles and layer order.

Rendering by Mermaid itself in a browser is in ``test_mermaid_render.py``.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from importgate.model.diagram import Diagram, DiagramEdge, DiagramNode, EdgeStyle, NodeStyle
from importgate.report.mermaid import fenced, node_ids, quote, render, too_big


def test_ids_are_safe_and_unique_even_for_keywords_and_clashes():
    ids = node_ids(["end", "a.b", "a_b", "o", "x.y-z", "a.b"])
    assert list(ids) == ["end", "a.b", "a_b", "o", "x.y-z"]
    assert len(set(ids.values())) == 5
    assert all(re.fullmatch(r"m_[A-Za-z0-9_]+", value) for value in ids.values())


def test_quote_escapes_what_would_break_a_label():
    assert quote('say "hi" <b> | #1 & `x`') == (
        '"say #quot;hi#quot; #lt;b#gt; #124; #35;1 #amp; #96;x#96;"'
    )
    assert quote("two\nlines") == '"two lines"'


@given(st.text(max_size=40))
def test_quoted_text_never_contains_a_raw_quote_or_bracket(text):
    inner = quote(text)[1:-1]
    assert not set(inner) & set('"<>|`')


def _diagram() -> Diagram:
    return Diagram(
        nodes=(
            DiagramNode("p.low", "low", layer=0, layer_name="low"),
            DiagramNode("p.high", "high", layer=2, layer_name="high"),
            DiagramNode("p.mid", "mid", layer=1, layer_name="mid", style=NodeStyle.CYCLE),
            DiagramNode("p.end", "end"),
        ),
        edges=(
            DiagramEdge("p.high", "p.mid", "2"),
            DiagramEdge("p.low", "p.high", "1", EdgeStyle.BROKEN),
            DiagramEdge("p.mid", "p.end", "", EdgeStyle.REMOVED),
            DiagramEdge("p.end", "p.low", "3", EdgeStyle.ADDED),
            DiagramEdge("p.mid", "p.low", "1", EdgeStyle.CYCLE),
        ),
        title='arch "x"',
    )


def test_layers_highest_first_and_invisible_links_after_real_ones():
    text = render(_diagram())
    lines = text.splitlines()
    assert lines[:4] == ["---", 'title: "arch \\"x\\""', "---", "flowchart TB"]
    subgraphs = [line.strip() for line in lines if line.strip().startswith("subgraph")]
    assert subgraphs == [
        'subgraph layer_2["high"]',
        'subgraph layer_1["mid"]',
        'subgraph layer_0["low"]',
    ]
    links = [line.strip() for line in lines if re.search(r"(-->|==>|-\.->|~~~)", line)]
    assert links[-2:] == ["layer_2 ~~~ layer_1", "layer_1 ~~~ layer_0"]
    assert links[1] == 'm_p_low ==>|"1"| m_p_high'
    assert links[2] == "m_p_mid -.-> m_p_end"


def test_link_styles_point_at_the_right_edges_and_classes_mark_nodes():
    text = render(_diagram())
    styles = dict(re.findall(r"linkStyle ([\d,]+) stroke:(#[0-9a-f]{6})", text))
    assert styles == {"1": "#d32f2f", "2": "#9e9e9e", "3": "#2e7d32", "4": "#ef6c00"}
    assert "class m_p_mid cycle" in text
    assert "stroke-dasharray:5 5" in text


def test_unlayered_diagram_and_fence():
    diagram = Diagram(nodes=(DiagramNode("a"), DiagramNode("b")), edges=(DiagramEdge("a", "b"),))
    text = fenced(diagram, "LR")
    assert text.startswith("```mermaid\nflowchart LR\n")
    assert text.endswith("```\n")
    assert "subgraph" not in text and "~~~" not in text and "linkStyle" not in text
    assert 'm_a["a"]' in text and "m_a --> m_b" in text


def test_too_big_names_mermaids_default_limits():
    names = [f"n{i}" for i in range(30)]
    nodes = tuple(DiagramNode(name) for name in names)
    small = Diagram(nodes, tuple(DiagramEdge(a, b) for a in names[:5] for b in names[:5] if a != b))
    assert too_big(render(small)) is None
    big = Diagram(nodes, tuple(DiagramEdge(a, b) for a in names for b in names if a != b))
    assert too_big(render(big)) == "870 links (Mermaid draws at most 500)"
    assert "characters" in (too_big("flowchart TB\n" + "%% x\n" * 20_000) or "")
