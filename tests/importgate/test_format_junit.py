"""``--format junit``: one test case per contract, failures carry every chain."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import junitparser
import pytest

from importgate.model import CheckResult, ContractResult, ImportKind, Link, Violation
from importgate.report import junit
from tests.importgate.conftest import ini
from tests.importgate.formats_support import EXHAUSTIVE, SHOP, check_reports
from tests.importgate.test_check_contract_types import BASE, BREAKERS, CLEAN, CONTRACTS

TWO_CONTRACTS = """
    [importlinter:contract:no-api-from-util]
    name = util must not use api
    type = forbidden
    source_modules = app.util
    forbidden_modules = app.api
    """


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
@pytest.mark.parametrize("broken", [False, True])
def test_counts_and_chains_per_contract_type(project, kind, broken):
    root = project(CLEAN, ini(BASE, CONTRACTS[kind], TWO_CONTRACTS))
    if broken:
        path, source, _ = BREAKERS[kind]
        (root / path).write_text(source, encoding="utf-8")
    reports = check_reports(root, "junit")
    document = reports.json

    suites = ET.fromstring(reports.text("junit"))
    assert suites.tag == "testsuites"
    (suite,) = suites.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 2 == int(suite.get("tests")) == int(suites.get("tests"))
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(failed) == document["broken"] == int(suite.get("failures"))
    assert suite.get("errors") == "0" and suite.get("skipped") == "0"
    if broken:
        path, _, line = BREAKERS[kind]
        # the breaking import also breaks the forbidden contract for some kinds
        failure = failed[0].find("failure")
        assert failure.get("type") == kind
        assert f"{path}:{line}" in failure.text
        assert f"{len(document['contracts'][0]['violations'])} violation(s)" in failure.get(
            "message"
        )
    else:
        assert failed == []
    for case, contract in zip(cases, document["contracts"], strict=True):
        assert case.get("name") == f"{contract['name']} [{contract['id']}]"
        assert case.get("classname") == f"importgate.{contract['type']}"


def test_junitparser_reads_the_same_counts(project):
    """junitparser is what JUnit consumers such as publish-unit-test-result build on."""
    root = project(CLEAN, ini(BASE, CONTRACTS["layers"], TWO_CONTRACTS))
    (root / "app/util/helpers.py").write_text("X = 1\nfrom app.api import views\n")
    reports = check_reports(root, "junit")
    xml = junitparser.JUnitXml.fromfile(str(reports.out / "importgate.junit.xml"))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (2, 2, 0, 0)
    for case in suite:
        (outcome,) = case.result
        assert isinstance(outcome, junitparser.Failure)
        assert "app/util/helpers.py:2" in outcome.text


def test_violation_without_file_names_the_contract_in_the_config(project):
    root = project(SHOP, EXHAUSTIVE)
    reports = check_reports(root, "junit")
    failure = ET.fromstring(reports.text("junit")).find("testsuite/testcase/failure")
    assert "shop.extra is not listed as a layer" in failure.text
    assert ".importlinter:4  (the contract in the configuration)" in failure.text
    assert "shop/low.py:2  import shop.high" in failure.text


def test_control_characters_and_markup_stay_well_formed():
    link = Link(
        importer="pkg.a",
        imported="pkg.b",
        path="pkg/a.py",
        line_number=1,
        line_contents="import pkg.b  # <b> & \x01\x0b odd",
        line_numbers=(1,),
        kind=ImportKind.RUNTIME,
    )
    contract = ContractResult(
        id="c",
        name='a "quoted" <name> & more',
        type="forbidden",
        kept=False,
        violations=(Violation("pkg.a", "pkg.b", (link,), "pkg.a must not import pkg.b"),),
        warnings=("watch \x02 this",),
    )
    text = junit.render(CheckResult(contracts=(contract,), root_packages=("pkg",)))
    root = ET.fromstring(text)
    case = root.find("testsuite/testcase")
    assert case.get("name") == 'a "quoted" <name> & more [c]'
    assert "import pkg.b  # <b> & \ufffd\ufffd odd" in case.find("failure").text
    assert case.find("system-out").text == "warning: watch \ufffd this\n"
