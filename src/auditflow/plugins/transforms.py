"""Row transforms ``field_mapper`` and ``passthrough``."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from auditflow.contracts.errors import TransformError
from auditflow.contracts.plugins import Row
from auditflow.plugins.base import PluginOptions, validate_options

__all__ = ["FieldMapper", "FieldMapperOptions", "Passthrough"]


class FieldMapperOptions(PluginOptions):
    """Applied in this order: ``select``, then ``rename``, then ``set``."""

    select: list[str] | None = None
    """Keep only these fields, in this order; a missing one is an error for the row."""
    rename: dict[str, str] = Field(default_factory=dict)
    """Old name -> new name; a missing old name, or a new name that would overwrite
    another field, is an error for the row."""
    constants: dict[str, Any] = Field(default_factory=dict, alias="set")
    """Field -> constant value, added or overwritten on every row."""

    @model_validator(mode="after")
    def _sensible(self) -> "FieldMapperOptions":
        if self.select is None and not self.rename and not self.constants:
            raise ValueError("give at least one of `select`, `rename` and `set`")
        if self.select is not None and len(set(self.select)) != len(self.select):
            raise ValueError("`select` names a field twice")
        targets = list(self.rename.values())
        if len(set(targets)) != len(targets):
            raise ValueError("`rename` maps two fields to the same new name")
        if self.select is not None:
            unselected = sorted(set(self.rename) - set(self.select))
            if unselected:
                raise ValueError(f"`rename` names fields that `select` drops: {unselected}")
        return self


class FieldMapper:
    """Select, rename and set fields of each row."""

    name = "field_mapper"

    def __init__(self, options: FieldMapperOptions) -> None:
        self.select = options.select
        self.rename = dict(options.rename)
        self.constants = dict(options.constants)

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "FieldMapper":
        return cls(validate_options(FieldMapperOptions, options, where))

    def process(self, row: Row) -> Row:
        if self.select is not None:
            missing = [name for name in self.select if name not in row]
            if missing:
                raise TransformError(
                    f"field_mapper: selected field(s) {', '.join(map(repr, missing))} missing"
                    f" (row has: {', '.join(map(str, row)) or 'no fields'})"
                )
            out = {name: row[name] for name in self.select}
        else:
            out = dict(row)
        if self.rename:
            out = self._renamed(out)
        out.update(self.constants)
        return out

    def _renamed(self, row: Row) -> Row:
        missing = [old for old in self.rename if old not in row]
        if missing:
            raise TransformError(
                f"field_mapper: cannot rename missing field(s) {', '.join(map(repr, missing))}"
                f" (row has: {', '.join(map(str, row)) or 'no fields'})"
            )
        clashes = [new for new in self.rename.values() if new in row and new not in self.rename]
        if clashes:
            raise TransformError(
                f"field_mapper: renaming would overwrite field(s) {', '.join(map(repr, clashes))}"
            )
        return {self.rename.get(name, name): value for name, value in row.items()}


class PassthroughOptions(PluginOptions):
    """``passthrough`` takes no options."""


class Passthrough:
    """Returns a copy of each row unchanged (a placeholder node in the audit trail)."""

    name = "passthrough"

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "Passthrough":
        validate_options(PassthroughOptions, options, where)
        return cls()

    def process(self, row: Row) -> Row:
        return dict(row)
