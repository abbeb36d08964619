"""Tokens: one row on its way through the pipeline, numbered in run order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Token:
    """A row in flight. ``token_id`` is the run's sequence number for it; ``step`` counts
    the nodes it has visited (the order of its node states)."""

    token_id: int
    row_index: int | None
    row: dict[str, Any]
    step: int = 0

    def next_step(self) -> int:
        self.step += 1
        return self.step


class Numbering:
    """A per-run counter (tokens, batches, checkpoints); resume starts it where a run stopped."""

    __slots__ = ("last",)

    def __init__(self, last: int = 0) -> None:
        self.last = last

    def next(self) -> int:
        self.last += 1
        return self.last
