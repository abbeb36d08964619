"""From settings to a runnable pipeline: plugins, the node graph and its hashes.

:func:`create_plugins` makes every plugin (bad names or options raise ``PluginError``
before the run is recorded). :func:`topology` describes the graph as plain data: nodes in
pipeline order with their config, and labelled edges; :func:`topology_hash` hashes it, so a
resumed run can prove it runs the same pipeline. :func:`register` writes the graph to the
landscape and returns the node ids.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import BatchTransform, RowTransform, SinkPlugin, SourcePlugin
from auditflow.core.canonical import canonical_json, stable_hash
from auditflow.core.landscape import LandscapeRecorder
from auditflow.core.settings import CONTINUE, DISCARD, PipelineSettings, TransformSettings
from auditflow.engine.walk import TransformNode
from auditflow.plugins.registry import (
    create_batch_transform,
    create_sink,
    create_source,
    create_transform,
)

NodeKey = tuple[str, str]
"""``(kind, name)`` of a node; unique within a run."""


@dataclass
class Plugins:
    """Every plugin of a pipeline, created and ready."""

    source: SourcePlugin
    transforms: list[RowTransform]
    aggregations: list[BatchTransform]
    aggregation_transforms: list[list[RowTransform]]
    sinks: dict[str, SinkPlugin]

    def close(self) -> None:
        """Close the source (the orchestrator closes the sinks and reports their errors)."""
        self.source.close()

    def close_all(self) -> None:
        """Close the source and every sink, ignoring errors (a run that never started)."""
        closers = [self.source.close, *(sink.close for sink in self.sinks.values())]
        for close in closers:
            with contextlib.suppress(Exception):  # nothing was written: best effort
                close()


def _transforms(items: list[TransformSettings], base: Path, where: str) -> list[RowTransform]:
    return [
        create_transform(t.plugin, t.options, base, where=f"{where}[{i}]")
        for i, t in enumerate(items)
    ]


def create_plugins(settings: PipelineSettings, base_dir: Path) -> Plugins:
    """Create every plugin; raise ``PluginError`` naming the first bad block."""
    source = create_source(settings.source.plugin, settings.source.options, base_dir)
    aggregations, after = [], []
    for i, agg in enumerate(settings.aggregations):
        where = f"aggregations[{i}]"
        aggregations.append(create_batch_transform(agg.plugin, agg.options, base_dir, where=where))
        after.append(_transforms(agg.transforms, base_dir, f"{where}.transforms"))
    sinks = {
        name: create_sink(sink.plugin, sink.options, base_dir, where=f"sinks.{name}")
        for name, sink in settings.sinks.items()
    }
    _refuse_shared_files(source, sinks)
    return Plugins(
        source,
        _transforms(settings.transforms, base_dir, "transforms"),
        aggregations,
        after,
        sinks,
    )


def _refuse_shared_files(source: SourcePlugin, sinks: dict[str, SinkPlugin]) -> None:
    """A sink writing the source's file, or another sink's, would replace or interleave it
    as the run goes: refused before any row is read. The built-in file plugins keep their
    file in ``path``; a plugin without a ``Path`` there is not checked."""
    owners: dict[Path, str] = {}
    source_path = getattr(source, "path", None)
    if isinstance(source_path, Path):
        owners[source_path.resolve()] = "the source"
    for name, sink in sinks.items():
        path = getattr(sink, "path", None)
        if not isinstance(path, Path):
            continue
        if path.resolve() in owners:
            raise PluginError(
                f"sinks.{name}.options.path: {path} is also the file of"
                f" {owners[path.resolve()]}; give every sink a file of its own"
            )
        owners[path.resolve()] = f"sink {name!r}"


@dataclass
class Topology:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[tuple[NodeKey, NodeKey, str]] = field(default_factory=list)

    def add(self, kind: str, name: str, plugin: str, config: Any) -> NodeKey:
        self.nodes.append(
            {
                "kind": kind,
                "name": name,
                "plugin": plugin,
                "position": len(self.nodes),
                "config": config,
            }
        )
        return (kind, name)

    def as_data(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": [[list(a), list(b), label] for a, b, label in self.edges],
        }


def _chain(top: Topology, start: NodeKey, items: list[TransformSettings]) -> NodeKey:
    previous = start
    for t in items:
        key = top.add("transform", t.name, t.plugin, t.model_dump(mode="json"))
        top.edges.append((previous, key, CONTINUE))
        if t.on_error not in (None, DISCARD):
            top.edges.append((key, ("sink", str(t.on_error)), "on_error"))
        previous = key
    return previous


def topology(settings: PipelineSettings) -> Topology:
    """The pipeline as nodes (in order, with config) and labelled edges."""
    top = Topology()
    source = top.add(
        "source", "source", settings.source.plugin, settings.source.model_dump(mode="json")
    )
    if settings.source.on_validation_failure != DISCARD:
        top.edges.append(
            (source, ("sink", settings.source.on_validation_failure), "on_validation_failure")
        )
    previous: NodeKey | None = _chain(top, source, settings.transforms)
    for gate in settings.gates:
        key = top.add("gate", gate.name, "gate", gate.model_dump(mode="json"))
        if previous is not None:
            top.edges.append((previous, key, CONTINUE))
        for label, destination in sorted(gate.routes.items()):
            if destination != CONTINUE:
                top.edges.append((key, ("sink", destination), label))
        previous = key
    for agg in settings.aggregations:
        key = top.add("aggregation", agg.name, agg.plugin, agg.model_dump(mode="json"))
        if previous is not None:
            top.edges.append((previous, key, CONTINUE))
        previous = _chain(top, key, agg.transforms)
        if agg.sink is not None:  # what this aggregation releases ends in its sink
            top.edges.append((previous, ("sink", agg.sink), "sink"))
            previous = None
    if previous is not None:
        top.edges.append((previous, ("sink", settings.default_sink), "default"))
    for name, sink in settings.sinks.items():
        top.add("sink", name, sink.plugin, sink.model_dump(mode="json"))
    return top


def topology_hash(settings: PipelineSettings) -> str:
    return stable_hash(topology(settings).as_data())


def register(recorder: LandscapeRecorder, top: Topology) -> dict[NodeKey, int]:
    """Write the nodes and edges of a run; return node ids by ``(kind, name)``."""
    ids: dict[NodeKey, int] = {}
    for node in top.nodes:
        config = canonical_json(node["config"])
        ids[(node["kind"], node["name"])] = recorder.add_node(
            node["kind"],
            node["name"],
            node["plugin"],
            node["position"],
            config.decode("utf-8"),
            stable_hash(node["config"]),
        )
    recorder.add_edges([(ids[a], ids[b], label) for a, b, label in top.edges if b in ids])
    return ids


def transform_nodes(
    items: list[TransformSettings], made: list[RowTransform], ids: dict[NodeKey, int]
) -> list[TransformNode]:
    """The walker's view of a list of transforms (``on_error``: a sink name or None)."""
    return [
        TransformNode(
            t.name,
            ids[("transform", t.name)],
            plugin,
            None if t.on_error in (None, DISCARD) else t.on_error,
        )
        for t, plugin in zip(items, made, strict=True)
    ]


def config_hashes(top: Topology) -> dict[str, str]:
    """``{"kind:name": hash of the node's config}`` for every node: what a checkpoint
    records, so resume can name the node whose config changed."""
    return {f"{n['kind']}:{n['name']}": stable_hash(n["config"]) for n in top.nodes}


def structure_hash(top: Topology) -> str:
    """Hash of the graph without the nodes' config: kinds, names, plugins, order, edges."""
    nodes = [{k: v for k, v in n.items() if k != "config"} for n in top.nodes]
    return stable_hash({"nodes": nodes, "edges": top.as_data()["edges"]})
