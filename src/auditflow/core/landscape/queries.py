"""Read a run back out of the landscape: counts, integrity and one row's path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, func, select

from auditflow.core.landscape import schema as s


@dataclass(frozen=True, slots=True)
class RunRecord:
    run_id: str
    status: str
    settings_hash: str
    hash_version: str
    started_at: Any
    ended_at: Any
    error: str | None


@dataclass(frozen=True, slots=True)
class Step:
    """One node a token passed through."""

    step: int
    kind: str
    node: str
    status: str
    error: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    """A routing decision: gate result (label) and where it sent the token."""

    node: str
    label: str
    destination: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class BatchInfo:
    batch_id: int
    aggregation: str
    status: str
    trigger: str | None
    size: int


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str
    terminal: bool
    sink: str | None
    batch_id: int | None
    reason: str | None


@dataclass(slots=True)
class TokenPath:
    token_id: int
    parents: list[int] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    batches: list[BatchInfo] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def final(self) -> Outcome | None:
        """The terminal outcome, if the token has one."""
        return next((o for o in self.outcomes if o.terminal), None)


@dataclass(slots=True)
class RowPath:
    run_id: str
    row_index: int
    valid: bool
    data_json: str
    error: str | None
    tokens: list[TokenPath]


def get_run(engine: Engine, run_id: str) -> RunRecord | None:
    with engine.connect() as connection:
        found = connection.execute(select(s.runs).where(s.runs.c.run_id == run_id)).first()
    if found is None:
        return None
    m = found._mapping
    return RunRecord(
        m["run_id"],
        m["status"],
        m["settings_hash"],
        m["hash_version"],
        m["started_at"],
        m["ended_at"],
        m["error"],
    )


def outcome_counts(engine: Engine, run_id: str) -> dict[str, int]:
    """Terminal outcomes of the run's tokens, counted by outcome."""
    o = s.token_outcomes
    query = (
        select(o.c.outcome, func.count())
        .where(o.c.run_id == run_id, o.c.is_terminal)
        .group_by(o.c.outcome)
    )
    with engine.connect() as connection:
        return {name: int(n) for name, n in connection.execute(query)}


def routed_counts(engine: Engine, run_id: str) -> dict[str, int]:
    """Tokens a gate routed, counted by sink."""
    o = s.token_outcomes
    query = (
        select(o.c.sink_name, func.count())
        .where(o.c.run_id == run_id, o.c.outcome == "routed")
        .group_by(o.c.sink_name)
    )
    with engine.connect() as connection:
        return {str(name): int(n) for name, n in connection.execute(query)}


def count_rows(engine: Engine, run_id: str) -> int:
    with engine.connect() as connection:
        found = connection.execute(
            select(func.count()).select_from(s.rows).where(s.rows.c.run_id == run_id)
        ).scalar_one()
    return int(found)


def count_buffered(engine: Engine, run_id: str) -> int:
    """How many times a token entered an aggregation buffer (``buffered`` records)."""
    o = s.token_outcomes
    query = select(func.count()).where(o.c.run_id == run_id, o.c.outcome == "buffered")
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def tokens_without_one_terminal(engine: Engine, run_id: str) -> list[int]:
    """Token ids with no terminal outcome (at most one is enforced by the schema)."""
    t, o = s.tokens, s.token_outcomes
    terminal = select(o.c.token_id).where(o.c.run_id == run_id, o.c.is_terminal).scalar_subquery()
    query = (
        select(t.c.token_id)
        .where(t.c.run_id == run_id, t.c.token_id.not_in(terminal))
        .order_by(t.c.token_id)
    )
    with engine.connect() as connection:
        return [int(token) for token in connection.scalars(query)]


def row_path(engine: Engine, run_id: str, row_index: int) -> RowPath | None:
    """Everything the audit trail says about one source row, token by token."""
    with engine.connect() as connection:
        found = connection.execute(
            select(s.rows).where(s.rows.c.run_id == run_id, s.rows.c.row_index == row_index)
        ).first()
        if found is None:
            return None
        roots = list(
            connection.scalars(
                select(s.tokens.c.token_id)
                .where(s.tokens.c.run_id == run_id, s.tokens.c.row_index == row_index)
                .order_by(s.tokens.c.token_id)
            )
        )
        paths: dict[int, TokenPath] = {}
        queue = list(roots)
        while queue:  # the row's tokens, then tokens made from them (batch outputs)
            token = queue.pop(0)
            if token in paths:
                continue
            paths[token] = _token_path(connection, run_id, token)
            children = connection.scalars(
                select(s.token_parents.c.token_id).where(
                    s.token_parents.c.run_id == run_id,
                    s.token_parents.c.parent_token_id == token,
                )
            )
            queue.extend(int(child) for child in children)
    m = found._mapping
    return RowPath(
        run_id,
        row_index,
        bool(m["valid"]),
        m["data_json"],
        m["error"],
        [paths[token] for token in sorted(paths)],
    )


def _token_path(connection: Any, run_id: str, token: int) -> TokenPath:
    n = s.nodes
    path = TokenPath(token)
    tp = s.token_parents
    path.parents = [
        int(p)
        for p in connection.scalars(
            select(tp.c.parent_token_id)
            .where(tp.c.run_id == run_id, tp.c.token_id == token)
            .order_by(tp.c.ordinal)
        )
    ]
    ns = s.node_states
    for step, kind, name, status, error in connection.execute(
        select(ns.c.step, n.c.kind, n.c.name, ns.c.status, ns.c.error)
        .join(n, n.c.node_id == ns.c.node_id)
        .where(ns.c.run_id == run_id, ns.c.token_id == token)
        .order_by(ns.c.step, ns.c.state_id)
    ):
        path.steps.append(Step(step, kind, name, status, error))
    re = s.routing_events
    for name, label, destination, reason in connection.execute(
        select(n.c.name, re.c.label, re.c.destination, re.c.reason)
        .join(n, n.c.node_id == re.c.node_id)
        .where(re.c.run_id == run_id, re.c.token_id == token)
        .order_by(re.c.event_id)
    ):
        path.decisions.append(Decision(name, label, destination, reason))
    b, bm = s.batches, s.batch_members
    for batch_id, name, status, trigger, size in connection.execute(
        select(b.c.batch_id, n.c.name, b.c.status, b.c.trigger, b.c.size)
        .join(bm, and_(bm.c.run_id == b.c.run_id, bm.c.batch_id == b.c.batch_id))
        .join(n, n.c.node_id == b.c.node_id)
        .where(bm.c.run_id == run_id, bm.c.token_id == token)
        .order_by(b.c.batch_id)
    ):
        path.batches.append(BatchInfo(batch_id, name, status, trigger, size))
    o = s.token_outcomes
    for outcome, terminal, sink, batch_id, reason in connection.execute(
        select(o.c.outcome, o.c.is_terminal, o.c.sink_name, o.c.batch_id, o.c.reason)
        .where(o.c.run_id == run_id, o.c.token_id == token)
        .order_by(o.c.outcome_id)
    ):
        path.outcomes.append(Outcome(outcome, bool(terminal), sink, batch_id, reason))
    return path
