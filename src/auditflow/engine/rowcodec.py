"""Rows as JSON that keeps their Python types, for checkpoints of aggregation buffers.

Canonical JSON (:func:`auditflow.core.canonical.normalise`) is made for hashing: it turns a
datetime into a string for good. A checkpoint must give resume the *same* row back, so
the values JSON cannot hold are tagged: ``{"$t": "datetime", "v": "2024-01-02T03:04:05"}``
(also ``date``, ``time``, ``decimal``, ``bytes``, ``tuple``). A plain dict whose only key
is ``"$t"`` cannot be confused with a tag: such dicts are tagged ``dict`` themselves.
Written by hand because the standard ``json`` hooks cannot tell a tag from a row value and
pickle is not something an audit trail should hold.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

_TAG = "$t"


def encode(value: Any) -> Any:
    """``value`` as JSON data; datetime / date / time / Decimal / bytes / tuple tagged."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        out = {str(k): encode(v) for k, v in value.items()}
        return {_TAG: "dict", "v": out} if _TAG in out else out
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [encode(item) for item in value]}
    if isinstance(value, dt.datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {_TAG: "time", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {_TAG: "decimal", "v": str(value)}
    if isinstance(value, bytes):
        return {_TAG: "bytes", "v": value.hex()}
    raise TypeError(f"a row value of type {type(value).__name__} cannot be checkpointed")


_DECODERS: dict[str, Any] = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "decimal": Decimal,
    "bytes": bytes.fromhex,
}


def decode(data: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    tag = data.get(_TAG)
    if tag is None:
        return {k: decode(v) for k, v in data.items()}
    if tag == "dict":
        return {k: decode(v) for k, v in data["v"].items()}
    if tag == "tuple":
        return tuple(decode(item) for item in data["v"])
    return _DECODERS[tag](data["v"])
