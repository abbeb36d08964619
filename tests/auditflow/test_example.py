"""The example in ``examples/`` runs, and its audit trail explains every row."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from auditflow.core.landscape import queries as q
from tests.auditflow.engine_support import (
    assert_trail_matches,
    auditflow,
    landscape,
    run,
    source_row_outcomes,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for name in ("orders.yaml", "orders.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path / "orders.yaml"


def test_the_csv_is_what_the_script_beside_it_generates(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_orders", EXAMPLES / "generate_orders.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path / "orders.csv")
    assert (tmp_path / "orders.csv").read_bytes() == (EXAMPLES / "orders.csv").read_bytes()


def test_the_example_completes_and_every_row_has_one_terminal_outcome(example: Path) -> None:
    result = run(example)
    assert result.status == "completed"
    assert result.rows_processed == 300
    assert result.rows_quarantined > 0 and result.rows_routed > 0
    assert result.rows_consumed_in_batch > 0 and result.rows_succeeded > 0
    ended = result.rows_quarantined + result.rows_routed + result.rows_consumed_in_batch
    assert ended + result.rows_failed == 300  # each source row ended exactly once
    assert_trail_matches(example, result)
    engine = landscape(example)
    source_tokens = source_row_outcomes(engine, result.run_id)
    engine.dispose()
    assert sorted(index for index, _ in source_tokens) == list(range(300))


def test_explain_a_quarantined_a_routed_and_an_aggregated_row(example: Path) -> None:
    folder = example.parent
    done = auditflow(folder, "run", "orders.yaml")
    assert done.returncode == 1, done.stderr  # completed, with quarantined rows
    run_id = done.stdout.split()[1]
    engine = landscape(example)
    routed_row = next(
        index
        for index in range(300)
        if (path := q.row_path(engine, run_id, index)) is not None
        and path.tokens[0].final is not None
        and path.tokens[0].final.outcome == "routed"
    )
    engine.dispose()

    def explain(row: int) -> list[str]:
        shown = auditflow(folder, "explain", run_id, str(row), "--settings", "orders.yaml")
        assert shown.returncode == 0, shown.stderr
        return shown.stdout.splitlines()

    quarantined = explain(36)  # order 37 has no amount
    assert "(invalid: line 38: amount:" in quarantined[0]
    assert quarantined[-1].startswith("  outcome: quarantined in sink quarantine: line 38")

    routed = explain(routed_row)
    assert any(line.startswith("  3. gate big_orders: completed -> 'true' -> high_value")
               for line in routed)  # fmt: skip
    assert routed[-1] == "  outcome: routed in sink high_value"

    aggregated = explain(0)
    assert "  4. aggregation country_stats: buffered" in aggregated
    assert any(
        line.startswith("  batch 1 of aggregation country_stats: completed, trigger count")
        for line in aggregated
    )
    assert "  outcome: consumed_in_batch (batch 1)" in aggregated
    assert aggregated[-1] == "  outcome: completed in sink summaries"
    assert any(line.startswith("token ") and "made by a batch" in line for line in aggregated)


def _console_blocks(text: str) -> dict[str, list[str]]:
    """``$ command`` -> the output lines shown under it in the docs' console blocks."""
    blocks: dict[str, list[str]] = {}
    for block in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
        command = None
        for line in block.splitlines():
            if line.startswith("$ "):
                command = line[2:]
                blocks[command] = []
            elif command is not None:
                blocks[command].append(line)
    return blocks


def test_the_docs_show_what_the_example_really_prints(example: Path) -> None:
    folder = example.parent
    shown = _console_blocks((EXAMPLES.parent / "docs" / "auditflow.md").read_text("utf-8"))
    done = auditflow(folder, "run", "orders.yaml")
    run_id = done.stdout.split()[1]
    documented_id = shown["auditflow run examples/orders.yaml"][0].split()[1]
    assert done.stdout.splitlines() == [
        line.replace(documented_id, run_id) for line in shown["auditflow run examples/orders.yaml"]
    ]
    for row in (36, 3, 0):
        command = f"auditflow explain latest {row} --settings examples/orders.yaml"
        expected = [line.replace(documented_id, run_id) for line in shown[command]]
        if expected[-1] == "...":  # the docs cut a long output short
            expected = expected[:-1]
        real = auditflow(folder, "explain", run_id, str(row), "--settings", "orders.yaml")
        assert real.stdout.splitlines()[: len(expected)] == expected
