"""Property tests: whatever a file sink writes, the matching source reads back unchanged,
and the reported size and hash are those of the file."""

import datetime as dt
import hashlib
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditflow.contracts.errors import PluginError
from auditflow.plugins.registry import create_sink, create_source

SCHEMA = {
    "fields": {
        "text": "str",
        "count": "int",
        "ratio": "float",
        "flag": "bool",
        "when": "datetime",
        "day": "date",
        "money": "decimal",
        "maybe": "int?",
    }
}

rows = st.fixed_dictionaries(
    {
        # any text, including separators, quotes, line breaks and NUL
        "text": st.text(min_size=1, max_size=30),
        "count": st.integers(-(10**18), 10**18),
        "ratio": st.floats(allow_nan=False, allow_infinity=False),
        "flag": st.booleans(),
        "when": st.datetimes(timezones=st.none() | st.just(dt.UTC)),
        "day": st.dates(),
        "money": st.decimals(allow_nan=False, allow_infinity=False, places=3),
        "maybe": st.none() | st.integers(-5, 5),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(rows, max_size=12),
    chunk=st.integers(1, 5),
    plugin=st.sampled_from(["csv", "jsonl"]),
)
def test_written_rows_read_back_unchanged(
    data: list[dict[str, Any]], chunk: int, plugin: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        sink = create_sink(
            plugin,
            {"path": f"out.{plugin}", "fields": list(SCHEMA["fields"])}
            if plugin == "csv"
            else {"path": f"out.{plugin}"},
            base,
        )
        for start in range(0, len(data), chunk):
            sink.write(data[start : start + chunk])
        info = sink.flush()
        sink.close()
        content = (base / f"out.{plugin}").read_bytes()
        assert (info.size_bytes, info.content_hash) == (
            len(content),
            hashlib.sha256(content).hexdigest(),
        )
        assert info.rows_written == len(data)
        options = {"path": f"out.{plugin}", "schema": SCHEMA}
        if plugin == "jsonl":
            options["strict"] = True
        items = list(create_source(plugin, options, base).read())
    assert [item.error for item in items] == [None] * len(data)
    assert [item.row for item in items] == data


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")]
)
def test_non_finite_numbers_are_refused_by_both_file_sinks(tmp_path: Path, value: Any) -> None:
    for plugin in ("csv", "jsonl"):
        sink = create_sink(plugin, {"path": f"o.{plugin}"}, tmp_path, where="sinks.o")
        with pytest.raises(PluginError, match=r"^sinks\.o: row 0 cannot be written"):
            sink.write([{"x": value}])


def test_unwritable_objects_are_plugin_errors(tmp_path: Path) -> None:
    sink = create_sink("csv", {"path": "o.csv"}, tmp_path, where="sinks.o")
    with pytest.raises(PluginError, match="row 1 cannot be written: a value of type object"):
        sink.write([{"x": 1}, {"x": object()}])
