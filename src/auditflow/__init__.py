"""auditflow: an auditable row-pipeline engine.

Layers, bottom to top: ``contracts`` (plain types and protocols), ``core`` (settings,
expressions, canonical JSON, the audit trail), ``plugins`` (built-in sources, transforms
and sinks), ``engine`` (the orchestrator) and ``cli``. Importing this package is cheap:
nothing heavy is imported here.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
