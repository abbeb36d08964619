"""``--format sarif``: valid SARIF 2.1.0, one result per violation, located file and line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.importgate.conftest import ini
from tests.importgate.formats_support import EXHAUSTIVE, SHOP, check_reports, shown_link
from tests.importgate.test_check_contract_types import BASE, BREAKERS, CLEAN, CONTRACTS

# The official OASIS schema, vendored with its licence (see data/sarif/README.md).
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text()
)
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def validate(log):
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_vendored_schema_is_the_official_one():
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert (Path(__file__).parent / "data" / "sarif" / "LICENSE.md").is_file()


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
@pytest.mark.parametrize("broken", [False, True])
def test_valid_log_one_result_per_violation(project, kind, broken):
    root = project(CLEAN, ini(BASE, CONTRACTS[kind]))
    if broken:
        path, source, _ = BREAKERS[kind]
        (root / path).write_text(source, encoding="utf-8")
    reports = check_reports(root, "sarif")
    log = json.loads(reports.text("sarif"))
    validate(log)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["c"]
    pairs = reports.violations()
    assert len(run["results"]) == len(pairs)
    for result, (contract, violation) in zip(run["results"], pairs, strict=True):
        assert result["ruleId"] == "c" and result["ruleIndex"] == 0
        assert result["level"] == "error"
        first = shown_link(contract, violation)
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": first["path"], "uriBaseId": "SRCROOT"}
        assert location["physicalLocation"]["region"]["startLine"] == first["line_number"]
        assert violation["message"] in result["message"]["text"]
    if broken:
        path, _, line = BREAKERS[kind]
        assert f"{path}:{line}" in json.dumps(run["results"])
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == root.resolve().as_uri() + "/"


def test_chain_of_several_imports_gives_related_locations_and_a_code_flow(project):
    root = project(CLEAN, ini(BASE, CONTRACTS["forbidden"]))
    # app.util -> app.billing.invoices -> app.api.views : an indirect chain
    (root / "app/util/helpers.py").write_text("X = 1\nimport app.billing.invoices\n")
    (root / "app/billing/invoices.py").write_text("\n\nfrom app.api import views\n")
    reports = check_reports(root, "sarif")
    log = json.loads(reports.text("sarif"))
    validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "app/util/helpers.py"
    )
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "app/billing/invoices.py"
    assert related["physicalLocation"]["region"]["startLine"] == 3
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps] == [2, 3]
    assert "app.billing.invoices (app/util/helpers.py:2)" in result["message"]["text"]
    assert "app.api.views (app/billing/invoices.py:3)" in result["message"]["text"]


def test_violation_without_file_is_located_at_the_contract_section(project):
    root = project(SHOP, EXHAUSTIVE)
    log = json.loads(check_reports(root, "sarif").text("sarif"))
    validate(log)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["shop-layers", "shop-layers"]
    missing = results[1]
    assert "shop.extra is not listed as a layer" in missing["message"]["text"]
    physical = missing["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": ".importlinter", "uriBaseId": "SRCROOT"}
    assert physical["region"]["startLine"] == 4
    lines = (root / ".importlinter").read_text().splitlines()
    assert lines[3] == "[importlinter:contract:shop-layers]"


def test_contracts_without_ids_get_unique_rule_ids_and_fingerprints_ignore_lines(project):
    config = """
        [tool.importlinter]
        root_package = "app"

        [[tool.importlinter.contracts]]
        name = "util below api"
        type = "forbidden"
        source_modules = ["app.util"]
        forbidden_modules = ["app.api"]

        [[tool.importlinter.contracts]]
        name = "util below api"
        type = "forbidden"
        source_modules = ["app.util"]
        forbidden_modules = ["app.api.views"]
        """
    root = project(CLEAN, config, config_name="pyproject.toml")
    (root / "app/util/helpers.py").write_text("X = 1\nfrom app.api import views\n")
    log = json.loads(check_reports(root, "sarif").text("sarif"))
    validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "util-below-api",
        "util-below-api-2",
    ]
    assert [r["ruleId"] for r in run["results"]] == ["util-below-api", "util-below-api-2"]
    before = [r["partialFingerprints"] for r in run["results"]]

    (root / "app/util/helpers.py").write_text("X = 1\n\n\n\nfrom app.api import views\n")
    moved = json.loads(check_reports(root, "sarif").text("sarif"))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] == [5, 5]
    assert [r["partialFingerprints"] for r in moved] == before


def test_the_schema_check_can_fail(project):
    root = project(SHOP, EXHAUSTIVE)
    log = json.loads(check_reports(root, "sarif").text("sarif"))
    del log["runs"][0]["results"][0]["message"]
    assert list(VALIDATOR.iter_errors(log))
