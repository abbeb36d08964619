"""The declared architecture holds, and breaking it inside the orchestrator is caught.

A copy of the auditflow package (renamed ``afcopy`` so the installed one cannot shadow it)
gets an upward import ``types -> core``; ``importgate check`` and ``lint-imports`` must both
fail, naming the file and line of that import.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.importgate.conftest import run_cli

REPO = Path(__file__).resolve().parents[2]


def _auditflow_contracts(config: str) -> str:
    """The repository's auditflow contracts, renamed to the copy."""
    sections = re.split(r"(?m)^(?=\[)", config)
    kept = [part for part in sections if part.startswith("[importlinter:contract:auditflow")]
    assert len(kept) == 3, "expected the auditflow layers, orchestrator and acyclic contracts"
    return "".join(kept).replace("auditflow", "afcopy")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "src" / "auditflow", tmp_path / "afcopy",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for module in (tmp_path / "afcopy").rglob("*.py"):
        module.write_text(module.read_text(encoding="utf-8").replace("auditflow", "afcopy"))
    config = (REPO / ".importlinter").read_text(encoding="utf-8")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_packages =\n    afcopy\ncontract_types =\n"
        "    acyclic: importgate.contracts.acyclic.AcyclicContract\n\n"
        + _auditflow_contracts(config),
        encoding="utf-8",
    )
    return tmp_path


def test_the_copy_keeps_every_contract(copy: Path) -> None:
    done = run_cli(copy, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("KEPT") == 3


def test_types_importing_core_breaks_the_orchestrator_contract_at_that_line(copy: Path) -> None:
    types = copy / "afcopy" / "engine" / "orchestrator" / "types.py"
    lines = types.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("from afcopy.core.settings"))
    lines.insert(at + 1, "from afcopy.engine.orchestrator import core  # noqa: F401")
    types.write_text("\n".join(lines) + "\n", encoding="utf-8")
    where = f"afcopy/engine/orchestrator/types.py:{at + 2}"

    checked = run_cli(copy, "check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "BROKEN the orchestrator package" in checked.stdout
    assert where in checked.stdout
    assert "from afcopy.engine.orchestrator import core" in checked.stdout

    linted = run_cli(copy, "--no-logo", command="lint-imports")
    assert linted.returncode == 1
    assert "afcopy.engine.orchestrator.types -> afcopy.engine.orchestrator.core" in linted.stdout


def test_validation_importing_aggregation_breaks_their_independence(copy: Path) -> None:
    module = copy / "afcopy" / "engine" / "orchestrator" / "validation.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\nfrom afcopy.engine.orchestrator import aggregation  # noqa\n")
    checked = run_cli(copy, "check")
    assert checked.returncode == 1
    line = len(text.splitlines()) + 2
    assert f"afcopy/engine/orchestrator/validation.py:{line}" in checked.stdout


def test_export_importing_validation_breaks_the_orchestrator_contract(copy: Path) -> None:
    module = copy / "afcopy" / "engine" / "orchestrator" / "export.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\nfrom afcopy.engine.orchestrator import validation  # noqa\n")
    checked = run_cli(copy, "check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    line = len(text.splitlines()) + 2
    assert f"afcopy/engine/orchestrator/export.py:{line}" in checked.stdout
