"""The JSON report: a stable, documented document (``docs/json-report.md``).

``schema_version`` changes only when a field is removed or changes meaning; new fields
may be added within a version.
"""

from __future__ import annotations

import json
from typing import Any

from importgate import __version__
from importgate.model import CheckResult

SCHEMA_VERSION = 1


def to_document(result: CheckResult) -> dict[str, Any]:
    """The report as plain data, ready for ``json.dumps``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "importgate", "version": __version__},
        "kept": result.kept,
        "broken": result.broken,
        "root_packages": list(result.root_packages),
        "config_file": result.config_file,
        "module_count": result.module_count,
        "import_count": result.import_count,
        "graph_duration_ms": result.graph_duration_ms,
        "contracts": [contract.to_dict() for contract in result.contracts],
        "baselined": result.baselined,
        "passed": result.passed,
        "baseline": None if result.baseline is None else result.baseline.to_dict(),
    }


def render(result: CheckResult) -> str:
    return json.dumps(to_document(result), indent=2, sort_keys=False) + "\n"
