"""Schema reconstruction: the stored JSON Schema of a run -> the source's row model."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from auditflow.contracts.errors import AuditflowError
from auditflow.engine.orchestrator.export import SchemaReconstructionError, row_model_from_schema
from auditflow.plugins.schema import FIELD_TYPES, RowSchemaOptions, build_row_model


def one_field(spec: dict[str, Any], *, required: bool = True) -> type[BaseModel]:
    schema: dict[str, Any] = {"type": "object", "properties": {"x": spec}}
    if required:
        schema["required"] = ["x"]
    return row_model_from_schema(schema)


def accepts(model: type[BaseModel], data: dict[str, Any]) -> Any:
    return model.model_validate(data).model_dump(by_alias=True)


@pytest.mark.parametrize(
    ("spec", "good", "expected", "bad"),
    [
        ({"type": "string"}, "abc", "abc", 12),
        ({"type": "integer"}, "12", 12, "1.5"),
        ({"type": "number"}, "1.5", 1.5, "x"),
        ({"type": "boolean"}, "true", True, "maybe"),
        (
            {"type": "string", "format": "date-time"},
            "2024-01-02T03:04:05",
            dt.datetime(2024, 1, 2, 3, 4, 5),
            "yesterday",
        ),
        ({"type": "string", "format": "date"}, "2024-01-02", dt.date(2024, 1, 2), "2024-13-01"),
        ({"anyOf": [{"type": "number"}, {"type": "string"}]}, "1.10", Decimal("1.10"), "one"),
        ({"type": "array"}, [1, "a"], [1, "a"], "not a list"),
        ({"type": "array", "items": {"type": "integer"}}, ["1", 2], [1, 2], ["a"]),
        ({"type": "object"}, {"k": [1]}, {"k": [1]}, [1]),
    ],
)
def test_each_type_rule(spec: dict[str, Any], good: Any, expected: Any, bad: Any) -> None:
    model = one_field(spec)
    result = accepts(model, {"x": good})["x"]
    assert result == expected and type(result) is type(expected)
    with pytest.raises(ValidationError):
        model.model_validate({"x": bad})
    with pytest.raises(ValidationError):  # required: missing is an error
        model.model_validate({})
    with pytest.raises(ValidationError):  # not nullable
        model.model_validate({"x": None})


@pytest.mark.parametrize(
    "spec",
    [
        {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        {"type": ["string", "null"]},
    ],
)
def test_optional_shapes_accept_missing_and_null(spec: dict[str, Any]) -> None:
    model = one_field(spec, required=False)
    assert accepts(model, {}) == {"x": None}
    assert accepts(model, {"x": None}) == {"x": None}
    assert accepts(model, {"x": "a"}) == {"x": "a"}


def test_optional_decimal_and_date_keep_their_type() -> None:
    decimal = one_field({"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]})
    assert accepts(decimal, {"x": "2.50"}) == {"x": Decimal("2.50")}
    assert accepts(decimal, {"x": None}) == {"x": None}
    date = one_field({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]})
    assert accepts(date, {"x": "2020-02-29"}) == {"x": dt.date(2020, 2, 29)}


def test_not_required_and_not_nullable_uses_the_default_but_rejects_null() -> None:
    model = one_field({"type": "integer", "default": 7}, required=False)
    assert accepts(model, {}) == {"x": 7}
    with pytest.raises(ValidationError):
        model.model_validate({"x": None})


@pytest.mark.parametrize(
    ("additional", "extra_in", "result"),
    [(False, None, None), (None, {"y": 1}, {"x": 1}), (True, {"y": 1}, {"x": 1, "y": 1})],
)
def test_additional_properties_map_to_extra(
    additional: bool | None, extra_in: dict[str, Any] | None, result: Any
) -> None:
    schema: dict[str, Any] = {"properties": {"x": {"type": "integer"}}, "required": ["x"]}
    if additional is not None:
        schema["additionalProperties"] = additional
    model = row_model_from_schema(schema)
    if result is None:
        with pytest.raises(ValidationError):
            model.model_validate({"x": 1, "y": 1})
    else:
        assert accepts(model, {"x": 1, **(extra_in or {})}) == result


def test_odd_field_names_are_kept_as_aliases() -> None:
    model = row_model_from_schema(
        {"properties": {"odd name": {"type": "string"}, "class": {"type": "integer"}}}
    )
    assert accepts(model, {"odd name": "a", "class": "3"}) == {"odd name": "a", "class": 3}


@pytest.mark.parametrize(
    ("schema", "field", "words"),
    [
        ({"type": "object"}, None, "no 'properties'"),
        ({"properties": []}, None, "not a JSON object"),
        ({"properties": {}}, None, "zero fields"),
        ({"properties": {"a": {"title": "A"}}}, "a", "has no type"),
        ({"properties": {"a": {"type": "null"}}}, "a", "only null"),
        ({"properties": {"a": {"anyOf": [{"type": "null"}]}}}, "a", "only null"),
        ({"properties": {"a": {"type": "uuid"}}}, "a", "unsupported type 'uuid'"),
        ({"properties": {"a": {"type": "string", "format": "uuid"}}}, "a", "format 'uuid'"),
        (
            {"properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}},
            "a",
            "unsupported union",
        ),
        ({"properties": {"a": {"anyOf": [{"title": "t"}]}}}, "a", "has no type"),
        ({"properties": {"a": {"anyOf": "x"}}}, "a", "anyOf"),
        ({"properties": {"a": "string"}}, "a", "not a JSON object"),
        (
            {"properties": {"a": {"type": "array", "items": {"type": "set"}}}},
            "a[]",
            "unsupported type",
        ),
        ({"properties": {"a": {"type": "string"}}, "required": ["b"]}, "b", "no property"),
        ({"properties": {"a": {"type": "string"}}, "required": "a"}, None, "'required'"),
        (
            {"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "string"}},
            None,
            "additionalProperties",
        ),
        ([], None, "expected a JSON object"),
    ],
)
def test_errors_name_the_field(schema: Any, field: str | None, words: str) -> None:
    with pytest.raises(SchemaReconstructionError) as caught:
        row_model_from_schema(schema)
    assert caught.value.field == field
    assert words in str(caught.value)
    if field is not None:
        assert f"field {field!r}" in str(caught.value)
    assert isinstance(caught.value, AuditflowError)


# -- round trip: declared schema -> source model -> JSON Schema -> rebuilt model ---------

names = st.text(alphabet="abcxyz _-9", min_size=1, max_size=6)
type_names = st.sampled_from(sorted(FIELD_TYPES))
declared = st.builds(
    lambda fields, extra: RowSchemaOptions(fields=fields, extra_fields=extra),
    st.dictionaries(names, st.tuples(type_names, st.booleans()), min_size=1, max_size=5).map(
        lambda d: {n: t + ("?" if opt else "") for n, (t, opt) in d.items()}
    ),
    st.sampled_from(["reject", "drop", "keep"]),
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(
        ["12", "1.5", "true", "no", "2024-02-29", "2024-02-30", "2024-01-02T03:04:05Z", "1e3"]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def outcome(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return ("ok", model.model_validate(data).model_dump(by_alias=True))
    except ValidationError as error:
        return ("rejected", sorted(str(e["loc"]) for e in error.errors()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=declared, data=st.data())
def test_round_trip_validates_and_rejects_the_same_values(
    schema: RowSchemaOptions, data: st.DataObject
) -> None:
    original = build_row_model(schema)
    rebuilt = row_model_from_schema(original.model_json_schema(by_alias=True))
    keys = st.sampled_from([*schema.fields, "extra"])
    for _ in range(5):
        row = data.draw(st.dictionaries(keys, values, max_size=len(schema.fields) + 1))
        assert outcome(rebuilt, row) == outcome(original, row)
    assert rebuilt.model_json_schema(by_alias=True) == original.model_json_schema(by_alias=True)
