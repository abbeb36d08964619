"""The orchestrator package: runs a pipeline and writes its audit trail.

Modules, each with one responsibility, layered as ``.importlinter`` declares:
``core`` over ``validation | export | aggregation`` over ``types``.
"""

from auditflow.engine.orchestrator.core import Orchestrator
from auditflow.engine.orchestrator.types import (
    AggregationFlushResult,
    PipelineConfig,
    RouteValidationError,
    RunResult,
)

__all__ = [
    "AggregationFlushResult",
    "Orchestrator",
    "PipelineConfig",
    "RouteValidationError",
    "RunResult",
]
