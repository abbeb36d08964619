"""The ``module_size`` contract: no module inside the listed packages is over a size.

Options:

``packages``
    One or more module expressions (``mypackage``, ``mypackage.*``); the contract covers
    these modules and all their descendants.
``max_lines``
    The largest number of lines a module may have (an integer, 1 or more).
``count`` (default ``all``)
    ``all`` counts every line of the file; ``code`` counts only lines holding code (not
    blank, not only a comment, not part of a docstring).
``ignore_modules``
    Module patterns (``*`` within a segment, ``**`` for any number of segments, e.g.
    ``mypackage.generated.**``) left out of the contract.
``broken_contract_guidance``
    Text shown after the offenders when the contract is broken.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import cast

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils

from importgate.contracts import linecount, patterns
from importgate.contracts.common import invalid, modules_under, render_violations
from importgate.graph import ModuleLocator
from importgate.model import DETAILS_KEY, VIOLATIONS_KEY, Violation


class Count(enum.Enum):
    ALL = "all"
    CODE = "code"


class ModuleSizeContract(Contract):
    """No module under ``packages`` has more than ``max_lines`` lines."""

    type_name = "module_size"

    packages = fields.ListField(subfield=fields.ModuleExpressionField())
    max_lines = fields.IntegerField(minimum=1)
    count = fields.EnumField(Count, default=Count.ALL)
    ignore_modules = fields.ListField(subfield=fields.StringField(), required=False)
    broken_contract_guidance = fields.TextField(required=False)

    def validate(self) -> None:
        self.limit = cast(int, self.max_lines)
        self.code_only = cast(Count, self.count) is Count.CODE
        self.ignored: list[str] = list(cast("list[str] | None", self.ignore_modules) or [])
        for pattern in self.ignored:
            problem = patterns.check_pattern(pattern)
            if problem:
                raise invalid("ignore_modules", problem)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        limit, code_only, ignored = self.limit, self.code_only, self.ignored
        locator = ModuleLocator()
        sizes: list[tuple[int, str, str | None]] = []
        unreadable: list[str] = []
        modules = modules_under(graph, self.packages)  # type: ignore[arg-type]
        for module in sorted(modules):
            if any(patterns.matches(pattern, module) for pattern in ignored):
                continue
            path = locator.file_of(module)
            if path is None:
                continue
            try:
                source = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                unreadable.append(f"{module}: cannot read {path}: {error}")
                continue
            size = linecount.count_code(source) if code_only else linecount.count_all(source)
            sizes.append((size, module, locator.display_path(module)))
        output.verbose_print(verbose, f"Measured {len(sizes)} module(s).")

        noun = "code lines" if code_only else "lines"
        offenders = sorted((s for s in sizes if s[0] > limit), key=lambda s: (-s[0], s[1]))
        violations = [
            Violation(
                importer=module,
                imported=None,
                message=f"{module} has {size} {noun} (max_lines {limit})",
                path=path,
            )
            for size, module, path in offenders
        ]
        largest = sorted(sizes, key=lambda s: (-s[0], s[1]))[:5]
        details = {
            "module_size": {
                "max_lines": limit,
                "count": "code" if code_only else "all",
                "modules_measured": len(sizes),
                "largest": [{"module": m, "path": p, "lines": n} for n, m, p in largest],
            }
        }
        return ContractCheck(
            kept=not violations,
            warnings=unreadable,
            metadata={VIOLATIONS_KEY: violations, DETAILS_KEY: details},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        render_violations(check.metadata[VIOLATIONS_KEY])
        contract_utils.render_broken_contract_guidance(
            self.broken_contract_guidance  # type: ignore[arg-type]
        )
