"""``public_api``: exported names stay importable, statically resolved (griffe)."""

from __future__ import annotations

import json

from tests.importgate.conftest import ini, run_cli, write_tree
from tests.importgate.gate_contracts import BASE, contract

API = {
    "app/__init__.py": "",
    "app/api/__init__.py": """
        from app.api.shapes import Circle, area as surface
        from .util import helper

        __all__ = ["Circle", "surface", "helper", "VERSION"]

        VERSION = "1"
        """,
    "app/api/shapes.py": """
        class Circle:
            pass


        def area(shape):
            return 0
        """,
    "app/api/util.py": """
        def helper():
            return 1
        """,
}

SNAPSHOT_CONTRACT = ini(BASE, contract("public_api", "modules = app.api", "source = snapshot"))


def snapshot(root):
    run = run_cli(root, "snapshot", "app.api")
    assert run.returncode == 0, run.stderr
    assert "app.api: 4 names (__all__) -> contracts/public_api/app.api.json" in run.stdout
    return json.loads((root / "contracts/public_api/app.api.json").read_text())


def test_snapshot_records_names_and_definitions(project):
    document = snapshot(project(API, SNAPSHOT_CONTRACT))
    assert document["names"] == {
        "Circle": "app.api.shapes.Circle",
        "VERSION": "app.api.VERSION",
        "helper": "app.api.util.helper",
        "surface": "app.api.shapes.area",
    }


def test_kept_when_a_name_moves_to_a_submodule_and_is_still_re_exported(project):
    root = project(API, SNAPSHOT_CONTRACT)
    snapshot(root)
    write_tree(
        root,
        {
            "app/api/util.py": "from app.api.helpers.impl import helper\n",
            "app/api/helpers/__init__.py": "",
            "app/api/helpers/impl.py": "def helper():\n    return 2\n",
        },
    )
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.json["contracts"][0]["warnings"] == []
    assert run_cli(root, "--no-logo", command="lint-imports").returncode == 0


def test_broken_when_a_name_disappears(project):
    root = project(API, SNAPSHOT_CONTRACT)
    snapshot(root)
    (root / "app/api/util.py").write_text("def other():\n    return 1\n")
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    [violation] = run.json["contracts"][0]["violations"]
    assert "'helper' from app.api.util.helper, which does not exist" in violation["message"]
    assert (violation["path"], violation["line_number"]) == ("app/api/__init__.py", 2)

    text = run_cli(root, "check")
    assert "app/api/__init__.py:2" in text.stdout
    lint = run_cli(root, "--no-logo", command="lint-imports")
    assert lint.returncode == 1
    assert "app.api.util.helper, which does not exist" in lint.stdout


def test_removed_and_renamed_names_are_listed_added_ones_are_warnings(project):
    root = project(API, SNAPSHOT_CONTRACT)
    snapshot(root)
    (root / "app/api/__init__.py").write_text(
        "from app.api.shapes import Circle, area\n"
        "from .util import helper\n\n"
        '__all__ = ["Circle", "area", "helper", "new_thing"]\n\n'
        "def new_thing():\n    pass\n"
    )
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1
    [result] = run.json["contracts"]
    messages = sorted(v["message"] for v in result["violations"])
    assert messages == [
        "app.api.VERSION was removed (listed in contracts/public_api/app.api.json)",
        "app.api.surface was renamed to area (app.api.shapes.area)",
    ]
    assert sorted(result["warnings"]) == [
        "app.api: new exported name 'area' (not in contracts/public_api/app.api.json)",
        "app.api: new exported name 'new_thing' (not in contracts/public_api/app.api.json)",
    ]
    assert result["details"]["public_api"]["app.api"]["added"] == ["area", "new_thing"]


def test_all_mode_without_snapshot(project):
    config = ini(BASE, contract("public_api", "modules = app.api"))
    root = project(API, config)
    assert run_cli(root, "check").returncode == 0
    (root / "app/api/__init__.py").write_text(
        'from .util import helper\n\n__all__ = ["helper", "Circle"]\n'
    )
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1
    [violation] = run.json["contracts"][0]["violations"]
    assert violation["message"] == "app.api.Circle is listed in __all__ but not defined or imported"
    assert (violation["path"], violation["line_number"]) == ("app/api/__init__.py", 3)


def test_missing_snapshot_or_module_exits_2(project):
    root = project(API, SNAPSHOT_CONTRACT)
    run = run_cli(root, "check")
    assert run.returncode == 2
    assert "importgate snapshot app.api" in run.stderr
    assert "Traceback" not in run.stderr

    missing = run_cli(root, "snapshot", "app.nothere")
    assert missing.returncode == 2
    assert "app.nothere" in missing.stderr and "Traceback" not in missing.stderr


def test_snapshot_of_a_module_that_does_not_parse_says_so(project):
    # griffe skips such a file silently; the message must not claim it is missing.
    root = project({**API, "app/broken.py": "def oops(:\n", "app/latin.py": ""})
    (root / "app" / "latin.py").write_bytes(b"NAME = '\xe9t\xe9'\n")
    for module, detail in (("app.broken", "line 1"), ("app.latin", "utf-8")):
        run = run_cli(root, "snapshot", module)
        assert run.returncode == 2, run.stderr
        assert f"Module '{module}'" in run.stderr and "cannot be parsed" in run.stderr
        assert detail in run.stderr and "Fix that file" in run.stderr
        assert "cannot be found" not in run.stderr and "Traceback" not in run.stderr


def test_bad_source_option_exits_2(project):
    config = ini(BASE, contract("public_api", "modules = app.api", "source = git"))
    run = run_cli(project(API, config), "check")
    assert run.returncode == 2
    assert "Contract 'c'" in run.stderr and "source:" in run.stderr


def test_wildcard_re_exports_follow_the_submodules_all(project):
    files = {
        "app/__init__.py": "",
        "app/api/__init__.py": 'from .impl import *\n\n__all__ = ["shown", "hidden"]\n',
        "app/api/impl.py": """
            __all__ = ["shown"]

            def shown(): pass

            def hidden(): pass
            """,
    }
    config = ini(BASE, contract("public_api", "modules = app.api", "source = all"))
    run = run_cli(project(files, config), "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    [violation] = run.json["contracts"][0]["violations"]
    # `from .impl import *` brings only impl.__all__, as Python does: `hidden` is missing.
    assert violation["message"] == "app.api.hidden is listed in __all__ but not defined or imported"
