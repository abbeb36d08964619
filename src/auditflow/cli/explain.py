"""``auditflow explain RUN_ID ROW``: the path one source row took, from the audit trail."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import Engine, select

from auditflow.cli.common import USER_ERRORS, fail, load_config, stdout
from auditflow.core.landscape import open_landscape
from auditflow.core.landscape import queries as q
from auditflow.core.landscape import schema as s


def _latest(engine: Engine) -> str | None:
    with engine.connect() as connection:
        found = connection.scalars(
            select(s.runs.c.run_id).order_by(s.runs.c.started_at.desc()).limit(1)
        ).first()
    return None if found is None else str(found)


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
@click.option(
    "--db", "db", metavar="URL", envvar="AUDITFLOW_DB", help="SQLAlchemy URL of the audit trail."
)
@click.option(
    "--settings",
    "settings",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Find the audit trail from these settings instead.",
)
def explain(run_id: str, row: int, db: str | None, settings: Path | None) -> None:
    """Show how source ROW (0-based) of RUN_ID went through the pipeline: the nodes it
    visited, gate decisions, its batch, its final outcome and sink. RUN_ID may be `latest`."""
    if db is None:
        if settings is None:
            fail(
                "explain needs the audit trail: give --db URL (or set AUDITFLOW_DB) "
                "or --settings SETTINGS."
            )
        db = load_config(settings, None).landscape_url
    try:
        engine = open_landscape(db, create=False)
    except USER_ERRORS as error:
        fail(str(error))
    try:
        if run_id == "latest":
            run_id = _latest(engine) or run_id
        if q.get_run(engine, run_id) is None:
            fail(f"no run {run_id!r} in the audit trail at {db}.")
        path = q.row_path(engine, run_id, row)
        if path is None:
            fail(f"run {run_id} has no source row {row} (rows are numbered from 0).")
        for line in render(path):
            stdout.print(line, markup=False)
    finally:
        engine.dispose()
