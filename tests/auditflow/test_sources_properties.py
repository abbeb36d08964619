"""Property tests: no input text can make a source crash mid-read; every item is either
a valid row or carries a reason, and items are numbered 0, 1, 2, ... in order."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditflow.contracts.plugins import SourceItem
from auditflow.plugins.registry import create_source

SCHEMA = {"fields": {"id": "int", "amount": "float", "note": "str?"}}

noise = st.text(alphabet=st.sampled_from('0123456789.,-"\n\r{}[]:ae \\'), max_size=120)


def read_all(plugin: str, content: str, start: int = 0) -> list[SourceItem]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data.{plugin}"
        path.write_text(content, encoding="utf-8", newline="")
        source = create_source(plugin, {"path": path.name, "schema": SCHEMA}, folder)
        try:
            return list(source.read(start))
        finally:
            source.close()


def check(items: list[SourceItem], start: int = 0) -> None:
    assert [item.index for item in items] == list(range(start, start + len(items)))
    for item in items:
        if item.error is None:
            assert item.row is not None and set(item.row) == {"id", "amount", "note"}
            assert isinstance(item.row["id"], int) and isinstance(item.row["amount"], float)
        else:
            assert item.row is None
            assert item.error.startswith("line ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=noise)
def test_csv_never_crashes_on_any_body(body: str) -> None:
    check(read_all("csv", "id,amount,note\n" + body))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=noise)
def test_jsonl_never_crashes_on_any_body(body: str) -> None:
    check(read_all("jsonl", body))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=noise, start=st.integers(0, 6), plugin=st.sampled_from(["csv", "jsonl"]))
def test_reading_from_start_is_the_tail_of_a_full_read(body: str, start: int, plugin: str) -> None:
    content = ("id,amount,note\n" if plugin == "csv" else "") + body
    full = read_all(plugin, content)
    tail = read_all(plugin, content, start)
    assert tail == full[start:]
    check(tail, start)
