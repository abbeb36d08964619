"""Every complete configuration shown in README.md and docs/ works when pasted.

Each ```ini block that declares an ``[importlinter]`` section is read by import-linter's
own reader (as ``lint-imports`` reads it) and every contract in it is instantiated, which
validates its options. Catches the two mistakes a reader would copy: a single-line
``root_packages = pkg`` (import-linter keeps it as a string and iterates its letters) and
an inline ``; comment`` (import-linter's INI reader keeps it as part of the value).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from importlinter.domain.contract import InvalidContractOptions

from importgate.engine import linter

ROOT = Path(__file__).parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LIST_OPTIONS = ("root_packages", "contract_types")


def _configurations() -> list[pytest.param]:
    found = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for match in re.finditer(r"```ini\n(.*?)```", text, flags=re.S):
            if re.search(r"^\[importlinter\]$", match.group(1), flags=re.M):
                line = text.count("\n", 0, match.start()) + 1
                where = f"{document.relative_to(ROOT).as_posix()}:{line}"
                found.append(pytest.param(match.group(1), id=where))
    return found


CONFIGURATIONS = _configurations()


def test_the_documents_show_configurations():
    assert len(CONFIGURATIONS) >= 3, [param.id for param in CONFIGURATIONS]


@pytest.mark.parametrize("block", CONFIGURATIONS)
def test_documented_configuration_is_accepted_by_import_linter(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".importlinter").write_text(block, encoding="utf-8")
    options = linter.read_options(".importlinter")
    for name in LIST_OPTIONS:
        value = options.session_options.get(name, [])
        assert isinstance(value, list), (
            f"{name} = {value}: a single-line value is read as a string; put each item on "
            "its own indented line (or write root_package = ... for one package)"
        )
    sections = [options.session_options, *options.contracts_options]
    for section in sections:
        for key, value in section.items():
            for item in value if isinstance(value, list) else [value]:
                assert not re.search(r"\s[;#]", item), f"inline comment kept: {key} = {item}"
    if not options.contracts_options:
        return  # the session section alone, shown before its contracts
    try:
        for selected in linter.select_contracts(options, ".importlinter", ()):
            linter.instantiate(selected, options)
    except InvalidContractOptions as error:
        pytest.fail(f"invalid contract options: {error.errors}")


def test_every_command_and_option_is_documented():
    from importgate.cli import cli

    docs = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "docs").rglob("*.md"))
    missing = [f"importgate {name}" for name in cli.commands if f"importgate {name}" not in docs]
    for name, command in cli.commands.items():
        missing += [
            f"importgate {name} {option}"
            for parameter in command.params
            for option in parameter.opts
            if option.startswith("--") and option not in docs
        ]
    assert not missing, "not in docs/: " + ", ".join(missing)
