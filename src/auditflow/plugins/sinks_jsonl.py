"""Sink ``jsonl``: one compact JSON object per line, keys in the row's order.

Rows may have different keys. Datetime and date values are written as ISO strings,
Decimal as an exact string; NaN and infinity are refused (they are not JSON).
"""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from auditflow.contracts.errors import PluginError
from auditflow.contracts.plugins import Row
from auditflow.plugins.base import PluginOptions, resolve_path, validate_options
from auditflow.plugins.sink_files import FileSink, json_text

__all__ = ["JsonlSink", "JsonlSinkOptions"]


class JsonlSinkOptions(PluginOptions):
    path: str = Field(min_length=1)


class JsonlSink(FileSink):
    name = "jsonl"

    def __init__(self, options: JsonlSinkOptions, base_dir: Path, where: str) -> None:
        super().__init__(resolve_path(base_dir, options.path), where)

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "JsonlSink":
        return cls(validate_options(JsonlSinkOptions, options, where), base_dir, where)

    def encode(self, rows: Sequence[Row]) -> bytes:
        lines = []
        for number, row in enumerate(rows):
            try:
                lines.append(json_text(row))
            except (TypeError, ValueError) as error:
                raise PluginError(
                    f"{self.where}: row {self.rows_written + number} cannot be written as"
                    f" JSON: {error}"
                ) from None
        lines.append("")
        return "\n".join(lines).encode("utf-8")
