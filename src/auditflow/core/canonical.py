"""Canonical JSON (RFC 8785) and the stable hashes built on it.

The JSON Canonicalization Scheme itself is the ``rfc8785`` package's; this module only
turns Python values that JSON lacks (datetime, date, Decimal, tuples, sets, enums,
paths) into plain JSON values first, so the same logical value always hashes the same.
"""

import datetime as dt
import enum
import hashlib
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import rfc8785

HASH_VERSION = "sha256-rfc8785-v1"
"""Stored with every run: how its hashes were computed."""

MAX_SAFE_INTEGER = 2**53 - 1
"""Integers up to this magnitude are JSON numbers; larger ones become strings."""

__all__ = ["HASH_VERSION", "MAX_SAFE_INTEGER", "canonical_json", "normalise", "stable_hash"]


def normalise(value: Any) -> Any:
    """Return ``value`` as plain JSON data (dict with str keys, list, str, int, float,
    bool, None).

    - datetime -> ISO 8601 string; a naive datetime is kept naive, an aware one is
      converted to UTC so that equal instants hash the same;
    - date -> ``YYYY-MM-DD``; time -> ISO string;
    - int beyond +-(2**53 - 1) -> its decimal string (doubles cannot hold it exactly);
    - Decimal -> its string (``Decimal("1.10")`` stays ``"1.10"``: exact, no float rounding);
    - tuple / list -> list; set / frozenset -> sorted list; enum -> its value;
    - path -> its POSIX string; bytes -> hex string.

    Raises ``TypeError`` for anything else, and ``ValueError`` for NaN / infinity
    (RFC 8785 has no representation for them) or a non-string mapping key.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        # RFC 8785 numbers are IEEE doubles: beyond 2**53 an integer would lose digits,
        # so it is written as its exact decimal string instead (like Decimal).
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"canonical JSON has no representation for {value!r}")
        return value
    if isinstance(value, enum.Enum):
        return normalise(value.value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"canonical JSON has no representation for Decimal {value}")
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"canonical JSON needs string keys, got {key!r}")
            out[key] = normalise(item)
        return out
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [normalise(item) for item in value]
        return sorted(items, key=lambda item: rfc8785.dumps(item))
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot canonicalise a value of type {type(value).__name__}")


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 canonical JSON of ``obj`` (after :func:`normalise`), as UTF-8 bytes."""
    return rfc8785.dumps(normalise(obj))


def stable_hash(obj: Any) -> str:
    """SHA-256 hex digest of :func:`canonical_json` of ``obj`` (see :data:`HASH_VERSION`)."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
