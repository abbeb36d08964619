"""``auditflow verify``: an intact signed export passes; every kind of tampering (changed,
removed, added, reordered record, wrong key, any flipped byte) is caught and named."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditflow.core.canonical import canonical_json
from auditflow.engine.export_sign import record_signature
from auditflow.engine.orchestrator import PipelineConfig
from auditflow.engine.orchestrator.export import (
    RECORD_TYPES,
    ExportTampered,
    ExportUnreadable,
    export_recorded_run,
    verify_export,
)
from tests.auditflow.engine_support import auditflow, run, write_pipeline
from tests.auditflow.export_support import KEY, pipeline, write_input

BYTES_KEY = KEY.encode()
SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with ``trail.jsonl`` and ``trail/`` (csv) of one signed run, and its
    unsigned JSON export ``plain.jsonl``."""
    folder = tmp_path_factory.mktemp("verify")
    write_input(folder, rows=12)
    path = write_pipeline(folder, pipeline())
    run_id = run(path).run_id
    url = PipelineConfig.from_file(path).landscape_url
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITFLOW_SIGNING_KEY", KEY)
        export_recorded_run(url, run_id, "json", folder / "trail.jsonl", sign=True)
        export_recorded_run(url, run_id, "csv", folder / "trail", sign=True)
        export_recorded_run(url, run_id, "json", folder / "plain.jsonl", sign=False)
        yield folder


def lines(exports: Path) -> list[bytes]:
    return (exports / "trail.jsonl").read_bytes().splitlines(keepends=True)


def tampered(tmp_path: Path, new_lines: list[bytes]) -> Path:
    out = tmp_path / "t.jsonl"
    out.write_bytes(b"".join(new_lines))
    return out


def at(all_lines: list[bytes], kind: str, index: int) -> int:
    return next(
        i
        for i, line in enumerate(all_lines)
        if (r := json.loads(line))["_type"] == kind and r["_index"] == index
    )


def edit(line: bytes, **changes: Any) -> bytes:
    return canonical_json({**json.loads(line), **changes}) + b"\n"


def bad(path: Path, key: bytes = BYTES_KEY) -> ExportTampered:
    with pytest.raises(ExportTampered) as caught:
        verify_export(path, key)
    return caught.value


def test_intact_exports_verify(exports: Path) -> None:
    json_report = verify_export(exports / "trail.jsonl", BYTES_KEY)
    csv_report = verify_export(exports / "trail", BYTES_KEY)
    assert json_report.final_hash == csv_report.final_hash
    assert (
        json_report.counts == csv_report.counts and json_report.records == len(lines(exports)) - 1
    )


def test_a_changed_record_is_named(exports: Path, tmp_path: Path) -> None:
    all_lines = lines(exports)
    i = at(all_lines, "token_outcomes", 3)
    all_lines[i] = edit(all_lines[i], outcome="completed", sink_name="output")
    error = bad(tampered(tmp_path, all_lines))
    assert error.record == "token_outcomes[3]" and "signature does not match" in str(error)


def test_a_changed_and_resigned_record_with_another_key_is_caught(
    exports: Path, tmp_path: Path
) -> None:
    all_lines = lines(exports)
    i = at(all_lines, "rows", 2)
    record = json.loads(all_lines[i])
    record["data_json"] = record["data_json"].replace("20", "2000")
    record["_signature"] = record_signature(b"attacker", record)
    all_lines[i] = canonical_json(record) + b"\n"
    assert bad(tampered(tmp_path, all_lines)).record == "rows[2]"


@pytest.mark.parametrize(
    ("kind", "index", "named"),
    [("tokens", 4, "tokens[5]"), ("runs", 0, None), ("checkpoints", -1, None)],
)
def test_a_removed_record_is_named(
    exports: Path, tmp_path: Path, kind: str, index: int, named: str | None
) -> None:
    all_lines = lines(exports)
    of_kind = [i for i, line in enumerate(all_lines) if json.loads(line)["_type"] == kind]
    del all_lines[of_kind[index]]
    error = bad(tampered(tmp_path, all_lines))
    if named is None:  # the last one of its type: the manifest's count names it
        named = f"{kind}[{len(of_kind) - 1}]"  # (a removed `runs` record too)
        assert "removed" in str(error)
    assert error.record == named


def test_an_added_record_is_named(exports: Path, tmp_path: Path) -> None:
    all_lines = lines(exports)
    i = at(all_lines, "node_states", 6)
    copy = [*all_lines[: i + 1], all_lines[i], *all_lines[i + 1 :]]
    assert bad(tampered(tmp_path, copy)).record == "node_states[6]"
    forged = edit(all_lines[i], _index=10_000, _signature="0" * 64)
    last = max(j for j, line in enumerate(all_lines) if json.loads(line)["_type"] == "node_states")
    with_forged = [*all_lines[: last + 1], forged, *all_lines[last + 1 :]]
    assert bad(tampered(tmp_path, with_forged)).record == "node_states[10000]"
    all_lines[i] = edit(all_lines[i], _signature="é" * 64)  # not even hex
    assert bad(tampered(tmp_path, all_lines)).record == "node_states[6]"


def test_reordered_records_are_named(exports: Path, tmp_path: Path) -> None:
    all_lines = lines(exports)
    i = at(all_lines, "routing_events", 1)
    swapped = list(all_lines)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    error = bad(tampered(tmp_path, swapped))
    assert error.record == "routing_events[2]" and "expected routing_events[1]" in str(error)
    moved = list(all_lines)
    last_edge = max(j for j, line in enumerate(all_lines) if json.loads(line)["_type"] == "edges")
    moved.insert(at(all_lines, "batches", 0), moved.pop(last_edge))
    assert "out of order" in str(bad(tampered(tmp_path, moved)))


def test_a_wrong_key_and_a_missing_or_changed_manifest_fail(exports: Path, tmp_path: Path) -> None:
    assert bad(exports / "trail.jsonl", b"another key").record == "runs[0]"
    assert bad(exports / "trail", b"another key").record == "runs[0]"
    all_lines = lines(exports)
    assert bad(tampered(tmp_path, all_lines[:-1])).record == "manifest"
    all_lines[-1] = edit(all_lines[-1], record_count=1)
    assert bad(tampered(tmp_path, all_lines)).record == "manifest[0]"
    assert "not signed" in str(bad(exports / "plain.jsonl"))


def _csv_copy(exports: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(exports / "trail", tmp_path / "trail"))


def test_csv_tampering_is_named(exports: Path, tmp_path: Path) -> None:
    folder = _csv_copy(exports, tmp_path)
    tokens = folder / "tokens.csv"
    original = tokens.read_bytes()
    rows = original.split(b"\r\n")
    rows[3] = rows[3].replace(b",tokens,1,", b",tokens,2,")  # created_at_node_id 1 -> 2
    tokens.write_bytes(b"\r\n".join(rows))
    assert bad(folder).record == "tokens[2]"
    tokens.write_bytes(b"\r\n".join(original.split(b"\r\n")[:3] + original.split(b"\r\n")[4:]))
    assert bad(folder).record == "tokens[3]"  # row of tokens[2] removed
    doubled = original.split(b"\r\n")
    tokens.write_bytes(b"\r\n".join([*doubled[:3], doubled[2], *doubled[3:]]))
    assert bad(folder).record == "tokens[1]"  # the row of tokens[1] added twice
    swapped = original.split(b"\r\n")
    swapped[1], swapped[2] = swapped[2], swapped[1]
    tokens.write_bytes(b"\r\n".join(swapped))
    assert bad(folder).record == "tokens[1]"
    tokens.unlink()
    assert bad(folder).record == "tokens[0]"
    tokens.write_bytes(original)
    (folder / "extra.csv").write_text("x\r\n", encoding="utf-8")
    assert "not a record type" in str(bad(folder))


def test_verify_command_exit_codes(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", KEY)
    ok = auditflow(exports, "verify", "trail.jsonl")
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    assert auditflow(exports, "verify", "trail").returncode == 0
    all_lines = lines(exports)
    all_lines[5] = edit(all_lines[5], name="renamed")
    broken = auditflow(tmp_path, "verify", str(tampered(tmp_path, all_lines)))
    assert broken.returncode == 1
    assert "nodes[" in broken.stderr and "Traceback" not in broken.stderr
    missing = auditflow(tmp_path, "verify", "nowhere.jsonl")
    assert missing.returncode == 2 and "nowhere.jsonl" in missing.stderr
    monkeypatch.setenv("AUDITFLOW_SIGNING_KEY", "")
    no_key = auditflow(exports, "verify", "trail.jsonl")
    assert no_key.returncode == 2 and "AUDITFLOW_SIGNING_KEY" in no_key.stderr
    no_key_no_file = auditflow(tmp_path, "verify", "nowhere.jsonl")  # the path first
    assert no_key_no_file.returncode == 2
    assert "nowhere.jsonl: no such export file or folder" in no_key_no_file.stderr
    with pytest.raises(ExportUnreadable):
        verify_export(tmp_path, BYTES_KEY)  # a folder with no export in it


# -- flip any byte of any record: never verifies ---------------------------------------


@settings(max_examples=250, deadline=None, suppress_health_check=SLOW_OK)
@given(data=st.data())
def test_flipping_any_byte_of_a_json_export_fails(exports: Path, data: st.DataObject) -> None:
    content = bytearray((exports / "trail.jsonl").read_bytes())
    position = data.draw(st.integers(0, len(content) - 1), label="position")
    content[position] = data.draw(st.integers(0, 255).filter(lambda b: b != content[position]))
    with _scratch(exports) as scratch:
        target = scratch / "t.jsonl"
        target.write_bytes(bytes(content))
        with pytest.raises(ExportTampered):
            verify_export(target, BYTES_KEY)


@settings(max_examples=250, deadline=None, suppress_health_check=SLOW_OK)
@given(data=st.data())
def test_flipping_any_byte_of_a_csv_export_fails(exports: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from([*RECORD_TYPES, "manifest"]), label="file")
    with _scratch(exports) as scratch:
        folder = Path(shutil.copytree(exports / "trail", scratch / "trail"))
        content = bytearray((folder / f"{name}.csv").read_bytes())
        position = data.draw(st.integers(0, len(content) - 1), label="position")
        content[position] = data.draw(st.integers(0, 255).filter(lambda b: b != content[position]))
        (folder / f"{name}.csv").write_bytes(bytes(content))
        with pytest.raises(ExportTampered):
            verify_export(folder, BYTES_KEY)


class _scratch:
    """A fresh empty folder inside ``exports`` for one hypothesis example."""

    def __init__(self, exports: Path) -> None:
        self.path = exports / "scratch"

    def __enter__(self) -> Path:
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
