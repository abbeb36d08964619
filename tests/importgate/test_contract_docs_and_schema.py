"""The file-level contract types against the JSON schema, and the documented examples."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import jsonschema
import pytest
from importlinter.domain.contract import InvalidContractOptions

from importgate.contracts.absent import AbsentContract
from importgate.contracts.import_time import ImportTimeContract
from importgate.contracts.module_size import ModuleSizeContract
from importgate.contracts.public_api import PublicApiContract
from tests.importgate.conftest import ini, run_cli
from tests.importgate.gate_contracts import BASE, contract

DOCS = Path(__file__).parents[2] / "docs"
SCHEMA = json.loads((DOCS / "json-report.schema.json").read_text())
TYPES = {
    "import_time": ImportTimeContract,
    "public_api": PublicApiContract,
    "module_size": ModuleSizeContract,
    "absent": AbsentContract,
}

FILES = {
    "app/__init__.py": "",
    "app/api.py": '__all__ = ["gone"]\n',
    "app/big.py": "X = 1\n" * 30,
    "app/old_legacy.py": "",
    "app/fails.py": "raise RuntimeError('boom')\n",
}


def test_every_file_level_contract_broken_in_one_report_matches_the_schema(project):
    config = ini(
        BASE,
        contract("public_api", "modules = app.api", contract_id="api"),
        contract("module_size", "packages = app", "max_lines = 10", contract_id="size"),
        contract("absent", "modules = **.*_legacy", contract_id="gone"),
        contract("import_time", "modules = app.fails", "runs = 1", contract_id="time"),
    )
    root = project(FILES, config)
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    jsonschema.validate(run.json, SCHEMA, cls=jsonschema.Draft202012Validator)
    located = {c["id"]: [v["path"] for v in c["violations"]] for c in run.json["contracts"]}
    assert located == {
        "api": ["app/api.py"],
        "size": ["app/big.py"],
        "gone": ["app/old_legacy.py"],
        "time": ["app/fails.py"],
    }
    assert "RuntimeError: boom" in run.json["contracts"][3]["violations"][0]["message"]
    lint = run_cli(root, "--no-logo", command="lint-imports")
    assert lint.returncode == 1
    assert "Contracts: 0 kept, 4 broken." in lint.stdout


def _documented_sections() -> list[tuple[str, dict[str, str | list[str]]]]:
    text = (DOCS / "contracts.md").read_text() + (DOCS.parent / "README.md").read_text()
    sections = []
    mine = re.compile(rf"^type = ({'|'.join(TYPES)})$", flags=re.M)
    for block in re.findall(r"```ini\n(.*?)```", text, flags=re.S):
        if not mine.search(block):
            continue  # other contract types' examples are other tests' business
        parser = configparser.ConfigParser()
        parser.read_string(block)
        for name in parser.sections():
            options = dict(parser[name])
            if options.get("type") in TYPES:
                sections.append((name, options))
    return sections


@pytest.mark.parametrize(("section", "options"), _documented_sections())
def test_documented_examples_have_valid_options(section, options):
    # import-linter hands multi-line values over as lists, as its INI reader does.
    parsed = {
        key: [line for line in value.splitlines() if line] if "\n" in value else value
        for key, value in options.items()
    }
    try:
        TYPES[options["type"]](name=section, session_options={}, contract_options=parsed)
    except InvalidContractOptions as error:
        pytest.fail(f"{section}: {error.errors}")
