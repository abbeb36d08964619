"""importgate check and lint-imports give the same verdict on the same configuration.

Both tools run as subprocesses on the same generated project; importgate's per-contract
``kept`` must equal lint-imports' KEPT / BROKEN line for every contract, and when
lint-imports cannot run, importgate must exit 2.
"""

from __future__ import annotations

import re

import pytest

from tests.importgate.conftest import ini, run_cli

FILES = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/views.py": "from app.domain import models\nimport json\n",
    "app/domain/__init__.py": "",
    "app/domain/models.py": """
        from typing import TYPE_CHECKING
        from app.util import helpers
        if TYPE_CHECKING:
            from app.api import views
        """,
    "app/domain/rules.py": "from app.domain import models\n",
    "app/billing/__init__.py": "",
    "app/billing/invoices.py": "import app.util.helpers\nimport app.domain.rules\n",
    "app/util/__init__.py": "",
    "app/util/helpers.py": "def later():\n    from app.billing import invoices\n",
    "lib/__init__.py": "",
    "lib/core.py": "import app.util.helpers\n",
    "nsroot/alpha/__init__.py": "",
    "nsroot/alpha/one.py": "import nsroot.beta.two\n",
    "nsroot/beta/__init__.py": "",
    "nsroot/beta/two.py": "X = 2\n",
}

SESSION = """
    [importlinter]
    root_packages =
        app
        lib
    contract_types =
        acyclic: importgate.contracts.acyclic.AcyclicContract
    """

CONTRACTS = """
    [importlinter:contract:layers]
    name = layers
    type = layers
    containers = app
    layers =
        api
        domain | billing
        util

    [importlinter:contract:layers-exhaustive]
    name = layers exhaustive
    type = layers
    containers = app
    layers =
        api
        domain
    exhaustive = true

    [importlinter:contract:ignored]
    name = layers with ignore
    type = layers
    containers = app
    layers =
        api
        domain | billing
        util
    ignore_imports =
        app.util.helpers -> app.billing.invoices
        app.domain.models -> app.api.views

    [importlinter:contract:unmatched-warn]
    name = unmatched ignore warns
    type = forbidden
    source_modules = lib
    forbidden_modules = app.api
    ignore_imports = lib.core -> app.api.views
    unmatched_ignore_imports_alerting = warn

    [importlinter:contract:unmatched-none]
    name = unmatched ignore silent
    type = forbidden
    source_modules = lib
    forbidden_modules = app.billing
    ignore_imports = lib.core -> app.api.views
    unmatched_ignore_imports_alerting = none

    [importlinter:contract:independence]
    name = independence
    type = independence
    modules =
        app.domain
        app.billing

    [importlinter:contract:protected]
    name = protected
    type = protected
    protected_modules = app.util
    allowed_importers = app.domain

    [importlinter:contract:siblings]
    name = siblings
    type = acyclic_siblings
    ancestors = app

    [importlinter:contract:acyclic]
    name = acyclic custom type
    type = acyclic
    packages = app

    [importlinter:contract:api-leaf]
    name = nothing in api imports lib
    type = forbidden
    source_modules = app.api
    forbidden_modules = lib

    [importlinter:contract:acyclic-api]
    name = api has no cycles
    type = acyclic
    packages = app.api

    [importlinter:contract:acyclic-runtime]
    name = acyclic runtime only
    type = acyclic
    packages = app
    runtime_only = true
    """


def lint_imports_verdicts(run) -> dict[str, bool]:
    verdicts = {}
    for line in run.stdout.splitlines():
        match = re.fullmatch(r"(.+?) (KEPT|BROKEN)(?: \(.*\))?", line.strip())
        if match:
            verdicts[match.group(1)] = match.group(2) == "KEPT"
    return verdicts


def assert_same_verdicts(root, *args: str) -> dict[str, bool]:
    theirs = run_cli(root, "--no-logo", *args, command="lint-imports")
    ours = run_cli(root, "check", "--format", "json", *args)
    if theirs.returncode != 0 and not lint_imports_verdicts(theirs):
        # lint-imports could not run: importgate must say so with exit 2.
        assert ours.returncode == 2, (theirs.stdout, ours.stdout, ours.stderr)
        return {}
    assert ours.returncode in (0, 1), ours.stderr
    verdicts = {c["name"]: c["kept"] for c in ours.json["contracts"]}
    assert verdicts == lint_imports_verdicts(theirs)
    assert ours.returncode == (0 if all(verdicts.values()) else 1)
    assert (theirs.returncode == 0) == (ours.returncode == 0)
    return verdicts


def test_parity_across_contract_types_and_options(project):
    root = project(FILES, ini(SESSION, CONTRACTS))
    verdicts = assert_same_verdicts(root)
    # The fixture exercises both outcomes, so the comparison means something.
    assert set(verdicts.values()) == {True, False}
    assert len(verdicts) == 12


def test_parity_with_exclude_type_checking_imports(project):
    session = SESSION.replace(
        "contract_types", "exclude_type_checking_imports = true\n    contract_types"
    )
    # With typing imports gone this ignore_imports entry would match nothing (an error in
    # both tools), so leave it out here.
    contracts = CONTRACTS.replace("        app.domain.models -> app.api.views\n", "")
    root = project(FILES, ini(session, contracts))
    assert len(assert_same_verdicts(root)) == 12


@pytest.mark.parametrize("roots", ["nsroot", "nsroot.alpha\n            nsroot.beta"])
def test_parity_on_namespace_packages(project, roots):
    config = f"""
        [importlinter]
        root_packages =
            {roots}
        [importlinter:contract:ns]
        name = alpha must not import beta
        type = forbidden
        source_modules = nsroot.alpha
        forbidden_modules = nsroot.beta
        """
    root = project(FILES, config)
    verdicts = assert_same_verdicts(root)
    assert verdicts == {"alpha must not import beta": False}


def test_parity_with_limited_contracts_and_pyproject(project):
    root = project(
        FILES,
        """
        [tool.importlinter]
        root_packages = ["app", "lib"]

        [[tool.importlinter.contracts]]
        id = "one"
        name = "lib independent of api"
        type = "forbidden"
        source_modules = ["lib"]
        forbidden_modules = ["app.api"]

        [[tool.importlinter.contracts]]
        id = "two"
        name = "util must not import billing"
        type = "forbidden"
        source_modules = ["app.util"]
        forbidden_modules = ["app.billing"]
        """,
        config_name="pyproject.toml",
    )
    assert assert_same_verdicts(root) == {
        "lib independent of api": False,
        "util must not import billing": False,
    }
    assert assert_same_verdicts(root, "--contract", "two") == {
        "util must not import billing": False
    }


def test_parity_when_lint_imports_cannot_run(project):
    root = project(FILES, ini(SESSION, CONTRACTS, "    exhaustiv = true"))
    assert assert_same_verdicts(root) == {}
