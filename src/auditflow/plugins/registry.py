"""Create built-in plugins by name from the settings.

Every ``create_*`` function takes the plugin name, its options mapping and the folder
relative paths resolve against (the settings file's folder), and returns a ready plugin.
An unknown name or invalid options raise :class:`PluginError` naming the field path,
e.g. ``sinks.output.options.path: required but missing``. ``where`` is the settings path
of the plugin's block (``source``, ``transforms[0]``, ``sinks.output``); it only shapes
messages.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import BatchTransform, RowTransform, SinkPlugin, SourcePlugin
from auditflow.plugins.base import validate_options

__all__ = [
    "available_plugins",
    "create_batch_transform",
    "create_sink",
    "create_source",
    "create_transform",
    "validate_options",
]


def _factories() -> dict[str, dict[str, Callable[[Mapping[str, Any], Path, str], Any]]]:
    # Imported here so that importing the registry stays cheap (SQLAlchemy, csv, ...
    # are loaded only when a plugin is created).
    from auditflow.plugins import (
        batch_stats,
        sinks_csv,
        sinks_database,
        sinks_jsonl,
        sources,
        transforms,
    )

    return {
        "source": {"csv": sources.CsvSource.create, "jsonl": sources.JsonlSource.create},
        "transform": {
            "field_mapper": transforms.FieldMapper.create,
            "passthrough": transforms.Passthrough.create,
        },
        "batch transform": {"batch_stats": batch_stats.BatchStats.create},
        "sink": {
            "csv": sinks_csv.CsvSink.create,
            "jsonl": sinks_jsonl.JsonlSink.create,
            "database": sinks_database.DatabaseSink.create,
        },
    }


def available_plugins() -> dict[str, list[str]]:
    """Plugin names by kind: ``source``, ``transform``, ``batch transform``, ``sink``."""
    return {kind: sorted(names) for kind, names in _factories().items()}


def _create(
    kind: str, plugin: str, options: Mapping[str, Any] | None, base_dir: Path | str, where: str
) -> Any:
    factories = _factories()[kind]
    factory = factories.get(plugin)
    if factory is None:
        raise PluginError(
            f"{where}.plugin: unknown {kind} plugin {plugin!r}"
            f" (available: {', '.join(sorted(factories))})"
        )
    return factory(options or {}, Path(base_dir), where)


def create_source(
    plugin: str, options: Mapping[str, Any] | None, base_dir: Path | str, *, where: str = "source"
) -> SourcePlugin:
    """A source plugin (``csv``, ``jsonl``)."""
    source: SourcePlugin = _create("source", plugin, options, base_dir, where)
    return source


def create_transform(
    plugin: str,
    options: Mapping[str, Any] | None,
    base_dir: Path | str,
    *,
    where: str = "transforms",
) -> RowTransform:
    """A row transform (``field_mapper``, ``passthrough``)."""
    transform: RowTransform = _create("transform", plugin, options, base_dir, where)
    return transform


def create_batch_transform(
    plugin: str,
    options: Mapping[str, Any] | None,
    base_dir: Path | str,
    *,
    where: str = "aggregations",
) -> BatchTransform:
    """A batch transform for an aggregation (``batch_stats``)."""
    transform: BatchTransform = _create("batch transform", plugin, options, base_dir, where)
    return transform


def create_sink(
    plugin: str, options: Mapping[str, Any] | None, base_dir: Path | str, *, where: str = "sinks"
) -> SinkPlugin:
    """A sink (``csv``, ``jsonl``, ``database``). Creating a sink touches no file or
    database; the first :meth:`~SinkPlugin.write` or :meth:`~SinkPlugin.flush` does."""
    sink: SinkPlugin = _create("sink", plugin, options, base_dir, where)
    return sink
