"""Export of a run's audit trail, signing, and schema reconstruction for resume.

Imports only :mod:`.types` among its orchestrator siblings; the bigger pieces live in
``auditflow.engine.export_*`` modules and are re-exported here.
"""

from __future__ import annotations

from auditflow.engine.export_schema import SchemaReconstructionError, row_model_from_schema

__all__ = ["SchemaReconstructionError", "row_model_from_schema"]
