"""Signing of exported audit records: HMAC-SHA256 per record, a running SHA-256, a manifest.

For each record in export order (``_signature`` not yet set)::

    signature   = HMAC-SHA256(key, canonical_json(record)).hexdigest()
    running     = SHA-256 fed with every signature's ASCII hex, in order

and after the last record a ``manifest`` record (record count, final running hash,
algorithms, time) signed the same way. The standard library's ``hmac`` / ``hashlib`` do
the cryptography; canonical JSON is :func:`auditflow.core.canonical.canonical_json`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785

from auditflow.contracts.errors import AuditflowError
from auditflow.core.canonical import HASH_VERSION, canonical_json

__all__ = [
    "CHAIN_ALGORITHM",
    "MANIFEST_TYPE",
    "SIGNATURE_ALGORITHM",
    "SIGNATURE_KEY",
    "SIGNING_KEY_VARIABLE",
    "Signer",
    "SigningKeyError",
    "canonical_record",
    "record_signature",
    "signing_key",
    "with_signature",
]

SIGNING_KEY_VARIABLE = "AUDITFLOW_SIGNING_KEY"
"""The environment variable holding the signing key (its UTF-8 bytes are the HMAC key)."""
SIGNATURE_ALGORITHM = "hmac-sha256"
CHAIN_ALGORITHM = "sha256"
SIGNATURE_KEY = "_signature"
"""The record key that holds a record's signature (not part of what is signed)."""
MANIFEST_TYPE = "manifest"


class SigningKeyError(AuditflowError):
    """Signing is asked for but ``AUDITFLOW_SIGNING_KEY`` is unset or empty."""


def signing_key(purpose: str) -> bytes:
    """The key from the environment; :class:`SigningKeyError` (naming the variable and
    ``purpose``) when it is unset or empty."""
    value = os.environ.get(SIGNING_KEY_VARIABLE, "")
    if not value:
        raise SigningKeyError(
            f"{purpose} needs a signing key, but the environment variable "
            f"{SIGNING_KEY_VARIABLE} is not set (or is empty); export it first, e.g. "
            f"`export {SIGNING_KEY_VARIABLE}=...`, and keep it secret"
        )
    return value.encode("utf-8")


def record_signature(key: bytes, record: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of the canonical JSON of ``record`` without its ``_signature``."""
    unsigned = {k: v for k, v in record.items() if k != SIGNATURE_KEY}
    return hmac.new(key, canonical_json(unsigned), hashlib.sha256).hexdigest()


def canonical_record(record: Mapping[str, Any]) -> bytes:
    """RFC 8785 JSON of a record that is already plain JSON data (as the export reads it:
    :func:`auditflow.core.canonical.normalise` applied once per value), so the same bytes
    as ``canonical_json(record)`` without walking the record a second time."""
    return bytes(rfc8785.dumps(record))


def with_signature(body: bytes, signature: str) -> bytes:
    """Canonical JSON of a record with ``_signature`` added, from that of the record
    without it. Hand-made to avoid canonicalising each record twice: every record's
    first key is ``_index`` (an integer) and ``_signature`` sorts right before ``_type``,
    so it goes in before the first ``,"_type":``."""
    return body.replace(b',"_type":', b',"_signature":"' + signature.encode() + b'","_type":', 1)


class Signer:
    """Signs records one by one and keeps the running hash over their signatures."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._running = hashlib.sha256()
        self.count = 0

    def sign_canonical(self, body: bytes) -> str:
        """The signature of a record given as its canonical JSON (without ``_signature``);
        feeds the running hash."""
        signature = hmac.new(self._key, body, hashlib.sha256).hexdigest()
        self._running.update(signature.encode("ascii"))
        self.count += 1
        return signature

    @property
    def final_hash(self) -> str:
        return self._running.hexdigest()

    def manifest(
        self, run_id: str, counts: Mapping[str, int], created_at: datetime | None = None
    ) -> dict[str, Any]:
        """The signed closing record (not counted, not fed to the running hash)."""
        record = manifest_body(run_id, counts, self.final_hash, created_at)
        return {**record, SIGNATURE_KEY: record_signature(self._key, record)}


def manifest_body(
    run_id: str,
    counts: Mapping[str, int],
    final_hash: str,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The manifest's fields (without its signature): ``record_count`` and one
    ``records_<type>`` count per record type, the final running hash, the algorithms."""
    return {
        "_type": MANIFEST_TYPE,
        "_index": 0,
        "run_id": run_id,
        "record_count": sum(counts.values()),
        **{f"records_{name}": count for name, count in counts.items()},
        "final_hash": final_hash,
        "hash_version": HASH_VERSION,
        "signature_algorithm": SIGNATURE_ALGORITHM,
        "chain_algorithm": CHAIN_ALGORITHM,
        "created_at": (created_at or datetime.now(UTC)).isoformat(),
    }
