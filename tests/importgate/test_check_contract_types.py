"""Kept and broken verdicts for each standard contract type and for ``acyclic``."""

from __future__ import annotations

import pytest

from tests.importgate.conftest import ini, run_cli

BASE = """
    [importlinter]
    root_package = app
    contract_types =
        acyclic: importgate.contracts.acyclic.AcyclicContract
    """

CLEAN = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "from app.domain import models\n",
    "app/domain/__init__.py": "",
    "app/domain/models.py": "from app.util import helpers\n",
    "app/billing/__init__.py": "",
    "app/billing/invoices.py": "import app.util.helpers\n",
    "app/util/__init__.py": "",
    "app/util/helpers.py": "X = 1\n",
}

CONTRACTS = {
    "layers": """
        [importlinter:contract:c]
        name = layers
        type = layers
        containers = app
        layers =
            api
            domain | billing
            util
        """,
    "independence": """
        [importlinter:contract:c]
        name = independence
        type = independence
        modules =
            app.domain
            app.billing
        """,
    "forbidden": """
        [importlinter:contract:c]
        name = forbidden
        type = forbidden
        source_modules = app.util
        forbidden_modules = app.api
        """,
    "acyclic_siblings": """
        [importlinter:contract:c]
        name = siblings
        type = acyclic_siblings
        ancestors = app
        """,
    "acyclic": """
        [importlinter:contract:c]
        name = acyclic
        type = acyclic
        packages = app
        """,
}

# One extra import that breaks each contract above.
BREAKERS = {
    "layers": ("app/util/helpers.py", "X = 1\nfrom app.api import views\n", 2),
    "independence": (
        "app/billing/invoices.py",
        "import app.util.helpers\nimport app.domain.models\n",
        2,
    ),
    "forbidden": ("app/util/helpers.py", "X = 1\nfrom app.api import views\n", 2),
    "acyclic_siblings": ("app/util/helpers.py", "X = 1\nfrom app.api import views\n", 2),
    "acyclic": ("app/util/helpers.py", "X = 1\nfrom app.api import views\n", 2),
}


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
def test_contract_kept_then_broken_with_location(project, kind):
    root = project(CLEAN, ini(BASE, CONTRACTS[kind]))
    kept = run_cli(root, "check", "--format", "json")
    assert kept.returncode == 0, kept.stderr
    assert kept.json["contracts"][0]["kept"] is True

    path, source, line = BREAKERS[kind]
    (root / path).write_text(source, encoding="utf-8")
    broken = run_cli(root, "check", "--format", "json")
    assert broken.returncode == 1, broken.stderr
    contract = broken.json["contracts"][0]
    assert contract["kept"] is False
    locations = {
        (link["path"], link["line_number"])
        for violation in contract["violations"]
        for link in violation["chain"]
    }
    assert (path, line) in locations

    text = run_cli(root, "check")
    assert text.returncode == 1
    assert f"{path}:{line}" in text.stdout


def test_acyclic_finds_deep_cycles_that_acyclic_siblings_misses(project):
    # A cycle between two modules of the same leaf package... and one spanning depths.
    files = dict(CLEAN)
    files["app/domain/models.py"] = "from app.domain import rules\n"
    files["app/domain/rules.py"] = "from app.domain import models\n"
    config = ini(
        BASE,
        """
        [importlinter:contract:siblings]
        name = siblings, one level only
        type = acyclic_siblings
        ancestors = app
        depth = 0
        [importlinter:contract:deep]
        name = acyclic at every depth
        type = acyclic
        packages = app
        """,
    )
    root = project(files, config)
    run = run_cli(root, "check", "--format", "json")
    verdicts = {c["id"]: c["kept"] for c in run.json["contracts"]}
    assert verdicts == {"siblings": True, "deep": False}
    [violation] = run.json["contracts"][1]["violations"]
    chain = violation["chain"]
    assert [link["importer"] for link in chain] == ["app.domain.models", "app.domain.rules"]
    assert chain[-1]["imported"] == chain[0]["importer"], "a cycle is a closed chain"
    assert {link["path"] for link in chain} == {"app/domain/models.py", "app/domain/rules.py"}
    breakers = run.json["contracts"][1]["details"]["cycle_breakers"]
    assert len(breakers) == 1
    assert (breakers[0]["importer"], breakers[0]["imported"]) in {
        ("app.domain.models", "app.domain.rules"),
        ("app.domain.rules", "app.domain.models"),
    }


def test_acyclic_reports_each_cycle_once_smallest_first(project):
    files = {
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "import app.a\nimport app.c\n",
        "app/c.py": "import app.d\n",
        "app/d.py": "import app.b\n",
    }
    config = ini(BASE, CONTRACTS["acyclic"])
    run = run_cli(project(files, config), "check", "--format", "json")
    assert run.returncode == 1
    violations = run.json["contracts"][0]["violations"]
    cycles = [[link["importer"] for link in v["chain"]] for v in violations]
    assert cycles == [["app.a", "app.b"], ["app.b", "app.c", "app.d"]]


TYPING_FILES = {
    "app/__init__.py": "",
    "app/a.py": "from app import b\n",
    "app/b.py": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from app.a import Thing
        """,
}


def test_acyclic_runtime_only_ignores_type_checking_imports(project):
    config = ini(
        BASE,
        """
        [importlinter:contract:all]
        name = all imports
        type = acyclic
        packages = app
        [importlinter:contract:runtime]
        name = runtime imports
        type = acyclic
        packages = app
        runtime_only = true
        """,
    )
    run = run_cli(project(TYPING_FILES, config), "check", "--format", "json")
    verdicts = {c["id"]: c["kept"] for c in run.json["contracts"]}
    assert verdicts == {"all": False, "runtime": True}
    chain = run.json["contracts"][0]["violations"][0]["chain"]
    kinds = {link["importer"]: link["kind"] for link in chain}
    assert kinds == {"app.a": "runtime", "app.b": "typing"}


def test_exclude_type_checking_imports_session_option(project):
    config = BASE.replace(
        "root_package = app", "root_package = app\n    exclude_type_checking_imports = true"
    )
    config = ini(config, CONTRACTS["acyclic"])
    run = run_cli(project(TYPING_FILES, config), "check")
    assert run.returncode == 0, run.stdout + run.stderr


def test_acyclic_ignore_imports(project):
    files = {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a\n"}
    config = ini(BASE, CONTRACTS["acyclic"], "ignore_imports = app.b -> app.a")
    assert run_cli(project(files, config), "check").returncode == 0
