"""Declared row schemas: ``{fields: {id: int, note: "str?"}}`` -> a pydantic model.

Field types: ``str``, ``int``, ``float``, ``bool``, ``datetime``, ``date``, ``decimal``;
a trailing ``?`` makes the field optional (missing or null -> ``None``). Field names may
be any non-empty string (``"odd name"``, ``class``): the model uses safe internal names
with the declared names as aliases, so validation errors, dumps and the JSON Schema all
speak the declared names.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from auditflow.plugins.base import PluginOptions

__all__ = ["FIELD_TYPES", "RowSchemaOptions", "build_row_model", "describe_errors"]

FIELD_TYPES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "datetime": dt.datetime,
    "date": dt.date,
    "decimal": Decimal,
}

_EXTRA = {"reject": "forbid", "drop": "ignore", "keep": "allow"}


class RowSchemaOptions(PluginOptions):
    """The ``schema`` option of a source."""

    fields: dict[str, str] = Field(min_length=1)
    """Field name -> type name (``int``, ``str?``, ...), in column order."""
    extra_fields: Literal["reject", "drop", "keep"] = "reject"
    """Fields a row has beyond ``fields``: ``reject`` the row (quarantine it; for csv the
    header is refused), ``drop`` them, or ``keep`` them as read."""

    @field_validator("fields")
    @classmethod
    def _known_types(cls, fields: dict[str, str]) -> dict[str, str]:
        problems = []
        for name, type_name in fields.items():
            if not name:
                problems.append("a field name is empty")
            elif type_name.removesuffix("?").strip() not in FIELD_TYPES:
                problems.append(
                    f"{name!r} has unknown type {type_name!r}"
                    f" (types: {', '.join(FIELD_TYPES)}; add '?' for optional)"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return fields

    def optional_fields(self) -> frozenset[str]:
        """Names of the fields declared with ``?``."""
        return frozenset(name for name, kind in self.fields.items() if kind.endswith("?"))


def build_row_model(schema: RowSchemaOptions, *, title: str = "Row") -> type[BaseModel]:
    """A pydantic model for rows of ``schema`` (lax coercion: ``"12"`` -> 12 for int)."""
    definitions: dict[str, Any] = {}
    for position, (name, type_name) in enumerate(schema.fields.items()):
        optional = type_name.endswith("?")
        python_type: Any = FIELD_TYPES[type_name.removesuffix("?").strip()]
        if optional:
            definitions[f"f{position}"] = (python_type | None, Field(default=None, alias=name))
        else:
            definitions[f"f{position}"] = (python_type, Field(alias=name))
    config = ConfigDict(
        extra=_EXTRA[schema.extra_fields],  # type: ignore[typeddict-item]
        title=title,
        populate_by_name=False,
        allow_inf_nan=False,
    )
    model: type[BaseModel] = create_model(title, __config__=config, **definitions)
    return model


def describe_errors(error: ValidationError, *, extra_policy: str = "reject") -> str:
    """One ``field: reason (got value)`` clause per problem, joined by ``; ``."""
    parts = []
    for detail in error.errors(include_url=False):
        loc = ".".join(str(part) for part in detail["loc"]) or "(row)"
        if detail["type"] == "missing":
            parts.append(f"{loc}: required field is missing")
        elif detail["type"] == "extra_forbidden":
            parts.append(f"{loc}: unknown field (extra_fields: {extra_policy})")
        else:
            shown = repr(detail.get("input"))
            if len(shown) > 60:
                shown = shown[:57] + "..."
            parts.append(f"{loc}: {detail['msg']} (got {shown})")
    return "; ".join(parts)
