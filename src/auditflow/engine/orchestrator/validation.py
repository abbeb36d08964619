"""Route checks run before any row is read.

Every gate route, every transform ``on_error``, the source's ``on_validation_failure`` and
every aggregation ``sink`` must name a sink that exists (``discard`` and ``continue`` are
keywords, not sink names). The first bad destination, in pipeline order, raises
:class:`RouteValidationError` naming its owner, the destination, the route label and the
sorted list of available sinks.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditflow.core.settings import CONTINUE, DISCARD, PipelineSettings, TransformSettings
from auditflow.engine.orchestrator.types import RouteValidationError


def destinations(settings: PipelineSettings) -> Iterator[tuple[str, str, str | None]]:
    """Every ``(owner, label, destination)`` that may name a sink, in pipeline order."""
    yield (
        f"source {settings.source.plugin!r}",
        "on_validation_failure",
        _sink_or_none(settings.source.on_validation_failure, DISCARD),
    )
    yield from _transform_destinations(settings.transforms, "transform")
    for gate in settings.gates:
        for label, destination in gate.routes.items():
            yield f"gate {gate.name!r}", label, _sink_or_none(destination, CONTINUE)
    for aggregation in settings.aggregations:
        yield f"aggregation {aggregation.name!r}", "sink", aggregation.sink
        yield from _transform_destinations(
            aggregation.transforms, f"aggregation {aggregation.name!r} transform"
        )


def _transform_destinations(
    transforms: list[TransformSettings], kind: str
) -> Iterator[tuple[str, str, str | None]]:
    for transform in transforms:
        yield f"{kind} {transform.name!r}", "on_error", _sink_or_none(transform.on_error, DISCARD)


def _sink_or_none(destination: str | None, keyword: str) -> str | None:
    return None if destination is None or destination == keyword else destination


def validate_routes(settings: PipelineSettings) -> None:
    """Raise :class:`RouteValidationError` for the first destination that is not a sink."""
    available = sorted(settings.sinks)
    for owner, label, destination in destinations(settings):
        if destination is not None and destination not in settings.sinks:
            raise RouteValidationError(owner, destination, label, available)
