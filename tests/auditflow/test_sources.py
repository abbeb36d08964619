"""Sources csv and jsonl: declared schemas, quarantined rows with reasons, streaming."""

import datetime as dt
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import SourceItem, SourcePlugin
from auditflow.plugins.registry import create_source

SCHEMA = {"fields": {"id": "int", "amount": "float", "note": "str?"}}


def csv_source(tmp_path: Path, text: str, **options: Any) -> SourcePlugin:
    (tmp_path / "data.csv").write_text(text, encoding="utf-8")
    return create_source("csv", {"path": "data.csv", "schema": SCHEMA, **options}, tmp_path)


def jsonl_source(tmp_path: Path, lines: list[str], **options: Any) -> SourcePlugin:
    (tmp_path / "data.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    options.setdefault("schema", SCHEMA)
    return create_source("jsonl", {"path": "data.jsonl", **options}, tmp_path)


def test_csv_valid_invalid_and_malformed_rows(tmp_path: Path) -> None:
    source = csv_source(
        tmp_path,
        'id,amount,note\n1,10.5,hi\n2,abc,\n3,4\n\n4,200,"x,y"\n5,1,a,b\n,2,\n',
    )
    items = list(source.read())
    assert [item.index for item in items] == [0, 1, 2, 3, 4, 5]
    assert items[0] == SourceItem(0, {"id": 1, "amount": 10.5, "note": "hi"}, items[0].raw)
    assert items[0].raw == {"id": "1", "amount": "10.5", "note": "hi"}
    assert items[0].valid
    assert items[1].row is None and not items[1].valid
    assert items[1].raw == {"id": "2", "amount": "abc", "note": ""}
    assert items[1].error == (
        "line 3: amount: Input should be a valid number, unable to parse string as a number"
        " (got 'abc')"
    )
    assert items[2].error == "line 4: 2 values for 3 columns (id, amount, note)"
    assert items[2].raw == ["3", "4"]
    assert items[3].row == {"id": 4, "amount": 200.0, "note": "x,y"}
    assert items[4].error == "line 7: 4 values for 3 columns (id, amount, note)"
    assert items[5].error is not None and items[5].error.startswith("line 8: id: Input should")


def test_optional_fields_may_be_empty_or_absent(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "amount,id\n1.5,7\n")
    assert [item.row for item in source.read()] == [{"id": 7, "amount": 1.5, "note": None}]


def test_read_from_a_start_index(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "id,amount,note\n1,1,\n2,x,\n3,3,\n\n4,4,\n")
    assert [item.index for item in source.read(start=2)] == [2, 3]
    assert list(source.read(start=99)) == []


def test_all_field_types(tmp_path: Path) -> None:
    schema = {
        "fields": {
            "s": "str",
            "i": "int",
            "f": "float",
            "b": "bool",
            "when": "datetime",
            "day": "date",
            "money": "decimal",
            "odd name": "int?",
        }
    }
    text = "s,i,f,b,when,day,money,odd name\nx,1,2.5,true,2024-05-01T10:00:00,2024-05-01,1.10,\n"
    (tmp_path / "t.csv").write_text(text)
    source = create_source("csv", {"path": "t.csv", "schema": schema}, tmp_path)
    (item,) = source.read()
    assert item.row == {
        "s": "x",
        "i": 1,
        "f": 2.5,
        "b": True,
        "when": dt.datetime(2024, 5, 1, 10, 0),
        "day": dt.date(2024, 5, 1),
        "money": Decimal("1.10"),
        "odd name": None,
    }


def test_row_schema_is_the_json_schema_of_the_row_model(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "id,amount,note\n1,2,x\n")
    schema = source.row_schema()
    assert schema["required"] == ["id", "amount"]
    assert schema["properties"]["id"]["type"] == "integer"
    assert schema["properties"]["amount"]["type"] == "number"
    assert schema["additionalProperties"] is False
    jsonschema.validate({"id": 1, "amount": 2.0, "note": None}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": 1}, schema)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty; expected a header line"),
        ("id,note\n1,x\n", "no column for required field(s) 'amount'"),
        ("id,amount,colour\n", "column(s) 'colour' not in the schema"),
        ("id,amount,id\n", "duplicate columns 'id'"),
    ],
)
def test_a_header_that_cannot_fit_the_schema_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(PluginError) as caught:
        csv_source(tmp_path, text)
    assert str(caught.value).startswith("source: ")
    assert message in str(caught.value)
    assert str(tmp_path / "data.csv") in str(caught.value)


def test_extra_columns_can_be_dropped_or_kept(tmp_path: Path) -> None:
    text = "id,amount,colour\n1,2,red\n"
    (tmp_path / "data.csv").write_text(text)
    for policy, expected in [
        ("drop", {"id": 1, "amount": 2.0, "note": None}),
        ("keep", {"id": 1, "amount": 2.0, "note": None, "colour": "red"}),
    ]:
        schema = {**SCHEMA, "extra_fields": policy}
        source = create_source("csv", {"path": "data.csv", "schema": schema}, tmp_path)
        assert [item.row for item in source.read()] == [expected]


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    for plugin in ("csv", "jsonl"):
        options = {"path": "missing.txt", "schema": SCHEMA}
        with pytest.raises(PluginError) as caught:
            create_source(plugin, options, tmp_path)
        message = str(caught.value)
        assert message.startswith("source.options.path: cannot read ")
        assert str(tmp_path / "missing.txt") in message


def test_a_file_removed_before_reading(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "id,amount\n1,2\n")
    (tmp_path / "data.csv").unlink()
    with pytest.raises(PluginError, match="cannot read"):
        list(source.read())


def test_a_header_changed_under_the_source_is_refused(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "id,amount\n1,2\n")
    (tmp_path / "data.csv").write_text("amount,id\n2,1\n")
    with pytest.raises(PluginError, match=r"changed after the source was created \(was: id"):
        list(source.read())


def test_undecodable_bytes_name_the_encoding_option(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(b"id,amount\n1,2\n2,\xff\n")
    # refused when the source is created: the header read decodes the first block
    with pytest.raises(PluginError, match=r"cannot decode .* as utf-8-sig: .*set `encoding`"):
        create_source("csv", {"path": "data.csv", "schema": SCHEMA}, tmp_path)
    with pytest.raises(PluginError, match=r"\(line 3: b'2,\\xff\\n'\) as utf-8-sig"):
        create_source("csv", {"path": "data.csv", "schema": SCHEMA}, tmp_path)  # the exact line
    big = b"id,amount\n" + b"1,2\n" * 5_000 + b"2,\xff\n"
    (tmp_path / "late.jsonl").write_bytes(b'{"id": 1, "amount": 2}\n' * 2_000 + b"\xff\n")
    (tmp_path / "late.csv").write_bytes(big)
    for plugin in ("csv", "jsonl"):
        path = f"late.{plugin}"
        source = create_source(plugin, {"path": path, "schema": SCHEMA}, tmp_path)
        with pytest.raises(PluginError, match=r"\(line \d+: b'.*\\xff.*'\) as utf-8-sig"):
            list(source.read())
    utf16 = "id,amount\n".encode("utf-16") + b"\x00\xdc\n\x00"  # a lone surrogate
    (tmp_path / "utf16.csv").write_bytes(utf16)
    with pytest.raises(PluginError, match=r"at or after line 1\) as utf-16"):
        create_source(
            "csv", {"path": "utf16.csv", "schema": SCHEMA, "encoding": "utf-16"}, tmp_path
        )
    latin = create_source(
        "csv", {"path": "data.csv", "schema": SCHEMA, "encoding": "latin-1"}, tmp_path
    )
    assert len(list(latin.read())) == 2


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "bom.csv").write_bytes("id,amount\n1,2\n".encode("utf-8-sig"))
    (tmp_path / "bom.jsonl").write_bytes('{"id": 1, "amount": 2}\n'.encode("utf-8-sig"))
    for name in ("bom.csv", "bom.jsonl"):
        plugin = name.split(".")[1]
        source = create_source(plugin, {"path": name, "schema": SCHEMA}, tmp_path)
        assert [item.row for item in source.read()] == [{"id": 1, "amount": 2.0, "note": None}]


def test_csv_lines_the_csv_module_cannot_parse_are_quarantined(tmp_path: Path) -> None:
    huge = "x" * 200_000
    source = csv_source(tmp_path, f'id,amount\n1,2\n3,{huge}\n4,5\n"6,7\n8,9\n')
    items = list(source.read())
    assert [(item.index, item.valid) for item in items] == [
        (0, True),
        (1, False),
        (2, True),
        (3, False),
    ]
    assert items[1].error == "line 3: field larger than field limit (131072)"
    assert items[3].error == "line 6: 1 values for 2 columns (id, amount)"
    assert items[3].raw == ["6,7\n8,9\n"]


def test_delimiter_option(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "id;amount\n1;2,5\n", delimiter=";")
    (item,) = source.read()
    assert item.error is not None  # "2,5" is not a float
    assert "amount" in item.error


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "x"}, "source.options.schema: required but missing"),
        ({"path": "x", "schema": {"fields": {}}}, "source.options.schema.fields:"),
        ({"path": "x", "schema": {"fields": {"a": "integer"}}}, "'a' has unknown type"),
        ({"path": "x", "schema": SCHEMA, "sep": ";"}, "source.options.sep: unknown option"),
        ({"schema": SCHEMA}, "source.options.path: required but missing"),
        ({"path": "x", "schema": {**SCHEMA, "extra_fields": "x"}}, "extra_fields:"),
        (
            {"path": "x", "schema": {**SCHEMA, "extra": "drop"}},
            "source.options.schema.extra: unknown option (allowed: fields, extra_fields)",
        ),
        (
            {"path": "x", "schema": SCHEMA, "sep": ";"},
            "(allowed: path, schema, encoding, delimiter)",
        ),
    ],
)
def test_bad_options_name_the_field_path(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PluginError) as caught:
        create_source("csv", options, ".")
    assert message in str(caught.value)


def test_jsonl_valid_invalid_and_malformed_lines(tmp_path: Path) -> None:
    source = jsonl_source(
        tmp_path,
        [
            '{"id": 1, "amount": 2}',
            "[1, 2]",
            "{bad",
            "",
            '{"id": "x", "amount": 3, "colour": "red"}',
            '{"id": 2, "amount": NaN}',
            '{"amount": 1}',
            '{"id": "3", "amount": "4.5", "note": null}',
        ],
    )
    items = list(source.read())
    assert [item.index for item in items] == [0, 1, 2, 3, 4, 5, 6]
    assert items[0].row == {"id": 1, "amount": 2.0, "note": None}
    assert items[0].raw == {"id": 1, "amount": 2}
    assert (items[1].raw, items[1].error) == ([1, 2], "line 2: expected a JSON object, got list")
    assert items[2].raw == "{bad"
    assert items[2].error is not None and items[2].error.startswith("line 3: not valid JSON:")
    assert items[3].error == (
        "line 5: id: Input should be a valid integer, unable to parse string as an integer"
        " (got 'x'); colour: unknown field (extra_fields: reject)"
    )
    assert items[4].error == "line 6: not valid JSON: NaN is not JSON"
    assert items[5].error == "line 7: id: required field is missing"
    assert items[6].row == {"id": 3, "amount": 4.5, "note": None}
    assert [item.index for item in source.read(start=5)] == [5, 6]


def test_jsonl_strict_mode_refuses_coercion(tmp_path: Path) -> None:
    schema = {"fields": {"id": "int", "when": "datetime", "money": "decimal"}}
    lines = [
        '{"id": 1, "when": "2024-05-01T10:00:00Z", "money": "1.10"}',
        '{"id": "1", "when": "2024-05-01T10:00:00Z", "money": "1.10"}',
    ]
    source = jsonl_source(tmp_path, lines, schema=schema, strict=True)
    good, bad = source.read()
    assert good.row == {
        "id": 1,
        "when": dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC),
        "money": Decimal("1.10"),
    }
    assert bad.error is not None and bad.error.startswith("line 2: id: Input should be")


def test_sources_stream_instead_of_loading_the_file(tmp_path: Path) -> None:
    rows = 20_000
    with (tmp_path / "big.jsonl").open("w") as handle:
        for number in range(rows):
            handle.write(json.dumps({"id": number, "amount": 1.5, "note": "x" * 200}) + "\n")
    with (tmp_path / "big.csv").open("w") as handle:
        handle.write("id,amount,note\n")
        for number in range(rows):
            handle.write(f"{number},1.5,{'x' * 200}\n")
    assert (tmp_path / "big.csv").stat().st_size > 4_000_000
    for plugin, name in [("csv", "big.csv"), ("jsonl", "big.jsonl")]:
        source = create_source(plugin, {"path": name, "schema": SCHEMA}, tmp_path)
        tracemalloc.start()
        try:
            items = source.read()
            first = next(items)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert first.index == 0
        assert peak < 1_000_000, f"{plugin}: {peak} bytes allocated for the first row"
        assert sum(1 for _ in items) == rows - 1
        source.close()


def test_close_releases_an_unfinished_read(tmp_path: Path) -> None:
    source = csv_source(tmp_path, "id,amount\n1,2\n3,4\n")
    items = source.read()
    next(items)
    source.close()
    source.close()
    assert [item.index for item in source.read()] == [0, 1]


def test_sources_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(csv_source(tmp_path, "id,amount\n"), SourcePlugin)
    assert isinstance(jsonl_source(tmp_path, []), SourcePlugin)


def test_row_schema_type_shapes_are_stable(tmp_path: Path) -> None:
    # A resumed run rebuilds the row model from this stored schema: pin its shapes.
    fields = {
        "s": "str",
        "i": "int",
        "f": "float",
        "b": "bool",
        "t": "datetime",
        "d": "date",
        "m": "decimal",
        "o": "int?",
    }
    (tmp_path / "t.csv").write_text(",".join(fields) + "\n")
    source = create_source("csv", {"path": "t.csv", "schema": {"fields": fields}}, tmp_path)
    schema = source.row_schema()
    shapes = {
        name: {k: v for k, v in spec.items() if k != "title"}
        for name, spec in schema["properties"].items()
    }
    assert shapes == {
        "s": {"type": "string"},
        "i": {"type": "integer"},
        "f": {"type": "number"},
        "b": {"type": "boolean"},
        "t": {"type": "string", "format": "date-time"},
        "d": {"type": "string", "format": "date"},
        "m": {"anyOf": [{"type": "number"}, {"type": "string"}]},
        "o": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None},
    }
    assert schema["required"] == ["s", "i", "f", "b", "t", "d", "m"]
    assert list(schema["properties"]) == list(fields)
