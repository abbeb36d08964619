"""Built-in plugins of auditflow and the registry that creates them by name.

Sources ``csv`` and ``jsonl``; row transforms ``field_mapper`` and ``passthrough``; the
batch transform ``batch_stats``; sinks ``csv``, ``jsonl`` and ``database``. Create them
with :mod:`auditflow.plugins.registry`; the protocols they implement live in
:mod:`auditflow.contracts.plugins`.
"""

from auditflow.plugins.registry import (
    available_plugins,
    create_batch_transform,
    create_sink,
    create_source,
    create_transform,
)

__all__ = [
    "available_plugins",
    "create_batch_transform",
    "create_sink",
    "create_source",
    "create_transform",
]
