"""``importgate diff --format json``: the diff as one document (``docs/diff.md``)."""

from __future__ import annotations

import json
from typing import Any

from importgate import __version__
from importgate.model.diff import DiffResult

SCHEMA_VERSION = 1


def to_document(result: DiffResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "importgate", "version": __version__},
        **result.to_dict(),
    }


def render(result: DiffResult) -> str:
    return json.dumps(to_document(result), indent=2) + "\n"
