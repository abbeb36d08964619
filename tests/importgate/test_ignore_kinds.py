"""``ignore_kinds`` on layers / forbidden / independence (importgate's subclasses) and acyclic."""

from __future__ import annotations

import textwrap

import pytest

from tests.importgate.conftest import ini, run_cli

SESSION = """
    [importlinter]
    root_package = app
    contract_types =
        acyclic: importgate.contracts.acyclic.AcyclicContract
        layers_kinds: importgate.contracts.standard.LayersContract
        forbidden_kinds: importgate.contracts.standard.ForbiddenContract
        independence_kinds: importgate.contracts.standard.IndependenceContract
    """

# low imports high twice, but only where the import never runs at import time.
FILES = {
    "app/__init__.py": "",
    "app/high.py": "from app import low\n",
    "app/low.py": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from app.high import Thing


        def later():
            from app import high

            return high
        """,
}


def contract(type_name: str, ignore_kinds: str | None, body: str) -> str:
    extra = f"ignore_kinds = {ignore_kinds}\n" if ignore_kinds is not None else ""
    return f"[importlinter:contract:c]\nname = c\ntype = {type_name}\n{body}{extra}"


LAYERS = "containers = app\nlayers =\n    high\n    low\n"
FORBIDDEN = "source_modules = app.low\nforbidden_modules = app.high\n"
# high -> low is a plain runtime import: only low's imports of high are under test.
INDEPENDENCE = "modules =\n    app.low\n    app.high\nignore_imports = app.high -> app.low\n"
ACYCLIC = "packages = app\n"

CASES = [
    ("layers_kinds", LAYERS),
    ("forbidden_kinds", FORBIDDEN),
    ("independence_kinds", INDEPENDENCE),
    ("acyclic", ACYCLIC),
]


@pytest.mark.parametrize(("type_name", "body"), CASES)
@pytest.mark.parametrize(
    ("ignore_kinds", "kept"),
    [(None, False), ("typing", False), ("deferred", False), ("typing, deferred", True)],
)
def test_ignore_kinds_verdicts(project, type_name, body, ignore_kinds, kept):
    root = project(FILES, ini(SESSION, contract(type_name, ignore_kinds, body)))
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == (0 if kept else 1), run.stderr
    result = run.json["contracts"][0]
    assert result["kept"] is kept
    if kept:
        assert result["details"]["ignored_kind_import_count"] == 1
        return
    # The remaining low -> high link is shown with its kind: the ignored kind is gone.
    kinds = {
        link["kind"]
        for violation in result["violations"]
        for link in violation["chain"]
        if link["importer"] == "app.low"
    }
    # With nothing ignored the deferred line is shown first (it runs, the typing one never).
    expected = {None: {"deferred"}, "typing": {"deferred"}, "deferred": {"typing"}}
    assert kinds == expected[ignore_kinds]


def test_runtime_line_keeps_the_edge(project):
    files = dict(FILES)
    files["app/low.py"] = textwrap.dedent(FILES["app/low.py"]) + "import app.high\n"
    root = project(files, ini(SESSION, contract("layers_kinds", "typing, deferred", LAYERS)))
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1
    [violation] = run.json["contracts"][0]["violations"]
    [link] = violation["chain"]
    assert (link["kind"], link["line_numbers"]) == ("runtime", [11])
    text = run_cli(root, "check")
    assert "app/low.py:11  import app.high\n" in text.stdout, "ignored lines are not shown"


def test_text_report_shows_kind_of_each_link(project):
    root = project(FILES, ini(SESSION, contract("layers_kinds", "typing", LAYERS)))
    text = run_cli(root, "check")
    assert text.returncode == 1
    assert "app/low.py:8  from app import high  [deferred]" in text.stdout


@pytest.mark.parametrize("type_name", ["layers_kinds", "acyclic"])
def test_lint_imports_gives_the_same_verdict(project, type_name):
    body = dict(CASES)[type_name]
    root = project(FILES, ini(SESSION, contract(type_name, "typing, deferred", body)))
    assert run_cli(root, command="lint-imports").returncode == 0
    root = project(FILES, ini(SESSION, contract(type_name, "typing", body)))
    assert run_cli(root, command="lint-imports").returncode == 1


def test_unknown_kind_is_a_configuration_error(project):
    root = project(FILES, ini(SESSION, contract("layers_kinds", "typing, lazy", LAYERS)))
    run = run_cli(root, "check")
    assert run.returncode == 2
    assert "ignore_kinds: Unknown import kind 'lazy'" in run.stderr
