"""The ``import_time`` contract: importing a module stays under a time budget.

Options:

``modules``
    One or more module names (no wildcards). Each is imported ``runs`` times, each time
    in a fresh interpreter (the one running the check, in the working directory).
``max_ms``
    The largest median time, in milliseconds, ``import MODULE`` may take.
``max_ratio`` (default ``2.0``)
    The largest median time as a multiple of the module's baseline, recorded in
    ``baseline_file`` by ``importgate snapshot --import-time MODULE``. Modules without a
    baseline are only held to ``max_ms`` (with a warning).
``baseline_file`` (default ``contracts/import_time.json``)
    Where the baseline is read, relative to the working directory.
``clock`` (default ``wall``)
    ``wall``: elapsed time, as ``-X importtime`` reports it. ``cpu``: CPU time of the
    ``import`` statement (``time.process_time``), which a busy machine barely changes
    but which leaves out sleeping and waiting for I/O.
``runs`` (default ``5``)
    How many fresh imports to time; the median counts.
``timeout`` (default ``60``)
    Seconds one import may take before it counts as failed.
``broken_contract_guidance``
    Text shown after the findings when the contract is broken.

A module that fails to import, or does not finish within ``timeout``, breaks the
contract; the error is shown. The report lists the 10 imported modules with the largest
self time (from the median run), with their self and cumulative times.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import cast

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils

from importgate.contracts import importtime_probe as probe
from importgate.contracts.common import positive_number, render_violations
from importgate.graph import ModuleLocator
from importgate.model import DETAILS_KEY, VIOLATIONS_KEY, Violation

DEFAULT_RATIO = 2.0
DEFAULT_TIMEOUT = 60.0
SLOWEST = 10


class Clock(enum.Enum):
    WALL = probe.WALL
    CPU = probe.CPU


class ImportTimeContract(Contract):
    """``import MODULE`` takes at most ``max_ms`` and at most ``max_ratio`` x baseline."""

    type_name = "import_time"

    modules = fields.ListField(subfield=fields.ModuleField())
    max_ms = fields.StringField(required=False)
    max_ratio = fields.StringField(required=False)
    baseline_file = fields.StringField(required=False)
    clock = fields.EnumField(Clock, default=Clock.WALL)
    runs = fields.IntegerField(minimum=1, default=5)
    timeout = fields.StringField(required=False)
    broken_contract_guidance = fields.TextField(required=False)

    def validate(self) -> None:
        options = self.contract_options
        self.limit_ms = positive_number(options, "max_ms")
        self.ratio = positive_number(options, "max_ratio") or DEFAULT_RATIO
        self.timeout_s = positive_number(options, "timeout") or DEFAULT_TIMEOUT
        self.clock_name: str = cast(Clock, self.clock).value
        self.baseline_path = Path(
            cast("str | None", self.baseline_file) or probe.DEFAULT_BASELINE_FILE
        )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        baseline = probe.read_baseline(self.baseline_path, self.clock_name)
        locator = ModuleLocator()
        violations: list[Violation] = []
        warnings: list[str] = []
        details: dict[str, object] = {}
        for module in (m.name for m in self.modules):  # type: ignore[attr-defined]
            path = locator.display_path(module)
            try:
                measured = probe.measure(module, self.runs, self.timeout_s, SLOWEST)  # type: ignore[arg-type]
            except probe.ProbeFailed as error:
                violations.append(
                    Violation(module, None, message=str(error), path=path, notes=error.output)
                )
                details[module] = {"error": str(error)}
                continue
            median = measured.median(self.clock_name)
            output.verbose_print(verbose, f"import {module}: {median:.1f} ms")
            recorded = baseline.get(module)
            if recorded is None:
                warnings.append(
                    f"{module}: no import-time baseline in {self.baseline_path.as_posix()}"
                    + ("" if self.limit_ms else "; nothing to compare with")
                    + f" (record one with 'importgate snapshot --import-time {module}')"
                )
            violation = self._judge(measured, recorded, path)
            if violation:
                violations.append(violation)
            details[module] = {
                "clock": self.clock_name,
                "median_ms": round(median, 1),
                "runs_ms": list(measured.runs(self.clock_name)),
                "wall_runs_ms": list(measured.runs_ms),
                "cpu_runs_ms": list(measured.cpu_runs_ms),
                "max_ms": self.limit_ms,
                "baseline_ms": recorded,
                "max_ratio": self.ratio,
                "slowest": [
                    {
                        "module": e.module,
                        "self_ms": round(e.self_ms, 2),
                        "cumulative_ms": round(e.cumulative_ms, 2),
                    }
                    for e in measured.slowest
                ],
            }
        return ContractCheck(
            kept=not violations,
            warnings=warnings,
            metadata={VIOLATIONS_KEY: violations, DETAILS_KEY: {"import_time": details}},
        )

    def _judge(
        self, measured: probe.Measurement, recorded: float | None, path: str | None
    ) -> Violation | None:
        """One violation naming every limit the median is over, or None."""
        median = measured.median(self.clock_name)
        over: list[str] = []
        if self.limit_ms is not None and median > self.limit_ms:
            over.append(f"max_ms {self.limit_ms:g}")
        if recorded is not None and median > recorded * self.ratio:
            over.append(
                f"max_ratio {self.ratio:g} x baseline {recorded:g} ms = "
                f"{recorded * self.ratio:.1f} ms"
            )
        if not over:
            return None
        runs = ", ".join(f"{run:g}" for run in measured.runs(self.clock_name))
        clock = " of CPU" if self.clock_name == probe.CPU else ""
        notes = tuple(
            f"{e.self_ms:8.1f} ms self {e.cumulative_ms:8.1f} ms cumulative  {e.module}"
            for e in measured.slowest
        )
        return Violation(
            measured.module,
            None,
            message=f"import {measured.module} takes {median:.1f} ms{clock} "
            f"(median of {len(measured.runs_ms)} runs: {runs} ms), "
            f"over {' and '.join(over)}",
            path=path,
            notes=("slowest imports (median run):", *notes),
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        render_violations(check.metadata[VIOLATIONS_KEY])
        contract_utils.render_broken_contract_guidance(
            self.broken_contract_guidance  # type: ignore[arg-type]
        )
