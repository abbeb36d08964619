"""Rebuild a source's row model from the JSON Schema stored with its run.

A run stores ``source.row_schema()`` (pydantic's ``model_json_schema(by_alias=True)`` of
the row model the source built from its declared schema). Resuming a run must validate
the rest of the source exactly as the first run did, so the model is rebuilt from that
stored schema rather than from today's settings. The mapping, per property:

================================================  ===========================
JSON Schema                                       Python type
================================================  ===========================
``{"type": "string"}``                            ``str``
``{"type": "string", "format": "date-time"}``     ``datetime``
``{"type": "string", "format": "date"}``          ``date``
``{"type": "integer"}``                           ``int``
``{"type": "number"}``                            ``float``
``{"type": "boolean"}``                           ``bool``
``{"anyOf": [{"type": "number"}, {"type": "string"}]}``  ``Decimal``
``{"type": "array"}`` (``items`` rebuilt too)     ``list``
``{"type": "object"}``                            ``dict[str, Any]``
``anyOf [X, {"type": "null"}]`` / ``type: [X, "null"]``  ``X | None``
================================================  ===========================

A property listed in ``required`` is required; any other is optional with the schema's
``default`` (``None`` when absent). ``additionalProperties`` false / absent / true maps to
the model's ``extra`` = forbid / ignore / allow, as the declared ``extra_fields`` made it.
Anything else (no ``properties``, zero properties, a property without a type, a type or
format this table lacks) raises :class:`SchemaReconstructionError` naming the property:
a resumed run must never validate rows against a guessed model.

Hand-written: pydantic generates JSON Schema but has no reverse; general JSON-Schema-to-
code tools (datamodel-code-generator) emit source text and accept far more than a row
schema may hold, and this mapping must reject everything outside the table above.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from auditflow.contracts.errors import AuditflowError

__all__ = ["SchemaReconstructionError", "row_model_from_schema"]


class SchemaReconstructionError(AuditflowError, ValueError):
    """A stored row schema cannot be turned back into a row model.

    ``field`` names the offending property (``None`` for a problem with the whole schema).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        where = f"row schema field {field!r}: " if field is not None else "row schema: "
        super().__init__(where + message)
        self.field = field


_SCALARS: dict[str, type] = {"integer": int, "number": float, "boolean": bool}
_STRING_FORMATS: dict[str | None, type] = {None: str, "date-time": dt.datetime, "date": dt.date}
_EXTRA = {False: "forbid", None: "ignore", True: "allow"}
_NULL = {"type": "null"}


def row_model_from_schema(schema: dict[str, Any]) -> type[BaseModel]:
    """The pydantic row model described by ``schema`` (see the module doc for the rules)."""
    if not isinstance(schema, dict):
        raise SchemaReconstructionError(f"expected a JSON object, got {type(schema).__name__}")
    properties = schema.get("properties")
    if properties is None:
        raise SchemaReconstructionError("has no 'properties'; a row schema declares its fields")
    if not isinstance(properties, dict):
        raise SchemaReconstructionError("'properties' is not a JSON object")
    if not properties:
        raise SchemaReconstructionError("declares zero fields")
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(n, str) for n in required):
        raise SchemaReconstructionError("'required' is not a list of field names")
    unknown = [name for name in required if name not in properties]
    if unknown:
        raise SchemaReconstructionError("is required but has no property", field=unknown[0])
    additional = schema.get("additionalProperties")
    if not (additional is None or isinstance(additional, bool)):
        raise SchemaReconstructionError(
            f"additionalProperties {additional!r} is not supported (only true / false / absent)"
        )
    definitions: dict[str, Any] = {}
    for position, (name, spec) in enumerate(properties.items()):
        python_type = _field_type(name, spec)
        if name in required:
            definitions[f"f{position}"] = (python_type, Field(alias=name))
        else:
            default = spec.get("default")
            definitions[f"f{position}"] = (python_type, Field(default=default, alias=name))
    stored_title = schema.get("title")
    title = stored_title if isinstance(stored_title, str) else "Row"
    config = ConfigDict(
        extra=_EXTRA[additional],  # type: ignore[typeddict-item]
        title=title,
        populate_by_name=False,
        allow_inf_nan=False,
    )
    model: type[BaseModel] = create_model(title, __config__=config, **definitions)
    return model


def _field_type(name: str, spec: Any) -> Any:
    if not isinstance(spec, dict):
        raise SchemaReconstructionError("is not a JSON object", field=name)
    nullable, options = _split_null(name, spec)
    python_type = _one_type(name, options)
    return python_type | None if nullable else python_type


def _split_null(name: str, spec: dict[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
    """``(nullable, alternatives)`` of a property: anyOf members or ``type`` list entries."""
    if "anyOf" in spec:
        members = spec["anyOf"]
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise SchemaReconstructionError("anyOf is not a list of JSON objects", field=name)
    elif isinstance(spec.get("type"), list):
        members = [{**spec, "type": kind} for kind in spec["type"]]
    elif "type" in spec:
        members = [spec]
    else:
        raise SchemaReconstructionError("has no type", field=name)
    options = [m for m in members if m != _NULL and m.get("type") != "null"]
    nullable = len(options) < len(members)
    if not options:
        raise SchemaReconstructionError("allows only null; it has no type", field=name)
    return nullable, options


def _one_type(name: str, options: list[dict[str, Any]]) -> Any:
    kinds = [option.get("type") for option in options]
    if kinds == ["number", "string"] and all(set(o) == {"type"} for o in options):
        return Decimal
    if len(options) != 1:
        shown = " | ".join(str(kind) for kind in kinds)
        raise SchemaReconstructionError(f"unsupported union of types {shown}", field=name)
    option = options[0]
    kind = option.get("type")
    if kind is None:
        raise SchemaReconstructionError("has no type", field=name)
    if kind == "string":
        form = option.get("format")
        if form not in _STRING_FORMATS:
            raise SchemaReconstructionError(f"unsupported string format {form!r}", field=name)
        return _STRING_FORMATS[form]
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "array":
        items = option.get("items")
        if items is None:
            return list[Any]
        return list[_field_type(f"{name}[]", items)]  # type: ignore[misc]
    if kind == "object":
        return dict[str, Any]
    raise SchemaReconstructionError(f"unsupported type {kind!r}", field=name)
