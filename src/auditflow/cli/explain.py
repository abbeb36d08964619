"""``auditflow explain RUN_ID ROW``: the path one source row took, from the audit trail."""

from __future__ import annotations

from pathlib import Path

import click

from auditflow.cli.common import (
    TRAIL_DB,
    TRAIL_SETTINGS,
    USER_ERRORS,
    fail,
    landscape_url,
    latest_run,
    stdout,
)
from auditflow.core.landscape import open_landscape
from auditflow.core.landscape import queries as q


def render(path: q.RowPath) -> list[str]:
    """The row's story, one line per fact."""
    state = "valid" if path.valid else f"invalid: {path.error}"
    lines = [
        f"run {path.run_id}, source row {path.row_index} ({state})",
        f"  data {path.data_json}",
    ]
    for token in path.tokens:
        made = f" (made by a batch from tokens {_ids(token.parents)})" if token.parents else ""
        lines.append(f"token {token.token_id}{made}")
        decisions = list(token.decisions)
        for step in token.steps:
            line = f"  {step.step}. {step.kind} {step.node}: {step.status}"
            if step.error:
                line += f" ({step.error})"
            if decisions and decisions[0].node == step.node and step.kind in ("gate", "transform"):
                d = decisions.pop(0)
                line += f" -> {d.label!r} -> {d.destination}"
                if d.reason:
                    line += f"  [{d.reason}]"
            lines.append(line)
        for batch in token.batches:
            lines.append(
                f"  batch {batch.batch_id} of aggregation {batch.aggregation}: {batch.status}, "
                f"trigger {batch.trigger or '-'}, {batch.size} rows"
            )
        final = token.final
        if final is None:
            lines.append("  outcome: none yet (buffered; the run did not finish)")
        else:
            where = f" in sink {final.sink}" if final.sink else ""
            in_batch = f" (batch {final.batch_id})" if final.batch_id is not None else ""
            reason = f": {final.reason}" if final.reason else ""
            lines.append(f"  outcome: {final.outcome}{where}{in_batch}{reason}")
    return lines


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:8])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > 8 else "")


@click.command()
@click.argument("run_id")
@click.argument("row", type=click.IntRange(min=0))
@TRAIL_DB
@TRAIL_SETTINGS
def explain(run_id: str, row: int, db: str | None, settings: Path | None) -> None:
    """Show how source ROW (0-based) of RUN_ID went through the pipeline: the nodes it
    visited, gate decisions, its batch, its final outcome and sink. RUN_ID may be `latest`."""
    db = landscape_url(db, settings, "explain")
    try:
        engine = open_landscape(db, create=False)
    except USER_ERRORS as error:
        fail(str(error))
    try:
        if run_id == "latest":
            run_id = latest_run(engine) or run_id
        if q.get_run(engine, run_id) is None:
            fail(f"no run {run_id!r} in the audit trail at {db}.")
        path = q.row_path(engine, run_id, row)
        if path is None:
            fail(f"run {run_id} has no source row {row} (rows are numbered from 0).")
        for line in render(path):
            stdout.print(line, markup=False)
    finally:
        engine.dispose()
