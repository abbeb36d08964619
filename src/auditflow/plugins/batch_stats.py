"""Batch transform ``batch_stats``: count, sum and mean of one field per batch."""

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from auditflow.contracts.errors import TransformError
from auditflow.contracts.plugins import Row
from auditflow.plugins.base import PluginOptions, validate_options

__all__ = ["BatchStats", "BatchStatsOptions"]


class BatchStatsOptions(PluginOptions):
    field: str = Field(min_length=1)
    """The numeric field to summarise; null values are counted but not summed."""
    group_by: list[str] = Field(default_factory=list)
    """Fields to group by (a name or a list); one output row per group."""
    annotate: bool = False
    """False: one summary row per group. True: every input row, in order, with
    ``batch_count``, ``batch_sum`` and ``batch_mean`` of its group added."""

    @field_validator("group_by", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class BatchStats:
    """Summary rows: ``{<group fields>, field, count, sum, mean}``, groups in order of
    first appearance. ``count`` counts rows; ``sum`` and ``mean`` cover the non-null
    values (``mean`` is null when there are none)."""

    name = "batch_stats"

    def __init__(self, options: BatchStatsOptions) -> None:
        self.field = options.field
        self.group_by = list(options.group_by)
        self.annotate = options.annotate

    @classmethod
    def create(cls, options: Mapping[str, Any], base_dir: Path, where: str) -> "BatchStats":
        return cls(validate_options(BatchStatsOptions, options, where))

    def process_batch(self, rows: Sequence[Row]) -> list[Row]:
        groups: dict[tuple[Any, ...], list[Any]] = {}
        counts: dict[tuple[Any, ...], int] = {}
        keys: list[tuple[Any, ...]] = []
        for position, row in enumerate(rows):
            key = self._key(row, position)
            value = self._value(row, position)
            if key not in counts:
                counts[key], groups[key] = 0, []
            counts[key] += 1
            if value is not None:
                groups[key].append(value)
            keys.append(key)
        stats = {key: self._stats(counts[key], groups[key]) for key in counts}
        if self.annotate:
            return [
                {**row, **{f"batch_{name}": value for name, value in stats[key].items()}}
                for row, key in zip(rows, keys, strict=True)
            ]
        return [
            {**dict(zip(self.group_by, key, strict=True)), "field": self.field, **stats[key]}
            for key in counts
        ]

    def _key(self, row: Row, position: int) -> tuple[Any, ...]:
        try:
            key = tuple(row[name] for name in self.group_by)
            hash(key)
        except KeyError as error:
            raise TransformError(
                f"batch_stats: row {position} of the batch has no group_by field {error}"
            ) from None
        except TypeError:
            raise TransformError(
                f"batch_stats: row {position} of the batch has an unhashable group_by value"
            ) from None
        return key

    def _value(self, row: Row, position: int) -> Any:
        if self.field not in row:
            raise TransformError(
                f"batch_stats: row {position} of the batch has no field {self.field!r}"
            )
        value = row[self.field]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float | Decimal)
        ):
            raise TransformError(
                f"batch_stats: field {self.field!r} of row {position} is not a number"
                f" (got {value!r})"
            )
        return value

    @staticmethod
    def _stats(count: int, values: list[Any]) -> dict[str, Any]:
        if any(isinstance(v, Decimal) for v in values):
            if any(isinstance(v, float) for v in values):
                values = [float(v) for v in values]
            else:
                values = [Decimal(v) for v in values]
        total: Any
        if any(isinstance(v, float) for v in values):
            total = math.fsum(values)  # exactly rounded: the same whatever the row order
        else:
            total = sum(values) if values else 0
        mean = (total / len(values)) if values else None
        return {"count": count, "sum": total, "mean": mean}
