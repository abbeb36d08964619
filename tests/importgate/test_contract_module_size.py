"""``module_size``: kept and broken, both counting modes, under importgate and lint-imports."""

from __future__ import annotations

from tests.importgate.conftest import ini, run_cli
from tests.importgate.gate_contracts import BASE, contract

DOCUMENTED = '''"""A module docstring
that spans three lines.
"""
# a comment


def f():
    """One line."""
    return 1
'''

FILES = {
    "app/__init__.py": "",
    "app/small.py": "X = 1\n",
    "app/big.py": "\n".join(f"X{i} = {i}" for i in range(30)) + "\n",
    "app/sub/__init__.py": "",
    "app/sub/bigger.py": "\n".join(f"Y{i} = {i}" for i in range(40)) + "\n",
    "app/sub/documented.py": DOCUMENTED,
}


def test_offenders_listed_largest_first_with_paths(project):
    root = project(FILES, ini(BASE, contract("module_size", "packages = app", "max_lines = 25")))
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    [result] = run.json["contracts"]
    assert [(v["importer"], v["path"]) for v in result["violations"]] == [
        ("app.sub.bigger", "app/sub/bigger.py"),
        ("app.big", "app/big.py"),
    ]
    assert "40 lines (max_lines 25)" in result["violations"][0]["message"]
    assert result["details"]["module_size"]["largest"][0]["lines"] == 40

    text = run_cli(root, "check")
    assert text.returncode == 1
    assert text.stdout.index("app.sub.bigger has 40 lines") < text.stdout.index("app.big has 30")
    assert "app/sub/bigger.py" in text.stdout


def test_kept_when_every_module_fits(project):
    root = project(FILES, ini(BASE, contract("module_size", "packages = app", "max_lines = 40")))
    run = run_cli(root, "check")
    assert run.returncode == 0, run.stdout + run.stderr


def test_count_code_leaves_out_docstrings_comments_and_blanks(project):
    options = ("packages = app.sub.documented", "max_lines = 2")
    config_all = ini(BASE, contract("module_size", *options))
    config_code = ini(BASE, contract("module_size", *options, "count = code"))
    assert run_cli(project(FILES, config_all), "check").returncode == 1
    run = run_cli(project(FILES, config_code), "check", "--format", "json")
    assert run.returncode == 0, run.stdout
    assert run.json["contracts"][0]["details"]["module_size"]["largest"][0]["lines"] == 2


def test_ignore_modules_patterns(project):
    options = ("packages = app", "max_lines = 25", "ignore_modules = app.**.big*")
    run = run_cli(project(FILES, ini(BASE, contract("module_size", *options))), "check")
    assert run.returncode == 0, run.stdout


def test_lint_imports_agrees(project):
    root = project(FILES, ini(BASE, contract("module_size", "packages = app", "max_lines = 25")))
    run = run_cli(root, "--no-logo", command="lint-imports")
    assert run.returncode == 1
    assert "app.sub.bigger has 40 lines (max_lines 25)" in run.stdout
    assert "app/sub/bigger.py" in run.stdout


def test_bad_options_exit_2_naming_contract_and_option(project):
    bad = {
        "max_lines = many": "max_lines",
        "count = bytes": "count",
    }
    for option, field in bad.items():
        config = ini(BASE, contract("module_size", "packages = app", option))
        run = run_cli(project(FILES, config), "check")
        assert run.returncode == 2, run.stdout
        assert "Contract 'c'" in run.stderr and f"{field}:" in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
