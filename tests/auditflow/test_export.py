"""Export of a real run: record order, JSON Lines and CSV layout, signing, the
``landscape.export`` setting, the missing-key refusal and a failed export."""

from __future__ import annotations

import csv
import json
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from auditflow.core.canonical import canonical_json
from auditflow.core.landscape import schema as s
from auditflow.engine.export_records import RECORD_TYPES, column_kinds, record_keys
from auditflow.engine.export_sign import with_signature
from auditflow.engine.export_write import decode_cell, encode_cell
from auditflow.engine.orchestrator import Orchestrator, PipelineConfig
from auditflow.engine.orchestrator.export import (
    ExportFailed,
    SigningKeyError,
    UnknownRun,
    export_recorded_run,
    verify_export,
)
from auditflow.engine.orchestrator.types import RunStatus
from tests.auditflow.engine_support import (
    auditflow,
    landscape,
    read_jsonl,
    run,
    write_pipeline,
)
from tests.auditflow.export_support import (
    KEY,
    pipeline,
    read_lines,
    run_status,
    table_counts,
    write_input,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "auditflow.md"


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A finished run (settings path, run id); the signing key is set meanwhile."""
    folder = tmp_path_factory.mktemp("export")
    write_input(folder)
    path = write_pipeline(folder, pipeline())
    result = run(path)
    assert result.status is RunStatus.COMPLETED
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITFLOW_SIGNING_KEY", KEY)
        yield path, result.run_id


def _export(done: tuple[Path, str], fmt: Any, out: Path, sign: bool = True) -> Path:
    path, run_id = done
    export_recorded_run(PipelineConfig.from_file(path).landscape_url, run_id, fmt, out, sign=sign)
    return out


def test_json_export_holds_every_record_in_the_documented_order(
    done: tuple[Path, str], tmp_path: Path
) -> None:
    records = read_lines(_export(done, "json", tmp_path / "trail.jsonl", sign=False))
    types = [r["_type"] for r in records]
    assert types == sorted(types, key=RECORD_TYPES.index)  # grouped, in the fixed order
    counts = table_counts(*done)
    assert {t: types.count(t) for t in RECORD_TYPES} == counts
    # the run exercises every record type (attempts come only with a resume)
    assert all(counts[t] > 0 for t in RECORD_TYPES if t != "run_attempts")
    for kind in RECORD_TYPES:
        of_kind = [r for r in records if r["_type"] == kind]
        assert [r["_index"] for r in of_kind] == list(range(len(of_kind)))
    tokens = [r["token_id"] for r in records if r["_type"] == "tokens"]
    assert tokens == sorted(tokens)
    assert {r["run_id"] for r in records} == {done[1]}
    assert all("_signature" not in r for r in records)


def test_the_docs_list_the_record_types_in_export_order() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Export and signing", 1)[1]
    listed = re.findall(r"^\d+\. `(\w+)`", section, re.M)
    assert listed == list(RECORD_TYPES)


def test_json_lines_are_canonical_json(done: tuple[Path, str], tmp_path: Path) -> None:
    raw = _export(done, "json", tmp_path / "trail.jsonl").read_bytes().splitlines()
    for line in raw:
        value = json.loads(line)
        assert line == json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def test_csv_export_has_one_file_per_type_with_the_sorted_union_of_keys(
    done: tuple[Path, str], tmp_path: Path
) -> None:
    records = read_lines(_export(done, "json", tmp_path / "trail.jsonl"))
    folder = _export(done, "csv", tmp_path / "trail")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{t}.csv" for t in RECORD_TYPES] + ["manifest.csv"]
    )
    for kind in (*RECORD_TYPES, "manifest"):
        expected = [r for r in records if r["_type"] == kind]
        with (folder / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        if expected or kind == "manifest":
            assert header == sorted(set().union(*(r.keys() for r in expected)))
        else:  # a record type this run has none of (run_attempts): the table's columns
            assert header == record_keys(kind, signed=True) and rows == []
        kinds = column_kinds(kind) if kind != "manifest" else {}
        decoded = [
            {
                k: _decode(c, kinds.get(k), expected[0].get(k))
                for k, c in zip(header, row, strict=True)
            }
            for row in rows
        ]
        if kind != "manifest":  # the manifest's created_at differs between two exports
            assert decoded == expected


def _decode(cell: str, kind: str | None, sample: Any) -> Any:
    if kind is None:
        kind = "int" if isinstance(sample, int) else "str"
    return decode_cell(cell, kind)


def test_an_unsigned_csv_export_has_no_manifest_and_no_signature_column(
    done: tuple[Path, str], tmp_path: Path
) -> None:
    folder = _export(done, "csv", tmp_path / "trail", sign=True)
    _export(done, "csv", folder, sign=False)  # over a signed one: no stale manifest stays
    assert not (folder / "manifest.csv").exists()
    assert (folder / "runs.csv").read_text(encoding="utf-8").startswith("_index,_type,")


@given(value=st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.text(max_size=6)))
def test_csv_cells_round_trip_and_keep_null_apart_from_empty(value: Any) -> None:
    kind = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "str"
    assert decode_cell(encode_cell(value), kind) == value
    assert type(decode_cell(encode_cell(value), kind)) is type(value)


def test_only_the_asked_run_is_exported(done: tuple[Path, str], tmp_path: Path) -> None:
    path, first = done
    second = run(path).run_id
    records = read_lines(_export((path, second), "json", tmp_path / "second.jsonl"))
    assert {r["run_id"] for r in records if "run_id" in r} == {second} != {first}


def test_sign_without_key_or_unknown_run_fails_before_writing(
    done: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = PipelineConfig.from_file(done[0]).landscape_url
    with pytest.raises(UnknownRun, match="no run 'nope'"):
        export_recorded_run(url, "nope", "json", tmp_path / "x.jsonl", sign=False)
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", "")
    with pytest.raises(SigningKeyError, match="AUDITFLOW_SIGNING_KEY"):
        export_recorded_run(url, done[1], "json", tmp_path / "x.jsonl", sign=True)
    assert not (tmp_path / "x.jsonl").exists()


# -- the missing-key refusal, the landscape.export setting, a failed export ------------


def test_signing_configured_without_key_refuses_to_start_before_any_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_input(tmp_path)
    first = run(write_pipeline(tmp_path, pipeline()))
    written = read_jsonl(tmp_path / "out" / "output.jsonl")
    signed = pipeline(landscape={"export": {"path": "trail.jsonl", "sign": True}})
    path = write_pipeline(tmp_path, signed)
    monkeypatch.delenv("AUDITFLOW_SIGNING_KEY", raising=False)
    with pytest.raises(SigningKeyError, match="AUDITFLOW_SIGNING_KEY"):
        Orchestrator(PipelineConfig.from_file(path)).run()
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", "")  # empty counts as missing
    done = auditflow(tmp_path, "run", "pipeline.yaml")
    assert done.returncode == 2
    assert "AUDITFLOW_SIGNING_KEY" in done.stderr and "Traceback" not in done.stderr
    assert auditflow(tmp_path, "validate", "pipeline.yaml").returncode == 2
    # nothing was read or written: still the one earlier run in the trail, sinks untouched
    engine = landscape(path)
    with engine.connect() as connection:
        runs = connection.execute(select(s.runs.c.run_id)).scalars().all()
    engine.dispose()
    assert runs == [first.run_id]
    assert read_jsonl(tmp_path / "out" / "output.jsonl") == written
    assert not (tmp_path / "trail.jsonl").exists()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_landscape_export_runs_when_the_run_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    write_input(tmp_path)
    export = {"format": fmt, "path": "exports/{run_id}", "sign": True}
    path = write_pipeline(tmp_path, pipeline(landscape={"export": export}))
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", KEY)
    result = run(path)
    assert result.status is RunStatus.COMPLETED
    report = verify_export(tmp_path / "exports" / result.run_id, KEY.encode())
    assert report.run_id == result.run_id
    assert report.counts == table_counts(path, result.run_id)


def test_a_failed_export_marks_the_run_partially_exported_and_keeps_the_trail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_input(tmp_path)
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    export = {"path": "blocker/trail.jsonl"}
    path = write_pipeline(tmp_path, pipeline(landscape={"export": export}))
    done = auditflow(tmp_path, "run", "pipeline.yaml")
    assert done.returncode == 1, done.stderr
    run_id = done.stdout.split()[1]
    assert "partially_exported" in done.stdout and "export failed" in done.stderr
    status, error = run_status(path, run_id)
    assert status == "partially_exported" and "blocker" in (error or "")
    counts = table_counts(path, run_id)
    assert counts["rows"] == 24 and counts["tokens"] > 24  # the audit trail is kept
    # the CLI export to the same bad place exits 1; to a good one, the run is completed again
    again = auditflow(tmp_path, "export", run_id, "--settings", "pipeline.yaml", "-o", "blocker/x")
    assert again.returncode == 1, again.stderr
    assert run_status(path, run_id)[0] == "partially_exported"
    fixed = auditflow(tmp_path, "export", run_id, "--settings", "pipeline.yaml", "-o", "t.jsonl")
    assert fixed.returncode == 0, fixed.stderr
    assert run_status(path, run_id) == ("completed", None)
    assert len(read_lines(tmp_path / "t.jsonl")) == sum(counts.values())


def test_export_command_exit_2_cases(done: tuple[Path, str], tmp_path: Path) -> None:
    folder = done[0].parent
    no_trail = auditflow(tmp_path, "export", "latest", "-o", "x.jsonl")
    assert no_trail.returncode == 2 and "--db" in no_trail.stderr
    unknown = auditflow(folder, "export", "nope", "--settings", "pipeline.yaml", "-o", "x")
    assert unknown.returncode == 2 and "no run 'nope'" in unknown.stderr
    out = tmp_path / "latest.jsonl"
    latest = auditflow(folder, "export", "latest", "--settings", "pipeline.yaml", "-o", str(out))
    assert latest.returncode == 0, latest.stderr
    assert read_lines(out)[0]["_type"] == "runs"


json_values = st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1), st.text())


@given(
    index=st.integers(0, 10**9),
    kind=st.text(min_size=1),
    fields=st.dictionaries(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1).filter(
        lambda k: not k.startswith("_")), json_values),
    signature=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)  # fmt: skip
def test_splicing_the_signature_in_gives_the_canonical_json_of_the_signed_record(
    index: int, kind: str, fields: dict[str, Any], signature: str
) -> None:
    record = {"_index": index, "_type": kind, **fields}
    signed = {**record, "_signature": signature}
    assert with_signature(canonical_json(record), signature) == canonical_json(signed)


def test_a_key_gone_by_the_end_of_the_run_leaves_it_partially_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_input(tmp_path)
    export = {"path": "trail.jsonl", "sign": True}
    path = write_pipeline(tmp_path, pipeline(landscape={"export": export}))
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", KEY)

    def drop_key(totals: Any) -> None:
        if totals.rows_processed == 5:
            monkeypatch.delenv("AUDITFLOW_SIGNING_KEY")

    result = run(path, on_row=drop_key)
    assert result.status is RunStatus.PARTIALLY_EXPORTED
    assert "AUDITFLOW_SIGNING_KEY" in (result.error or "")
    assert run_status(path, result.run_id)[0] == "partially_exported"
    assert result.rows_processed == 24 and not (tmp_path / "trail.jsonl").exists()


def test_a_failed_export_of_an_interrupted_run_keeps_its_status(tmp_path: Path) -> None:
    write_input(tmp_path)
    path = write_pipeline(tmp_path, pipeline())

    def stop(totals: Any) -> None:
        if totals.rows_processed == 10:
            signal.raise_signal(signal.SIGTERM)

    result = run(path, on_row=stop)
    assert result.status is RunStatus.INTERRUPTED
    (tmp_path / "blocker").write_text("a file", encoding="utf-8")
    url = PipelineConfig.from_file(path).landscape_url
    with pytest.raises(ExportFailed, match="blocker"):
        export_recorded_run(url, result.run_id, "csv", tmp_path / "blocker" / "x", sign=False)
    assert run_status(path, result.run_id)[0] == "interrupted"  # resume still finds it


def test_a_csv_export_with_cells_over_128_kib_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = {"id": 1, "amount": 5, "country": "X" * 200_000}  # (the csv source would refuse it)
    (tmp_path / "input.jsonl").write_text(json.dumps(big) + "\n", encoding="utf-8")
    source = {**pipeline()["source"], "plugin": "jsonl"}
    source["options"] = {**source["options"], "path": "input.jsonl"}
    path = write_pipeline(tmp_path, pipeline(source=source))
    run_id = run(path).run_id
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", KEY)
    url = PipelineConfig.from_file(path).landscape_url
    export_recorded_run(url, run_id, "csv", tmp_path / "trail", sign=True)
    assert len((tmp_path / "trail" / "rows.csv").read_text(encoding="utf-8")) > 200_000
    assert verify_export(tmp_path / "trail", KEY.encode()).counts["rows"] == 1
    assert csv.field_size_limit() == 131072  # put back: the csv source relies on it
