"""Canonical JSON (RFC 8785 via the rfc8785 package) and the stable hash."""

import datetime as dt
import enum
import hashlib
import json
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditflow.core.canonical import HASH_VERSION, canonical_json, normalise, stable_hash


def test_hash_version_names_the_scheme() -> None:
    assert HASH_VERSION == "sha256-rfc8785-v1"


def test_known_vectors() -> None:
    assert canonical_json({}) == b"{}"
    assert stable_hash({}) == hashlib.sha256(b"{}").hexdigest()
    # RFC 8785: keys sorted by UTF-16 code units, no whitespace, shortest number form
    assert canonical_json({"b": 1, "a": [1.0, 1e21, "é"], "A": None}) == (
        '{"A":null,"a":[1,1e+21,"é"],"b":1}'.encode()
    )


def test_key_order_does_not_change_the_hash() -> None:
    assert stable_hash({"a": 1, "b": {"x": 1, "y": 2}}) == stable_hash(
        {"b": {"y": 2, "x": 1}, "a": 1}
    )


def test_values_json_lacks_are_normalised() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))

    class Colour(enum.Enum):
        RED = "red"

    value = {
        "aware": dt.datetime(2024, 5, 1, 12, 0, tzinfo=paris),
        "naive": dt.datetime(2024, 5, 1, 12, 0),
        "day": dt.date(2024, 5, 1),
        "money": Decimal("1.10"),
        "pair": (1, 2),
        "tags": {"b", "a"},
        "colour": Colour.RED,
        "where": PurePosixPath("/tmp/x"),
        "blob": b"\x01\xff",
    }
    assert normalise(value) == {
        "aware": "2024-05-01T10:00:00+00:00",
        "naive": "2024-05-01T12:00:00",
        "day": "2024-05-01",
        "money": "1.10",
        "pair": [1, 2],
        "tags": ["a", "b"],
        "colour": "red",
        "where": "/tmp/x",
        "blob": "01ff",
    }


def test_equal_instants_hash_the_same() -> None:
    utc = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)
    paris = utc.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert stable_hash({"t": utc}) == stable_hash({"t": paris})


def test_integers_beyond_double_precision_become_exact_strings() -> None:
    assert canonical_json(2**53 - 1) == b"9007199254740991"
    assert canonical_json(2**53) == b'"9007199254740992"'
    assert canonical_json(-(2**70)) == f'"{-(2**70)}"'.encode()
    assert stable_hash(2**53) != stable_hash(2**53 + 1)


def test_decimal_keeps_its_exact_digits() -> None:
    assert stable_hash(Decimal("1.10")) != stable_hash(Decimal("1.1"))
    assert stable_hash(Decimal("0.1")) != stable_hash(0.1)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (Decimal("NaN"), ValueError),
        ({1: "x"}, ValueError),
        (object(), TypeError),
    ],
)
def test_values_without_a_canonical_form_are_refused(value: Any, error: type) -> None:
    with pytest.raises(error):
        canonical_json(value)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    # beyond 1e15 a float's shortest form is integral text that JSON reads back as an int
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_round_trips(value: Any) -> None:
    encoded = canonical_json(value)
    assert json.loads(encoded) == value
    assert canonical_json(json.loads(encoded)) == encoded


@given(st.dictionaries(st.text(max_size=5), st.integers(), max_size=8), st.randoms())
def test_hash_ignores_insertion_order(mapping: dict[str, int], random: Any) -> None:
    items = list(mapping.items())
    random.shuffle(items)
    assert stable_hash(dict(items)) == stable_hash(mapping)
