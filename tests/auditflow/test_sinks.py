"""Sinks csv, jsonl and database: chunked writes, flush info, differing keys."""

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import ArtifactInfo, SinkPlugin
from auditflow.plugins.registry import create_sink, create_source

ROWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "when": dt.datetime(2024, 5, 1, 10, 0),
        "day": dt.date(2024, 5, 1),
        "money": Decimal("1.10"),
        "ok": True,
        "note": None,
        "tags": ["a", "b"],
    },
    {
        "id": 2,
        "when": dt.datetime(2024, 5, 2),
        "day": dt.date(2024, 5, 2),
        "money": Decimal("2"),
        "ok": False,
        "note": "O'Brien; DROP TABLE x; --",
        "tags": [],
    },
]


def sink(plugin: str, tmp_path: Path, **options: Any) -> SinkPlugin:
    return create_sink(plugin, options, tmp_path, where="sinks.out")


def file_facts(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


# -- csv ---------------------------------------------------------------------------------------


def test_csv_header_from_first_row_and_cell_formats(tmp_path: Path) -> None:
    out = sink("csv", tmp_path, path="out/o.csv")
    out.write(ROWS[:1])
    out.write(ROWS[1:])
    info = out.flush()
    path = tmp_path / "out/o.csv"
    assert info == ArtifactInfo(str(path), *file_facts(path), rows_written=2)
    assert path.read_text().splitlines() == [
        "id,when,day,money,ok,note,tags",
        '1,2024-05-01T10:00:00,2024-05-01,1.10,true,,"[""a"",""b""]"',
        "2,2024-05-02T00:00:00,2024-05-02,2,false,O'Brien; DROP TABLE x; --,[]",
    ]
    out.close()
    out.close()


def test_csv_missing_keys_are_empty_and_extra_keys_are_refused(tmp_path: Path) -> None:
    out = sink("csv", tmp_path, path="o.csv")
    out.write([{"a": 1, "b": 2}, {"a": 3}])
    with pytest.raises(PluginError) as caught:
        out.write([{"a": 4}, {"a": 5, "c": 6, "d": 7}])
    assert str(caught.value) == (
        f"sinks.out: row 3 has field(s) 'c', 'd' that are not columns of {tmp_path / 'o.csv'}"
        " (columns: a, b); list them in `fields`, or set `extras: ignore` to leave them out"
    )
    out.close()
    assert (tmp_path / "o.csv").read_text() == "a,b\n1,2\n3,\n"


def test_csv_fields_and_extras_ignore(tmp_path: Path) -> None:
    out = sink("csv", tmp_path, path="o.csv", fields=["b", "a"], extras="ignore", delimiter=";")
    out.write([{"a": 1, "c": 9}, {"b": 2}])
    out.close()
    assert (tmp_path / "o.csv").read_text() == "b;a\n;1\n2;\n"


def test_csv_without_rows_still_writes_its_header(tmp_path: Path) -> None:
    info = sink("csv", tmp_path, path="o.csv", fields=["x", "y"]).flush()
    assert (tmp_path / "o.csv").read_bytes() == b"x,y\r\n"  # RFC 4180 line ends
    assert info.rows_written == 0 and info.size_bytes == 5


def test_csv_round_trip_through_the_csv_source(tmp_path: Path) -> None:
    out = sink("csv", tmp_path, path="o.csv")
    rows = [{"id": i, "amount": i / 4, "note": None if i % 2 else f'n,{i}\n"q"'} for i in range(50)]
    for start in range(0, 50, 7):
        out.write(rows[start : start + 7])
    out.close()
    schema = {"fields": {"id": "int", "amount": "float", "note": "str?"}}
    source = create_source("csv", {"path": "o.csv", "schema": schema}, tmp_path)
    assert [item.row for item in source.read()] == rows


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "o.csv", "fields": ["a", "a"]}, "`fields` names a column twice"),
        ({"path": "o.csv", "extras": "keep"}, "sinks.out.options.extras: Input should be"),
        ({"path": "o.csv", "encoding": "klingon"}, "sinks.out.options.encoding: unknown encoding"),
        ({"path": ""}, "sinks.out.options.path: must not be empty (got '')"),
    ],
)
def test_csv_option_errors(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(PluginError) as caught:
        sink("csv", tmp_path, **options)
    assert message in str(caught.value)


def test_unwritable_path_names_the_option(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder")
    out = sink("jsonl", tmp_path, path="blocker/o.jsonl")
    with pytest.raises(PluginError, match=r"sinks\.out\.options\.path: cannot write"):
        out.write([{"a": 1}])


# -- jsonl -------------------------------------------------------------------------------------


def test_jsonl_rows_with_different_keys(tmp_path: Path) -> None:
    out = sink("jsonl", tmp_path, path="o.jsonl")
    out.write(ROWS)
    first = out.flush()
    out.write([{"other": "é"}])
    second = out.flush()
    out.close()
    path = tmp_path / "o.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {
        "id": 1,
        "when": "2024-05-01T10:00:00",
        "day": "2024-05-01",
        "money": "1.10",
        "ok": True,
        "note": None,
        "tags": ["a", "b"],
    }
    assert lines[2] == '{"other":"é"}'
    assert first.rows_written == 2 and second.rows_written == 3
    assert first.size_bytes < second.size_bytes
    assert (second.size_bytes, second.content_hash) == file_facts(path)


def test_jsonl_refuses_values_json_lacks(tmp_path: Path) -> None:
    out = sink("jsonl", tmp_path, path="o.jsonl")
    with pytest.raises(PluginError, match="row 0 cannot be written as JSON: Out of range float"):
        out.write([{"x": float("nan")}])
    with pytest.raises(PluginError, match="type object cannot be written"):
        out.write([{"x": object()}])


def test_a_closed_sink_refuses_writes(tmp_path: Path) -> None:
    out = sink("jsonl", tmp_path, path="o.jsonl")
    out.close()
    with pytest.raises(PluginError, match="already closed"):
        out.write([{"a": 1}])


# -- database ----------------------------------------------------------------------------------


def read_table(url: str, table: str) -> list[dict[str, Any]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            result = connection.execute(sa.text(f'SELECT * FROM "{table}"'))
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


def test_database_creates_the_table_and_inserts(tmp_path: Path) -> None:
    out = sink("database", tmp_path, url="sqlite:///db/out.db", table="orders")
    (tmp_path / "db").mkdir()
    out.write(ROWS[:1])
    out.write(ROWS[1:])
    info = out.flush()
    url = f"sqlite:///{tmp_path / 'db/out.db'}"
    assert info == ArtifactInfo(f"{url}#orders", 0, None, 2)
    rows = read_table(url, "orders")
    assert [row["id"] for row in rows] == [1, 2]
    assert rows[1]["note"] == "O'Brien; DROP TABLE x; --"  # a value, never SQL
    assert rows[0]["tags"] == '["a","b"]'
    engine = sa.create_engine(url)
    columns = {c["name"]: str(c["type"]) for c in sa.inspect(engine).get_columns("orders")}
    engine.dispose()
    assert columns == {
        "id": "BIGINT",
        "when": "DATETIME",
        "day": "DATE",
        "money": "NUMERIC",
        "ok": "BOOLEAN",
        "note": "TEXT",
        "tags": "TEXT",
    }
    out.close()


def test_database_rows_are_visible_only_after_flush(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    out = sink("database", tmp_path, url=url, table="t")
    out.write([{"a": 1}])
    out.flush()
    out.write([{"a": 2}])
    assert [row["a"] for row in read_table(url, "t")] == [1]
    out.flush()
    assert [row["a"] for row in read_table(url, "t")] == [1, 2]
    out.close()


def test_database_uses_an_existing_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (a INTEGER, b TEXT, c TEXT)"))
    engine.dispose()
    out = sink("database", tmp_path, url=url, table="t")
    out.write([{"a": 1, "b": "x"}, {"c": "z"}])
    with pytest.raises(PluginError) as caught:
        out.write([{"a": 2, "zz": 1}])
    assert str(caught.value) == (
        "sinks.out: row 2 has field(s) 'zz' that are not columns of table 't'"
        " (columns: a, b, c); set `extras: ignore` to leave them out"
    )
    out.close()
    assert read_table(url, "t") == [
        {"a": 1, "b": "x", "c": None},
        {"a": None, "b": None, "c": "z"},
    ]
    ignoring = sink("database", tmp_path, url=url, table="t", extras="ignore")
    ignoring.write([{"a": 3, "zz": 1}])
    ignoring.close()
    assert read_table(url, "t")[-1] == {"a": 3, "b": None, "c": None}


def test_database_fields_option_fixes_the_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    out = sink("database", tmp_path, url=url, table="t", fields=["b", "a"], extras="ignore")
    out.write([{"a": 1, "q": 2}])
    out.close()
    assert read_table(url, "t") == [{"b": None, "a": 1}]


@pytest.mark.parametrize("table", ["orders; DROP TABLE x", "1abc", "a-b", "", "x" * 64, "ta ble"])
def test_database_table_names_are_validated(tmp_path: Path, table: str) -> None:
    with pytest.raises(PluginError, match=r"sinks\.out\.options\.table:"):
        sink("database", tmp_path, url="sqlite:///o.db", table=table)


def test_database_bad_url_and_unreachable_database(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match=r"sinks\.out\.options\.url: not an SQLAlchemy URL"):
        sink("database", tmp_path, url="nonsense", table="t")
    out = sink("database", tmp_path, url="sqlite:///missing/dir/o.db", table="t")
    with pytest.raises(PluginError, match="cannot connect for table 't' at sqlite:///"):
        out.write([{"a": 1}])
    secret = sink("database", tmp_path, url="nodb+x://u:hunter2@h/d", table="t")
    with pytest.raises(PluginError) as caught:
        secret.write([{"a": 1}])
    assert "hunter2" not in str(caught.value)
