"""The bottom layer of auditflow: outcomes, plugin protocols and errors.

Nothing here imports another auditflow package, so every layer above can share these
types without pulling in settings, the audit trail or any plugin.
"""

from auditflow.contracts.errors import (
    AuditflowError,
    ExpressionError,
    PluginError,
    SettingsError,
    TransformError,
)
from auditflow.contracts.outcomes import NON_TERMINAL_OUTCOMES, TERMINAL_OUTCOMES, RowOutcome
from auditflow.contracts.plugins import (
    ArtifactInfo,
    BatchTransform,
    Row,
    RowTransform,
    SinkPlugin,
    SourceItem,
    SourcePlugin,
)

__all__ = [
    "NON_TERMINAL_OUTCOMES",
    "TERMINAL_OUTCOMES",
    "ArtifactInfo",
    "AuditflowError",
    "BatchTransform",
    "ExpressionError",
    "PluginError",
    "Row",
    "RowOutcome",
    "RowTransform",
    "SettingsError",
    "SinkPlugin",
    "SourceItem",
    "SourcePlugin",
    "TransformError",
]
