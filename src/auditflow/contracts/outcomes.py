"""The outcomes a token can end with in the audit trail."""

from enum import StrEnum


class RowOutcome(StrEnum):
    """What happened to one token. Every token ends with exactly one terminal outcome;
    ``BUFFERED`` is the only non-terminal one (a token waiting inside a batch)."""

    COMPLETED = "completed"
    """Reached a sink by the normal path (the default sink or an aggregation's sink)."""
    ROUTED = "routed"
    """A gate sent it to a named sink."""
    FORKED = "forked"
    """Split into child tokens that carry on in its place."""
    FAILED = "failed"
    """A transform could not process it and no error sink took it."""
    QUARANTINED = "quarantined"
    """The source could not validate it; it went to the quarantine sink or was discarded."""
    CONSUMED_IN_BATCH = "consumed_in_batch"
    """Input of a transform-mode aggregation; the batch's output tokens carry on."""
    COALESCED = "coalesced"
    """Merged with other tokens into one."""
    EXPANDED = "expanded"
    """Replaced by several output tokens of a transform."""
    BUFFERED = "buffered"
    """Waiting in an aggregation buffer (not terminal)."""


TERMINAL_OUTCOMES: frozenset[RowOutcome] = frozenset(
    outcome for outcome in RowOutcome if outcome is not RowOutcome.BUFFERED
)
"""Every outcome that ends a token."""

NON_TERMINAL_OUTCOMES: frozenset[RowOutcome] = frozenset({RowOutcome.BUFFERED})
"""Outcomes a token may hold before its terminal one."""
