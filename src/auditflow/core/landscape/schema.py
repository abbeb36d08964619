"""The audit-trail ("landscape") schema, in SQLAlchemy Core.

One row per run in ``runs``; everything else hangs off ``(run_id, ...)`` so that many runs
can share one database. Tokens carry a per-run sequence number (``token_id``), batches a
per-run ``batch_id`` and checkpoints a per-run ``sequence``, so a resumed run continues the
numbering of the run it resumes. ``token_outcomes`` has a partial unique index: at most one
*terminal* outcome per token (``buffered`` is the only non-terminal one and may repeat).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 2
"""Bumped whenever a table or column changes; stored in ``landscape_info``."""

RUN_STATUSES = ("running", "completed", "failed", "interrupted", "partially_exported")
BATCH_STATUSES = ("draft", "executing", "completed", "failed")
NODE_KINDS = ("source", "transform", "gate", "aggregation", "sink")

metadata = MetaData()


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


landscape_info = Table(
    "landscape_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("status", String(24), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("settings_path", Text),
    Column("settings_json", Text, nullable=False),
    Column("settings_hash", String(64), nullable=False),
    Column("hash_version", String(32), nullable=False),
    Column("topology_hash", String(64), nullable=False),
    Column("source_schema_json", Text),
    Column("pid", Integer),
    Column("host", String(255)),
    Column("resumed_from", String(32), ForeignKey("runs.run_id")),
    Column("counters_json", Text),
    Column("error", Text),
    CheckConstraint(_in("status", RUN_STATUSES), name="ck_runs_status"),
)

nodes = Table(
    "nodes",
    metadata,
    Column("node_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), ForeignKey("runs.run_id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(255), nullable=False),
    Column("plugin", String(255), nullable=False),
    Column("position", Integer, nullable=False),
    Column("config_json", Text, nullable=False),
    Column("config_hash", String(64), nullable=False),
    UniqueConstraint("run_id", "kind", "name", name="uq_nodes_run_kind_name"),
    CheckConstraint(_in("kind", NODE_KINDS), name="ck_nodes_kind"),
)

edges = Table(
    "edges",
    metadata,
    Column("edge_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), ForeignKey("runs.run_id"), nullable=False),
    Column("from_node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("to_node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("label", String(255), nullable=False),
)

rows = Table(
    "rows",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id"), nullable=False),
    Column("row_index", Integer, nullable=False),
    Column("source_node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("valid", Boolean, nullable=False),
    Column("data_json", Text, nullable=False),
    Column("data_hash", String(64), nullable=False),
    Column("error", Text),
    PrimaryKeyConstraint("run_id", "row_index"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("run_id", String(32), nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("row_index", Integer),
    Column("created_at_node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    PrimaryKeyConstraint("run_id", "token_id"),
    ForeignKeyConstraint(["run_id", "row_index"], ["rows.run_id", "rows.row_index"]),
    ForeignKeyConstraint(["run_id"], ["runs.run_id"]),
)
Index("ix_tokens_row", tokens.c.run_id, tokens.c.row_index)

token_parents = Table(
    "token_parents",
    metadata,
    Column("run_id", String(32), nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("parent_token_id", Integer, nullable=False),
    Column("ordinal", Integer, nullable=False),
    PrimaryKeyConstraint("run_id", "token_id", "parent_token_id"),
    ForeignKeyConstraint(["run_id", "token_id"], ["tokens.run_id", "tokens.token_id"]),
    ForeignKeyConstraint(["run_id", "parent_token_id"], ["tokens.run_id", "tokens.token_id"]),
)
Index("ix_token_parents_parent", token_parents.c.run_id, token_parents.c.parent_token_id)

batches = Table(
    "batches",
    metadata,
    Column("run_id", String(32), nullable=False),
    Column("batch_id", Integer, nullable=False),
    Column("node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("trigger", String(16)),
    Column("attempt", Integer, nullable=False, default=1),
    Column("size", Integer, nullable=False, default=0),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("error", Text),
    PrimaryKeyConstraint("run_id", "batch_id"),
    ForeignKeyConstraint(["run_id"], ["runs.run_id"]),
    CheckConstraint(_in("status", BATCH_STATUSES), name="ck_batches_status"),
)

batch_members = Table(
    "batch_members",
    metadata,
    Column("run_id", String(32), nullable=False),
    Column("batch_id", Integer, nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("ordinal", Integer, nullable=False),
    PrimaryKeyConstraint("run_id", "batch_id", "token_id"),
    ForeignKeyConstraint(["run_id", "batch_id"], ["batches.run_id", "batches.batch_id"]),
    ForeignKeyConstraint(["run_id", "token_id"], ["tokens.run_id", "tokens.token_id"]),
)
Index("ix_batch_members_token", batch_members.c.run_id, batch_members.c.token_id)

node_states = Table(
    "node_states",
    metadata,
    Column("state_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("step", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("output_hash", String(64)),
    Column("error", Text),
    ForeignKeyConstraint(["run_id", "token_id"], ["tokens.run_id", "tokens.token_id"]),
)
Index("ix_node_states_token", node_states.c.run_id, node_states.c.token_id)

routing_events = Table(
    "routing_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("label", String(255), nullable=False),
    Column("destination", String(255), nullable=False),
    Column("reason", Text),
    ForeignKeyConstraint(["run_id", "token_id"], ["tokens.run_id", "tokens.token_id"]),
)
Index("ix_routing_events_token", routing_events.c.run_id, routing_events.c.token_id)

token_outcomes = Table(
    "token_outcomes",
    metadata,
    Column("outcome_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("is_terminal", Boolean, nullable=False),
    Column("sink_name", String(255)),
    Column("batch_id", Integer),
    Column("reason", Text),
    ForeignKeyConstraint(["run_id", "token_id"], ["tokens.run_id", "tokens.token_id"]),
    ForeignKeyConstraint(["run_id", "batch_id"], ["batches.run_id", "batches.batch_id"]),
    CheckConstraint(
        "(outcome = 'buffered' AND NOT is_terminal) OR (outcome != 'buffered' AND is_terminal)",
        name="ck_token_outcomes_terminal",
    ),
)
Index(
    "uq_token_outcomes_one_terminal",
    token_outcomes.c.run_id,
    token_outcomes.c.token_id,
    unique=True,
    sqlite_where=token_outcomes.c.is_terminal,
    postgresql_where=token_outcomes.c.is_terminal,
)
Index("ix_token_outcomes_run_outcome", token_outcomes.c.run_id, token_outcomes.c.outcome)

artifacts = Table(
    "artifacts",
    metadata,
    Column("artifact_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), ForeignKey("runs.run_id"), nullable=False),
    Column("sink_node_id", Integer, ForeignKey("nodes.node_id"), nullable=False),
    Column("checkpoint_sequence", Integer),
    Column("path", Text, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("content_hash", String(64)),
    Column("rows_written", Integer, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("next_row_index", Integer, nullable=False),
    Column("last_token_id", Integer, nullable=False),
    Column("last_batch_id", Integer, nullable=False),
    Column("topology_hash", String(64), nullable=False),
    Column("aggregation_state_json", Text, nullable=False),
    Column("config_hashes_json", Text, nullable=False),
    Column("counters_json", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("run_id", "sequence"),
)

ATTEMPT_STATUSES = (*RUN_STATUSES[:4], "killed")

run_attempts = Table(
    "run_attempts",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("resumed_from", Integer),
    Column("status", String(24), nullable=False),
    Column("pid", Integer),
    Column("host", String(255)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("counters_json", Text),
    Column("error", Text),
    PrimaryKeyConstraint("run_id", "attempt"),
    CheckConstraint(_in("status", ATTEMPT_STATUSES), name="ck_run_attempts_status"),
)

TABLES = tuple(metadata.sorted_tables)
"""Every table, parents before children (the order to create and to insert in)."""

__all__ = [
    "ATTEMPT_STATUSES",
    "BATCH_STATUSES",
    "NODE_KINDS",
    "RUN_STATUSES",
    "SCHEMA_VERSION",
    "TABLES",
    "artifacts",
    "batch_members",
    "batches",
    "checkpoints",
    "edges",
    "landscape_info",
    "metadata",
    "node_states",
    "nodes",
    "routing_events",
    "rows",
    "run_attempts",
    "runs",
    "token_outcomes",
    "token_parents",
    "tokens",
]
