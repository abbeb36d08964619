"""The JSON report's writer gives exactly the bytes of ``json.dumps(..., indent=2)``."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from importgate.report.jsondoc import dumps_indented

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and the infinities too: those go through json.dumps
    st.text(),
)
_keys = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_keys, inner, max_size=4),
    ),
    max_leaves=30,
)


@given(_documents)
def test_same_text_as_json_dumps(document: Any) -> None:
    assert dumps_indented(document) == json.dumps(document, indent=2)


def test_a_report_shaped_document() -> None:
    document = {
        "schema_version": 1,
        "contracts": [
            {"id": None, "kept": False, "violations": [{"chain": [], "notes": ['é ✓ "q"']}]},
            {"details": {}, "duration": 0.25, "kinds": ("runtime", "typing")},
        ],
    }
    assert dumps_indented(document) == json.dumps(document, indent=2)


def test_a_value_json_cannot_write_fails_as_json_dumps_does() -> None:
    try:
        json.dumps({"x": object()}, indent=2)
    except TypeError as expected:
        message = str(expected)
    try:
        dumps_indented({"x": object()})
    except TypeError as error:
        assert str(error) == message
    else:
        raise AssertionError("dumps_indented wrote an object json.dumps refuses")
