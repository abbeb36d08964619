"""The ratchet: tolerate the violations listed in the baseline, and only those.

:func:`apply_baseline` marks each violation of a check as ``new``, ``baselined`` or
``expired`` and finds the entries to act on: *stale* ones (the violation is gone) and
*expired* ones. :func:`record_baseline` turns a check into the entries to write,
keeping each existing entry's reason and expiry date.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from importgate.model import (
    BaselineEntry,
    BaselineReport,
    BaselineStatus,
    CheckResult,
    ContractResult,
    CouldNotRun,
)


def _status(entry: BaselineEntry | None, today: datetime.date) -> str:
    if entry is None:
        return BaselineStatus.NEW
    return BaselineStatus.EXPIRED if entry.is_expired(today) else BaselineStatus.BASELINED


def apply_baseline(
    result: CheckResult,
    entries: Sequence[BaselineEntry],
    file: str,
    today: datetime.date,
    every_contract: bool = True,
) -> CheckResult:
    """``result`` with each violation's baseline status and the baseline's own report.

    ``every_contract`` is False when only some contracts were checked (``--contract``):
    entries of the other contracts are then neither matched nor stale.
    """
    by_key = {entry.key: entry for entry in entries}
    checked = {contract.key for contract in result.contracts}
    in_scope = [e for e in entries if every_contract or e.contract in checked]
    used: set[tuple[str, str]] = set()
    contracts: list[ContractResult] = []
    for contract in result.contracts:
        violations = []
        for violation in contract.violations:
            entry = by_key.get((contract.key, violation.fingerprint))
            if entry is not None:
                used.add(entry.key)
            violations.append(dataclasses.replace(violation, baseline=_status(entry, today)))
        contracts.append(dataclasses.replace(contract, violations=tuple(violations)))
    stale = tuple(e for e in in_scope if e.key not in used)
    expired = tuple(e for e in in_scope if e.key in used and e.is_expired(today))
    report = BaselineReport(
        file=file, entry_count=len(in_scope), matched=len(used), stale=stale, expired=expired
    )
    return dataclasses.replace(result, contracts=tuple(contracts), baseline=report)


@dataclass(frozen=True)
class Recording:
    """What ``importgate baseline`` is about to write, and what it changed."""

    entries: tuple[BaselineEntry, ...]
    kept: int
    added: int
    pruned: tuple[BaselineEntry, ...]
    stale: tuple[BaselineEntry, ...]
    """Stale entries left in the file (no ``--prune``)."""
    unrecorded: int
    """New violations not written because no reason was given (``--prune`` alone)."""


def record_baseline(
    result: CheckResult,
    existing: Sequence[BaselineEntry],
    reason: str | None,
    expires: datetime.date | None,
    prune: bool,
    every_contract: bool = True,
) -> Recording:
    """The entries for every current violation; existing entries keep reason and expiry.

    New violations need ``reason``, except with ``prune`` alone, which only removes stale
    entries. Raises :class:`CouldNotRun` when new violations have no reason.
    """
    by_key = {entry.key: entry for entry in existing}
    checked = {contract.key for contract in result.contracts}
    current: dict[tuple[str, str], BaselineEntry] = {}
    new: list[BaselineEntry] = []
    for contract in result.contracts:
        for violation in contract.violations:
            key = (contract.key, violation.fingerprint)
            if key in current:
                continue
            if key in by_key:
                current[key] = dataclasses.replace(by_key[key], line=None)
                continue
            entry = BaselineEntry(
                contract=contract.key,
                importer=violation.importer or "",
                imported=violation.imported or "",
                fingerprint=violation.fingerprint,
                reason=reason or "",
                expires=expires,
            )
            current[key] = entry
            new.append(entry)
    if new and not reason and not prune:
        first = new[0]
        raise CouldNotRun(
            f"{len(new)} violation(s) are not in the baseline yet (the first: "
            f"{first.describe()}); each entry needs a reason.",
            hint='Run again with --reason "why this is tolerated for now" '
            "(and optionally --expires YYYY-MM-DD).",
        )
    kept = [entry for key, entry in current.items() if key in by_key]
    added = [entry for entry in new if reason]
    stale = [
        e for e in existing if e.key not in current and (every_contract or e.contract in checked)
    ]
    out_of_scope = [e for e in existing if not every_contract and e.contract not in checked]
    left_stale = [] if prune else stale
    return Recording(
        entries=tuple(kept + added + left_stale + out_of_scope),
        kept=len(kept),
        added=len(added),
        pruned=tuple(stale if prune else ()),
        stale=tuple(left_stale),
        unrecorded=len(new) - len(added),
    )
