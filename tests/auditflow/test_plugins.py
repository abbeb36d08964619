"""The plugin registry, the row transforms and the batch transform."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditflow.contracts.errors import PluginError, TransformError
from auditflow.contracts.plugins import BatchTransform, RowTransform, SinkPlugin
from auditflow.plugins.registry import (
    available_plugins,
    create_batch_transform,
    create_sink,
    create_source,
    create_transform,
)


def test_available_plugins() -> None:
    assert available_plugins() == {
        "source": ["csv", "jsonl"],
        "transform": ["field_mapper", "passthrough"],
        "batch transform": ["batch_stats"],
        "sink": ["csv", "database", "jsonl"],
    }


@pytest.mark.parametrize(
    ("create", "where", "message"),
    [
        (
            create_source,
            "source",
            "source.plugin: unknown source plugin 'xml' (available: csv, jsonl)",
        ),
        (
            create_transform,
            "transforms[2]",
            "transforms[2].plugin: unknown transform plugin 'xml'"
            " (available: field_mapper, passthrough)",
        ),
        (
            create_batch_transform,
            "aggregations[0]",
            "aggregations[0].plugin: unknown batch transform plugin 'xml' (available: batch_stats)",
        ),
        (
            create_sink,
            "sinks.out",
            "sinks.out.plugin: unknown sink plugin 'xml' (available: csv, database, jsonl)",
        ),
    ],
)
def test_unknown_plugin_names(create: Any, where: str, message: str) -> None:
    with pytest.raises(PluginError) as caught:
        create("xml", {}, ".", where=where)
    assert str(caught.value) == message


def test_every_bad_option_is_listed() -> None:
    with pytest.raises(PluginError) as caught:
        create_sink("database", {"table": "1bad", "colour": "red"}, ".", where="sinks.db")
    lines = str(caught.value).splitlines()
    assert lines[0] == "sinks.db.options.url: required but missing"
    assert lines[1] == (
        "sinks.db.options.table: must be a letter or '_', then letters, digits and '_'"
        " (63 at most) (got '1bad')"
    )
    assert lines[2] == (
        "sinks.db.options.colour: unknown option (allowed: url, table, fields, extras, resume_key)"
    )


def test_nested_where_paths() -> None:
    with pytest.raises(PluginError) as caught:
        create_transform("field_mapper", {}, ".", where="aggregations[0].transforms[1]")
    assert str(caught.value) == (
        "aggregations[0].transforms[1].options: give at least one of `select`, `rename` and"
        " `set` (got {})"
    )


def test_options_must_be_a_mapping() -> None:
    with pytest.raises(PluginError) as caught:
        create_transform("passthrough", ["x"], ".", where="transforms[1]")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "transforms[1].options: should be a mapping of option names to values (got list)"
    )


def test_created_plugins_satisfy_their_protocols(tmp_path: Path) -> None:
    assert isinstance(create_transform("passthrough", None, tmp_path), RowTransform)
    assert isinstance(create_transform("field_mapper", {"set": {"a": 1}}, tmp_path), RowTransform)
    assert isinstance(
        create_batch_transform("batch_stats", {"field": "a"}, tmp_path), BatchTransform
    )
    for plugin, options in [
        ("csv", {"path": "o.csv"}),
        ("jsonl", {"path": "o.jsonl"}),
        ("database", {"url": "sqlite:///o.db", "table": "t"}),
    ]:
        assert isinstance(create_sink(plugin, options, tmp_path), SinkPlugin)
    assert list(tmp_path.iterdir()) == []  # creating a sink touches nothing


# -- field_mapper and passthrough ----------------------------------------------------------


def mapper(**options: Any) -> RowTransform:
    return create_transform("field_mapper", options, ".", where="transforms[0]")


def test_field_mapper_select_rename_set_in_that_order() -> None:
    transform = mapper(select=["b", "a"], rename={"a": "alpha"}, set={"source": "x", "b": 0})
    row = {"a": 1, "b": 2, "c": 3}
    assert transform.process(row) == {"b": 0, "alpha": 1, "source": "x"}
    assert list(transform.process(row)) == ["b", "alpha", "source"]
    assert row == {"a": 1, "b": 2, "c": 3}  # the input row is not changed


def test_field_mapper_errors_are_transform_errors() -> None:
    with pytest.raises(TransformError) as caught:
        mapper(select=["a", "z"]).process({"a": 1, "b": 2})
    assert str(caught.value) == "field_mapper: selected field(s) 'z' missing (row has: a, b)"
    with pytest.raises(TransformError, match="cannot rename missing field"):
        mapper(rename={"q": "r"}).process({"a": 1})
    with pytest.raises(TransformError, match="would overwrite field\\(s\\) 'b'"):
        mapper(rename={"a": "b"}).process({"a": 1, "b": 2})
    # swapping two names is fine: nothing is overwritten
    assert mapper(rename={"a": "b", "b": "a"}).process({"a": 1, "b": 2}) == {"b": 1, "a": 2}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "give at least one of `select`, `rename` and `set`"),
        ({"select": ["a", "a"]}, "`select` names a field twice"),
        ({"rename": {"a": "x", "b": "x"}}, "two fields to the same new name"),
        ({"select": ["a"], "rename": {"b": "c"}}, "`rename` names fields that `select` drops"),
        ({"select": "a"}, "transforms[0].options.select: should be a list (got 'a')"),
        (
            {"drop": ["a"]},
            "transforms[0].options.drop: unknown option (allowed: select, rename, set)",
        ),
    ],
)
def test_field_mapper_option_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PluginError) as caught:
        mapper(**options)
    assert message in str(caught.value)


def test_passthrough_copies_and_takes_no_options() -> None:
    transform = create_transform("passthrough", {}, ".")
    row = {"a": 1}
    out = transform.process(row)
    assert out == row and out is not row
    with pytest.raises(PluginError, match=r"transforms\.options\.x: unknown option"):
        create_transform("passthrough", {"x": 1}, ".")


# -- batch_stats -----------------------------------------------------------------------------


def stats(**options: Any) -> BatchTransform:
    return create_batch_transform("batch_stats", options, ".")


def test_batch_stats_summary_rows_per_group() -> None:
    rows = [
        {"region": "n", "amount": 2},
        {"region": "s", "amount": 3.5},
        {"region": "n", "amount": None},
        {"region": "n", "amount": 4},
    ]
    assert stats(field="amount", group_by="region").process_batch(rows) == [
        {"region": "n", "field": "amount", "count": 3, "sum": 6, "mean": 3.0},
        {"region": "s", "field": "amount", "count": 1, "sum": 3.5, "mean": 3.5},
    ]
    assert stats(field="amount").process_batch(rows) == [
        {"field": "amount", "count": 4, "sum": 9.5, "mean": 9.5 / 3}
    ]


def test_batch_stats_annotate_keeps_the_rows() -> None:
    rows = [{"g": 1, "v": 1}, {"g": 2, "v": 5}, {"g": 1, "v": 3}]
    assert stats(field="v", group_by=["g"], annotate=True).process_batch(rows) == [
        {"g": 1, "v": 1, "batch_count": 2, "batch_sum": 4, "batch_mean": 2.0},
        {"g": 2, "v": 5, "batch_count": 1, "batch_sum": 5, "batch_mean": 5.0},
        {"g": 1, "v": 3, "batch_count": 2, "batch_sum": 4, "batch_mean": 2.0},
    ]


def test_batch_stats_float_sums_do_not_depend_on_row_order() -> None:
    values = [1e16, 1.0, -1e16, 1.0]
    forward = stats(field="v").process_batch([{"v": v} for v in values])
    backward = stats(field="v").process_batch([{"v": v} for v in reversed(values)])
    assert forward[0]["sum"] == backward[0]["sum"] == 2.0


def test_batch_stats_decimal_and_empty_cases() -> None:
    out = stats(field="v").process_batch([{"v": Decimal("1.10")}, {"v": 2}])
    assert out == [{"field": "v", "count": 2, "sum": Decimal("3.10"), "mean": Decimal("1.55")}]
    assert stats(field="v").process_batch([{"v": None}]) == [
        {"field": "v", "count": 1, "sum": 0, "mean": None}
    ]
    assert stats(field="v").process_batch([]) == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"v": 1}, {"w": 2}], "row 1 of the batch has no field 'v'"),
        ([{"v": "3"}], "field 'v' of row 0 is not a number (got '3')"),
        ([{"v": True}], "is not a number (got True)"),
    ],
)
def test_batch_stats_bad_rows(rows: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(TransformError, match=message.replace("(", r"\(").replace(")", r"\)")):
        stats(field="v").process_batch(rows)
    with pytest.raises(TransformError, match="no group_by field 'g'"):
        stats(field="v", group_by="g").process_batch([{"v": 1}])


@given(
    st.lists(
        st.fixed_dictionaries({"g": st.sampled_from("abc"), "v": st.integers(-1000, 1000)}),
        max_size=40,
    )
)
def test_batch_stats_conserves_counts_and_sums(rows: list[dict[str, Any]]) -> None:
    out = stats(field="v", group_by="g").process_batch(rows)
    assert sum(row["count"] for row in out) == len(rows)
    assert sum(row["sum"] for row in out) == sum(row["v"] for row in rows)
    assert [row["g"] for row in out] == list(dict.fromkeys(row["g"] for row in rows))
    for summary in out:
        values = [row["v"] for row in rows if row["g"] == summary["g"]]
        assert summary["mean"] == pytest.approx(sum(values) / len(values))
