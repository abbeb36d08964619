"""The JSON report always matches the documented schema (docs/json-report.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.importgate.conftest import ini, run_cli
from tests.importgate.test_check_contract_types import BASE, BREAKERS, CLEAN, CONTRACTS

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "json-report.schema.json").read_text())


def test_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
@pytest.mark.parametrize("broken", [False, True])
def test_reports_match_schema(project, kind, broken):
    root = project(CLEAN, ini(BASE, CONTRACTS[kind]))
    if broken:
        path, source, _ = BREAKERS[kind]
        (root / path).write_text(source, encoding="utf-8")
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == (1 if broken else 0)
    jsonschema.validate(run.json, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert run.json["kept"] + run.json["broken"] == len(run.json["contracts"])


def test_documented_example_matches_schema():
    text = (Path(__file__).parents[2] / "docs" / "json-report.md").read_text()
    example = text.split("```json", 1)[1].split("```", 1)[0]
    jsonschema.validate(json.loads(example), SCHEMA, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_a_document_missing_counts():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"schema_version": 1, "tool": {"name": "importgate", "version": "0"}, "contracts": []},
            SCHEMA,
        )
