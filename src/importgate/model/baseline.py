"""The ratchet's values: baseline entries and the baseline's verdict on one check.

Entries are matched to violations by fingerprint (see
:meth:`importgate.model.Violation.fingerprint`), which holds no line numbers, so moving
code up or down a file does not invalidate the baseline.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any


class BaselineStatus:
    """What the baseline says about one violation (the ``baseline`` field of the report)."""

    NEW = "new"
    BASELINED = "baselined"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One known violation listed in ``contracts/baseline.toml``."""

    contract: str
    importer: str
    imported: str
    fingerprint: str
    reason: str
    expires: datetime.date | None = None
    line: int | None = None
    """Line of the entry's ``[[violation]]`` header in the file (None when not read)."""

    @property
    def key(self) -> tuple[str, str]:
        return self.contract, self.fingerprint

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today

    def describe(self) -> str:
        """``[contract] importer -> imported (fingerprint ...)``: enough to find the entry."""
        return (
            f"[{self.contract}] {self.importer or '-'} -> {self.imported or '-'} "
            f"(fingerprint {self.fingerprint})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "importer": self.importer,
            "imported": self.imported,
            "fingerprint": self.fingerprint,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class BaselineReport:
    """The baseline file's own verdict in one check: entries used, stale and expired."""

    file: str
    entry_count: int
    matched: int
    stale: tuple[BaselineEntry, ...] = ()
    expired: tuple[BaselineEntry, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.stale and not self.expired

    def entries_to_act_on(self) -> list[tuple[BaselineEntry, str]]:
        """Each stale or expired entry with what to do about it (without its location)."""
        pairs = [
            (
                entry,
                f"stale entry, the violation is gone: delete {entry.describe()} "
                "(or run `importgate baseline --prune`)",
            )
            for entry in self.stale
        ]
        pairs.extend(
            (
                entry,
                f"entry expired on {entry.expires}: fix the violation and delete "
                f"{entry.describe()}, or move its `expires` date",
            )
            for entry in self.expired
        )
        return pairs

    def problems(self) -> list[str]:
        """One line per entry to act on, ``FILE:LINE: what to do``."""
        return [
            f"{self.file}:{entry.line or '?'}: {message}"
            for entry, message in self.entries_to_act_on()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "entries": self.entry_count,
            "matched": self.matched,
            "passed": self.passed,
            "stale": [entry.to_dict() for entry in self.stale],
            "expired": [entry.to_dict() for entry in self.expired],
            "problems": self.problems(),
        }
