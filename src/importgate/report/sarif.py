"""The SARIF 2.1.0 report, for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers).

One run whose ``tool.driver.rules`` holds one rule per checked contract (rule id = the
contract id) and whose ``results`` hold one error per violation:

- an import violation is located at its first import (the statement in the module that
  must not depend on the other; for a cycle, the import the contract suggests removing),
  carries the whole chain in its message, every other
  import of the chain as a ``relatedLocation`` and the chain as a ``codeFlow``;
- a violation with no import (a module missing from an exhaustive layers contract) is
  located at the contract's section of the configuration file.

With a baseline in use, the violations it tolerates are left out of ``results`` (listed
under the run's ``properties.baselined`` instead), and each stale or expired entry is an
error of the rule ``importgate/baseline`` at the entry's line in the baseline file.
Left out rather than emitted with ``suppressions`` / ``baselineState``: GitHub code
scanning ignores both (github/codeql-action#1230; projects strip suppressed results
before uploading for that reason), so a suppressed result would open an alert for each
tolerated violation; a result that is absent closes its alert as fixed, and the
baseline file, reviewed like code, stays the record of the debt.

File URIs are relative, with ``uriBaseId`` ``SRCROOT`` (defined in
``originalUriBaseIds`` as the working directory the check ran in). Built as plain dicts:
the SARIF object-model packages on PyPI are unmaintained and add nothing here; the test
suite validates every log against the official OASIS schema.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from importgate import __version__
from importgate.model import CheckResult, ContractResult, Link, Violation
from importgate.report.locate import (
    BaselineProblem,
    Location,
    baseline_problems,
    chain_text,
    config_location,
    failing,
    link_location,
    primary_link,
    rule_ids,
    summary,
    uri_of,
    violation_location,
)

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "SRCROOT"
BASELINE_RULE = "importgate/baseline"
"""The rule of stale and expired baseline entries (a contract whose id is the same
pushes it to ``importgate/baseline-2``)."""


def _physical(where: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": uri_of(where.path), "uriBaseId": SRCROOT}
    }
    if where.path.startswith("/"):  # outside the working directory: an absolute file URI
        physical["artifactLocation"] = {"uri": Path(where.path).as_uri()}
    if where.line:
        physical["region"] = {"startLine": where.line}
    return physical


def _location(where: Location, message: str = "", ident: int | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": _physical(where)}
    if ident is not None:
        location["id"] = ident
    if message:
        location["message"] = {"text": message}
    return location


def _link_message(link: Link) -> str:
    code = f": {link.line_contents}" if link.line_contents else ""
    return f"{link.importer} imports {link.imported}{code}"


def _rule(ident: str, contract: ContractResult) -> dict[str, Any]:
    return {
        "id": ident,
        "name": contract.name,
        "shortDescription": {"text": contract.name},
        "fullDescription": {
            "text": f"importgate {contract.type} contract {contract.name!r}"
            + (f" (id {contract.id})" if contract.id else "")
        },
        "help": {
            "text": "Run `importgate check"
            + (f" --contract {contract.id}" if contract.id else "")
            + "` for every chain of imports that breaks this contract, file and line."
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "contract_type": contract.type,
            "kept": contract.kept,
            "status": contract.status,
        },
    }


def _fingerprint(rule: str, violation: Violation) -> str:
    """Stable across line moves: the rule and the modules of the chain, not the lines."""
    modules = [link.importer for link in violation.chain] + [violation.imported or ""]
    raw = "\n".join([rule, violation.importer or "", *modules, violation.message])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _result(
    result: CheckResult, contract: ContractResult, rule: str, index: int, violation: Violation
) -> dict[str, Any]:
    chain = chain_text(violation)
    text = summary(violation) + (f": {chain}" if chain else "")
    sarif: dict[str, Any] = {
        "ruleId": rule,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": text},
        "partialFingerprints": {"importgateViolation/v1": _fingerprint(rule, violation)},
    }
    where = violation_location(result, contract, violation)
    if where is not None:
        sarif["locations"] = [_location(where)]
    if violation.baseline == "expired":
        sarif["properties"] = {"baseline": "expired"}
    located = [(link, link_location(link)) for link in violation.chain]
    primary = primary_link(violation, contract)
    related = [
        _location(place, _link_message(link), number)
        for number, (link, place) in enumerate(located, start=1)
        if place is not None and link is not primary
    ]
    if related:
        sarif["relatedLocations"] = related
    steps = [
        {"location": _location(place, _link_message(link))}
        for link, place in located
        if place is not None
    ]
    if len(steps) > 1:
        sarif["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
    return sarif


def _baseline_rule_id(ids: list[str]) -> str:
    ident, n = BASELINE_RULE, 2
    while ident in ids:
        ident, n = f"{BASELINE_RULE}-{n}", n + 1
    return ident


def _baseline_rule(ident: str, file: str) -> dict[str, Any]:
    return {
        "id": ident,
        "name": "baseline entry",
        "shortDescription": {"text": "A baseline entry that must be deleted or renewed"},
        "fullDescription": {
            "text": f"An entry of the baseline {file} whose violation is gone (stale) "
            "or whose expires date has passed (expired)."
        },
        "help": {
            "text": "Delete a stale entry (or run `importgate baseline --prune`); fix an "
            "expired entry's violation, or move its expires date."
        },
        "defaultConfiguration": {"level": "error"},
    }


def _baseline_result(problem: BaselineProblem, rule: str, index: int) -> dict[str, Any]:
    entry = problem.entry
    raw = "\n".join([rule, entry.contract, entry.fingerprint])
    return {
        "ruleId": rule,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": problem.message},
        "locations": [_location(problem.where)],
        "partialFingerprints": {
            "importgateViolation/v1": hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
        },
    }


def _baselined(result: CheckResult, ids: list[str]) -> list[dict[str, Any]]:
    """What the baseline tolerated in this run: rule, fingerprint and the two ends."""
    return [
        {
            "ruleId": rule,
            "fingerprint": violation.fingerprint,
            "importer": violation.importer,
            "imported": violation.imported,
        }
        for rule, contract in zip(ids, result.contracts, strict=True)
        for violation in contract.violations
        if not violation.failing
    ]


def to_log(result: CheckResult) -> dict[str, Any]:
    """The SARIF log as plain data."""
    ids = rule_ids(result)
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for index, (rule, contract) in enumerate(zip(ids, result.contracts, strict=True)):
        for violation in failing(contract):
            results.append(_result(result, contract, rule, index, violation))
        for warning in contract.warnings:
            note: dict[str, Any] = {
                "level": "warning",
                "message": {"text": warning},
                "associatedRule": {"id": rule, "index": index},
            }
            where = config_location(result, contract)
            if where is not None:
                note["locations"] = [_location(where)]
            notifications.append(note)
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "exitCode": 0 if result.passed else 1,
    }
    if notifications:
        invocation["toolConfigurationNotifications"] = notifications
    rules = [_rule(ident, c) for ident, c in zip(ids, result.contracts, strict=True)]
    properties: dict[str, Any] = {
        "root_packages": list(result.root_packages),
        "config_file": result.config_file,
        "module_count": result.module_count,
        "import_count": result.import_count,
    }
    if result.baseline is not None:
        rule = _baseline_rule_id(ids)
        rules.append(_baseline_rule(rule, result.baseline.file))
        results.extend(_baseline_result(p, rule, len(ids)) for p in baseline_problems(result))
        properties["baseline_file"] = result.baseline.file
        properties["baselined"] = _baselined(result, ids)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "importgate",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": properties,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult) -> str:
    return json.dumps(to_log(result), indent=2) + "\n"
