"""The integrity query: does a finished run's audit trail add up?

:func:`integrity_problems` runs a fixed set of SQL checks over one run and returns one
line per problem (an empty list: the trail is whole). It holds for a run that ran in one
go and for one resumed any number of times, so it is what a crash test asserts:

1. source rows are numbered 0..n-1 with no gap, and each has exactly one root token;
2. every token has exactly one terminal outcome (none left ``buffered``);
3. every token made by a batch has parents, and every parent ended ``consumed_in_batch``;
4. every batch is closed (completed / failed) and its ``size`` is its member count;
5. checkpoint sequences are 1..k with no gap, and the last one continues at row n;
6. each sink's last artifact counts exactly the rows the trail sent to that sink;
7. the run's ``counters_json`` equals the counts of outcomes in the trail, and (for a
   resumed run) the attempts' shares in ``run_attempts`` add up to it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Engine, Table, and_, func, select

from auditflow.core.landscape import schema as s
from auditflow.core.landscape.counters import total
from auditflow.core.landscape.database import read_snapshot

_COUNTED = {
    "rows_succeeded": "completed",
    "rows_failed": "failed",
    "rows_routed": "routed",
    "rows_quarantined": "quarantined",
    "rows_consumed_in_batch": "consumed_in_batch",
}


def integrity_problems(engine: Engine, run_id: str) -> list[str]:
    """Every way the trail of finished run ``run_id`` fails to add up (empty: it holds)."""
    with read_snapshot(engine) as connection:
        run = connection.execute(select(s.runs).where(s.runs.c.run_id == run_id)).first()
        if run is None:
            return [f"there is no run {run_id!r}"]
        problems: list[str] = []
        for check in (_rows, _outcomes, _parents, _batches, _checkpoints, _sinks):
            problems += check(connection, run_id)
        problems += _counters(connection, run_id, run._mapping["counters_json"])
    return problems


def _scalar(connection: Connection, query: Any) -> int:
    return int(connection.execute(query).scalar_one() or 0)


def _miscounted(
    c: Connection,
    run_id: str,
    table: Table,
    key: ColumnElement[Any],
    counted_key: Column[Any],
    expected: Any,
    *where: ColumnElement[bool],
) -> int:
    """How many rows of ``table`` (in the run) do not have ``expected`` rows of
    ``counted_key``'s table (in the run, matching ``where``) with the same key."""
    counted = counted_key.table
    per_key = (
        select(counted_key.label("key"), func.count().label("n"))
        .where(counted.c.run_id == run_id, *where)
        .group_by(counted_key)
        .subquery()
    )
    return _scalar(
        c,
        select(func.count())
        .select_from(table.outerjoin(per_key, per_key.c.key == key))
        .where(table.c.run_id == run_id, func.coalesce(per_key.c.n, 0) != expected),
    )


def _rows(c: Connection, run_id: str) -> list[str]:
    r, t = s.rows, s.tokens
    n = _scalar(c, select(func.count()).where(r.c.run_id == run_id))
    top = _scalar(
        c, select(func.coalesce(func.max(r.c.row_index) + 1, 0)).where(r.c.run_id == run_id)
    )
    bad = _miscounted(c, run_id, r, r.c.row_index, t.c.row_index, 1, t.c.row_index.is_not(None))
    problems = []
    if n != top:
        problems.append(f"source rows are not numbered 0..{n - 1}: the highest is {top - 1}")
    if bad:
        problems.append(f"{bad} source row(s) do not have exactly one root token")
    return problems


def _outcomes(c: Connection, run_id: str) -> list[str]:
    t, o = s.tokens, s.token_outcomes
    bad = _miscounted(c, run_id, t, t.c.token_id, o.c.token_id, 1, o.c.is_terminal)
    return [f"{bad} token(s) do not have exactly one terminal outcome"] if bad else []


def _parents(c: Connection, run_id: str) -> list[str]:
    t, tp, o = s.tokens, s.token_parents, s.token_outcomes
    orphans = _scalar(
        c,
        select(func.count()).where(
            t.c.run_id == run_id,
            t.c.row_index.is_(None),
            t.c.token_id.not_in(select(tp.c.token_id).where(tp.c.run_id == run_id)),
        ),
    )
    consumed = select(o.c.token_id).where(o.c.run_id == run_id, o.c.outcome == "consumed_in_batch")
    unconsumed = _scalar(
        c,
        select(func.count(func.distinct(tp.c.parent_token_id))).where(
            tp.c.run_id == run_id, tp.c.parent_token_id.not_in(consumed)
        ),
    )
    problems = []
    if orphans:
        problems.append(f"{orphans} batch output token(s) have no parents")
    if unconsumed:
        problems.append(f"{unconsumed} parent token(s) did not end consumed_in_batch")
    return problems


def _batches(c: Connection, run_id: str) -> list[str]:
    b, bm = s.batches, s.batch_members
    open_ = _scalar(
        c,
        select(func.count()).where(
            b.c.run_id == run_id, b.c.status.not_in(("completed", "failed"))
        ),
    )
    wrong = _miscounted(c, run_id, b, b.c.batch_id, bm.c.batch_id, b.c.size)
    problems = []
    if open_:
        problems.append(f"{open_} batch(es) are not closed")
    if wrong:
        problems.append(f"{wrong} batch(es) have a size that is not their member count")
    return problems


def _checkpoints(c: Connection, run_id: str) -> list[str]:
    k, r = s.checkpoints, s.rows
    count, top = c.execute(
        select(func.count(), func.coalesce(func.max(k.c.sequence), 0)).where(k.c.run_id == run_id)
    ).one()
    problems = []
    if count != top:
        problems.append(f"checkpoint sequences are not 1..{count}: the highest is {top}")
    last = c.execute(
        select(k.c.next_row_index).where(k.c.run_id == run_id, k.c.sequence == top)
    ).scalar_one_or_none()
    rows = _scalar(c, select(func.count()).where(r.c.run_id == run_id))
    if last is not None and last != rows:
        problems.append(f"the last checkpoint continues at row {last}, the trail has {rows} rows")
    return problems


def _sinks(c: Connection, run_id: str) -> list[str]:
    n, ns, a = s.nodes, s.node_states, s.artifacts
    problems = []
    for node_id, name in c.execute(
        select(n.c.node_id, n.c.name).where(n.c.run_id == run_id, n.c.kind == "sink")
    ):
        sent = _scalar(
            c, select(func.count()).where(ns.c.run_id == run_id, ns.c.node_id == node_id)
        )
        last = c.execute(
            select(a.c.rows_written)
            .where(and_(a.c.run_id == run_id, a.c.sink_node_id == node_id))
            .order_by(a.c.artifact_id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if (last or 0) != sent:
            problems.append(
                f"sink {name!r}: the trail sent it {sent} row(s), its last artifact"
                f" counts {last or 0}"
            )
    return problems


def _counters(c: Connection, run_id: str, counters_json: str | None) -> list[str]:
    if counters_json is None:
        return ["the run has no counters (it did not finish)"]
    counters: dict[str, Any] = json.loads(counters_json)
    o, r = s.token_outcomes, s.rows
    query = select(o.c.outcome, func.count()).where(o.c.run_id == run_id).group_by(o.c.outcome)
    found: dict[str, int] = {str(name): int(count) for name, count in c.execute(query)}
    expected = {name: int(found.get(outcome, 0)) for name, outcome in _COUNTED.items()}
    expected["rows_buffered"] = int(found.get("buffered", 0))
    expected["rows_processed"] = _scalar(c, select(func.count()).where(r.c.run_id == run_id))
    problems = [
        f"counter {name} is {counters.get(name)}, the trail says {value}"
        for name, value in expected.items()
        if counters.get(name) != value
    ]
    at = s.run_attempts
    shares = [
        json.loads(text or "{}")
        for text in c.scalars(select(at.c.counters_json).where(at.c.run_id == run_id))
    ]
    if shares:
        summed = total(shares)
        for name in expected:
            if summed.get(name, 0) != counters.get(name):
                problems.append(
                    f"the attempts' {name} add up to {summed.get(name, 0)},"
                    f" the run's counter is {counters.get(name)}"
                )
    return problems
