"""The comparison of two snapshots, on snapshots built in the test (no git, no child)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from importgate.engine.diff_compare import compare, violation_key
from importgate.engine.diff_snapshot import Snapshot
from importgate.model import ContractResult, Link, Violation
from importgate.report import diff_markdown, diff_text

REVISIONS = (("main", "a" * 40), ("feature", "b" * 40))


def _link(importer: str, imported: str, line: int = 1) -> Link:
    return Link(importer, imported, f"{importer.replace('.', '/')}.py", line, f"import {imported}")


def _snapshot(imports: list[Link], *contracts: ContractResult) -> Snapshot:
    return Snapshot(contracts=contracts, imports=tuple(imports), root_packages=("shop",))


def _layers(*violations: Violation, id: str | None = "layers") -> ContractResult:
    return ContractResult(
        id=id, name="shop layers", type="layers", kept=not violations, violations=violations
    )


def _upward(line: int) -> Violation:
    return Violation("shop.low", "shop.high", (_link("shop.low.x", "shop.high.y", line),), "no")


def test_depth_collapses_module_edges_and_drops_imports_inside_one_node():
    base = _snapshot([_link("shop.a.x", "shop.b.y"), _link("shop.a.x", "shop.a.z")])
    head = _snapshot([_link("shop.a.x", "shop.b.y"), _link("shop.a.w", "shop.b.v")])

    assert compare(base, head, 1, REVISIONS).added_edges == ()
    deep = compare(base, head, 2, REVISIONS)
    assert [(e.importer, e.imported) for e in deep.added_edges] == [("shop.a.w", "shop.b.v")]
    assert [(e.importer, e.imported) for e in deep.removed_edges] == [("shop.a.x", "shop.a.z")]


def test_imports_of_packages_outside_the_roots_are_not_dependencies():
    head = _snapshot([_link("shop.a", "django.db"), _link("shop.a", "shop")])
    result = compare(_snapshot([]), head, 1, REVISIONS)
    assert [(e.importer, e.imported) for e in result.added_edges] == [("shop.a", "shop")]


def test_violation_matched_by_modules_not_line():
    result = compare(
        _snapshot([], _layers(_upward(3))), _snapshot([], _layers(_upward(40))), 1, REVISIONS
    )
    [contract] = result.contracts
    assert contract.status == "still broken"
    assert (contract.new_violations, contract.fixed_violations) == ((), ())
    assert not result.worsened


def test_more_violations_on_a_broken_contract_is_worse():
    other = Violation("shop.mid", "shop.high", (_link("shop.mid", "shop.high"),), "no")
    result = compare(
        _snapshot([], _layers(_upward(3))), _snapshot([], _layers(_upward(3), other)), 1, REVISIONS
    )
    assert result.worsened
    assert [v.importer for _, v in result.new_violations] == ["shop.mid"]
    assert result.newly_broken == ()


def test_contract_added_broken_is_worse_and_removed_is_not():
    added = compare(_snapshot([]), _snapshot([], _layers(_upward(1))), 1, REVISIONS)
    assert [c.status for c in added.contracts] == ["added"]
    assert added.worsened
    removed = compare(_snapshot([], _layers(_upward(1))), _snapshot([]), 1, REVISIONS)
    assert [c.status for c in removed.contracts] == ["removed"]
    assert not removed.worsened


def test_contracts_without_id_match_by_name():
    base = _snapshot([], _layers(id=None))
    head = _snapshot([], _layers(_upward(1), id=None))
    [contract] = compare(base, head, 1, REVISIONS).contracts
    assert contract.status == "newly broken"


def test_breaking_edges_are_the_new_imports_of_a_new_chain():
    old = _link("shop.high.a", "shop.mid.b")
    new = _link("shop.mid.b", "shop.low.c")
    chain = Violation("shop.high", "shop.low", (old, new), "indirect")
    base = _snapshot([old], _layers())
    head = _snapshot([old, new], _layers(chain))
    result = compare(base, head, 1, REVISIONS)
    assert result.breaking_edges == (("shop.mid", "shop.low"),)
    assert [e.breaking for e in result.added_edges] == [True]
    # The text and markdown reports say so.
    assert "shop.mid -> shop.low  BREAKING" in diff_text.render(result)
    assert "| `shop.mid` **(breaking)** | `shop.low` |" in diff_markdown.render(result)
    styled = diff_text.styled(result)
    assert styled.plain == diff_text.render(result)
    red = {
        styled.plain[span.start : span.end].strip() for span in styled.spans if span.style == "red"
    }
    assert red == {"+ shop.mid -> shop.low  BREAKING", "WORSE" + diff_text.summary(result)[5:]}


def _cycle(modules: list[str]) -> Violation:
    links = tuple(_link(a, b) for a, b in zip(modules, [*modules[1:], modules[0]], strict=True))
    return Violation(modules[0], modules[0], links, "cycle")


@given(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=6, unique=True), st.integers())
def test_a_cycle_is_the_same_cycle_from_any_starting_module(names: list[str], shift: int):
    modules = [f"shop.{name}" for name in names]
    turn = shift % len(modules)
    assert violation_key(_cycle(modules)) == violation_key(_cycle(modules[turn:] + modules[:turn]))
    if len(modules) > 2:
        assert violation_key(_cycle(modules)) != violation_key(_cycle(modules[::-1]))


def test_markdown_stays_under_githubs_comment_limit():
    imports = [_link(f"shop.a{i}.x", f"shop.b{i}.y") for i in range(3000)]
    result = compare(_snapshot([]), _snapshot(imports), 1, REVISIONS)
    assert len(result.added_edges) == 3000

    text = diff_markdown.render(result)

    assert len(text) <= diff_markdown.MAX_CHARS
    assert "```mermaid" not in text  # too many to draw
    shown = text.count("| `shop.a")
    assert 0 < shown < 3000
    assert f"*{3000 - shown} more item(s) left out" in text
    assert "| dependencies added | 3000 |" in text


_MODULES = st.sampled_from(["shop.a", "shop.a.x", "shop.b", "shop.b.y", "shop.c", "shop"])
_PAIRS = st.lists(st.tuples(_MODULES, _MODULES).filter(lambda p: p[0] != p[1]), max_size=8)


@given(_PAIRS, _PAIRS, st.integers(min_value=1, max_value=3))
def test_swapping_the_sides_swaps_added_and_removed_new_and_fixed(base_pairs, head_pairs, depth):
    def side(pairs: list[tuple[str, str]]) -> Snapshot:
        violations = tuple(Violation(a, b, (_link(a, b),), "no") for a, b in pairs if a > b)
        return _snapshot([_link(a, b) for a, b in pairs], _layers(*violations))

    forward = compare(side(base_pairs), side(head_pairs), depth, REVISIONS)
    backward = compare(side(head_pairs), side(base_pairs), depth, REVISIONS)

    def edges(changes):
        return {(e.importer, e.imported) for e in changes}

    assert edges(forward.added_edges) == edges(backward.removed_edges)
    assert edges(forward.removed_edges) == edges(backward.added_edges)
    [there], [back] = forward.contracts, backward.contracts
    assert set(map(violation_key, there.new_violations)) == set(
        map(violation_key, back.fixed_violations)
    )
    assert forward.worsened == (bool(there.new_violations) or there.status == "newly broken")
