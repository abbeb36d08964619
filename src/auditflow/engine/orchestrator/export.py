"""Export of a run's audit trail, signing, and schema reconstruction for resume.

Imports only :mod:`.types` among its orchestrator siblings; the bigger pieces live in
``auditflow.engine.export_*`` modules and are re-exported here.
"""

from __future__ import annotations

from auditflow.core.settings import PipelineSettings
from auditflow.engine.export_schema import SchemaReconstructionError, row_model_from_schema
from auditflow.engine.export_sign import SIGNING_KEY_VARIABLE, SigningKeyError, signing_key

__all__ = [
    "SIGNING_KEY_VARIABLE",
    "SchemaReconstructionError",
    "SigningKeyError",
    "require_signing_key",
    "row_model_from_schema",
]


def require_signing_key(settings: PipelineSettings) -> None:
    """Before a run: with ``landscape.export.sign`` the key must be set, or the run does
    not start (raises :class:`SigningKeyError` naming the variable)."""
    export = settings.landscape.export
    if export is not None and export.sign:
        signing_key("landscape.export.sign is true: the run")
