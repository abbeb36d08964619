"""The text report: written as plain text when there is nothing to colour."""

from __future__ import annotations

import io

from rich.console import Console

from importgate.model import CheckResult, ContractResult, ImportKind, Link, Violation
from importgate.report import text as text_report


def test_plain_text_report_is_what_rich_would_print():
    """Without colour the report is written as plain text; it must match rich's own."""
    link = Link(
        importer="shop.低层",
        imported="shop.high",
        path="shop/低层.py",
        line_number=3,
        line_contents="from shop.high import x  # [red]not markup[/red] :smile:",
        line_numbers=(3, 9),
        kind=ImportKind.TYPING,
    )
    broken = ContractResult(
        id="layers",
        name="shop layers " + "very long name " * 8,
        type="layers",
        kept=False,
        violations=(
            Violation("shop.低层", "shop.high", (link, link), "shop.低层 may not import it"),
            Violation("shop.extra", None, (), "shop.extra is not listed as a layer"),
        ),
        warnings=("No matches for ignored import a -> b.",),
        details={"cycle_breakers": [link.to_dict()]},
    )
    kept = ContractResult(id=None, name="kept one", type="forbidden", kept=True)
    result = CheckResult(contracts=(kept, broken), root_packages=("shop",), module_count=4)

    for width in (40, 120):
        fast, slow = io.StringIO(), io.StringIO()
        text_report.write(result, Console(file=fast, width=width, highlight=False))
        Console(file=slow, width=width, highlight=False).print(
            text_report.build(result, width), soft_wrap=True
        )
        assert fast.getvalue() == slow.getvalue()
        assert "低层.py:3" in fast.getvalue()
