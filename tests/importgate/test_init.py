"""``importgate init PACKAGE``: the proposed contracts pass ``check`` as printed."""

from __future__ import annotations

from tests.importgate.conftest import run_cli

# api over (orders : payments, a cycle) over util, with reports beside them (it only
# imports util). payments is a package: its descendants count for it.
FILES = {
    "shop/__init__.py": "",
    "shop/api.py": "from shop import orders\n",
    "shop/reports.py": "import shop.util.text\n",
    "shop/orders.py": "import shop.payments\nimport shop.util\n",
    "shop/payments/__init__.py": "from shop.payments import card\n",
    "shop/payments/card.py": "from shop import orders\n",
    "shop/util/__init__.py": "",
    "shop/util/text.py": "X = 1\n",
}


def test_proposal_layout(project):
    root = project(FILES)
    run = run_cli(root, "init", "shop")
    assert run.returncode == 0, run.stderr
    layers = run.stdout.split("layers =\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert layers == [
        "    api",
        "    reports",
        "    # CYCLE: orders, payments import each other (orders -> payments -> orders); "
        "grouped with ':' until the cycle is broken",
        "    orders : payments",
        "    util",
    ]
    ignored = run.stdout.split("ignore_imports =\n", 1)[1].splitlines()
    assert ignored == [
        "    shop.orders -> shop.payments",
        "    shop.payments -> shop.payments.card",
        "    shop.payments.card -> shop.orders",
    ]


def test_round_trip_passes_check_and_lint_imports(project):
    root = project(FILES)
    run = run_cli(root, "init", "shop")
    (root / ".importlinter").write_text(run.stdout, encoding="utf-8")
    check = run_cli(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert run_cli(root, command="lint-imports").returncode == 0

    # The proposal is a real contract: a new upward import breaks it.
    (root / "shop/util/text.py").write_text("X = 1\nimport shop.api\n", encoding="utf-8")
    broken = run_cli(root, "check")
    assert broken.returncode == 1
    assert "shop/util/text.py:2  import shop.api" in broken.stdout


def test_independent_children_share_a_layer(project):
    files = {
        "app/__init__.py": "",
        "app/top.py": "import app.a\nimport app.b\n",
        "app/a.py": "import app.base\n",
        "app/b.py": "import app.base\n",
        "app/base.py": "",
    }
    root = project(files)
    run = run_cli(root, "init", "app")
    assert "layers =\n    top\n    a | b\n    base\n" in run.stdout
    assert "ignore_imports" not in run.stdout
    (root / ".importlinter").write_text(run.stdout, encoding="utf-8")
    assert run_cli(root, "check").returncode == 0


def test_init_errors(project):
    root = project({"app/__init__.py": "", "app/only.py": ""})
    missing = run_cli(root, "init", "nowhere")
    assert missing.returncode == 2
    assert "'nowhere'" in missing.stderr and "Traceback" not in missing.stderr
    # The package came from the command line, not from a configuration's root_packages.
    assert "given to importgate init" in missing.stderr
    assert "root_packages" not in missing.stderr
    inside = run_cli(root, "init", "app.nowhere")
    assert inside.returncode == 2
    assert "'app.nowhere' is not in the import graph of app" in inside.stderr
    assert "importgate init app" in inside.stderr
    leaf = run_cli(root, "init", "app.only")
    assert leaf.returncode == 2
    assert "'app.only' has no submodules" in leaf.stderr
