"""Every way ``importgate check`` can fail to run: exit 2, one clear paragraph, no traceback."""

from __future__ import annotations

import pytest

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli


def assert_could_not_run(run, *fragments: str) -> None:
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    assert "importgate: could not run." in run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, (fragment, run.stderr)


def test_no_configuration_at_all(project):
    root = project(LAYERED)
    assert_could_not_run(
        run_cli(root, "check"), "No import-linter configuration found", "--config FILE"
    )


def test_config_file_that_does_not_exist(project):
    root = project(LAYERED)
    assert_could_not_run(run_cli(root, "check", "--config", "nope.ini"), "nope.ini does not exist")


def test_config_file_without_importlinter_section(project):
    root = project(LAYERED, "[flake8]\nmax-line-length = 100\n", config_name="other.cfg")
    assert_could_not_run(
        run_cli(root, "check", "--config", "other.cfg"), "other.cfg has no [importlinter] section"
    )


def test_malformed_ini(project):
    root = project(LAYERED, "root_package = shop\n[importlinter\n")
    assert_could_not_run(run_cli(root, "check"), ".importlinter is not a valid INI file")


def test_malformed_toml(project):
    root = project(
        LAYERED, '[tool.importlinter]\nroot_package = "shop\n', config_name="pyproject.toml"
    )
    assert_could_not_run(
        run_cli(root, "check", "--config", "pyproject.toml"), "pyproject.toml is not valid TOML"
    )


def test_missing_root_packages(project):
    config = LAYERS_CONFIG.replace("root_package = shop", "include_external_packages = false")
    root = project(LAYERED, config)
    assert_could_not_run(
        run_cli(root, "check"), ".importlinter does not say which packages", "root_packages"
    )


def test_no_contracts(project):
    root = project(LAYERED, "[importlinter]\nroot_package = shop\n")
    assert_could_not_run(run_cli(root, "check"), "No contracts found in .importlinter")


def test_unknown_contract_type(project):
    root = project(LAYERED, LAYERS_CONFIG.replace("type = layers", "type = layerz"))
    assert_could_not_run(run_cli(root, "check"), "unknown contract type 'layerz'", "contract_types")


@pytest.mark.parametrize(
    "line",
    [
        "acyclic importgate.contracts.acyclic.AcyclicContract",
        "acyclic: importgate.contracts.nothere.AcyclicContract",
        "acyclic: importgate.contracts.acyclic.Nope",
    ],
)
def test_broken_custom_contract_type_registration(project, line):
    config = ini(LAYERS_CONFIG).replace(
        "root_package = shop", f"root_package = shop\ncontract_types =\n    {line}"
    )
    root = project(LAYERED, config)
    assert_could_not_run(run_cli(root, "check"), "contract_types", "name: package.module")


def test_invalid_contract_options(project):
    root = project(LAYERED, ini(LAYERS_CONFIG, "exhaustiv = true"))
    assert_could_not_run(
        run_cli(root, "check"), "Contract 'layers'", "exhaustiv", "Did you mean 'exhaustive'"
    )


def test_root_package_not_found(project):
    root = project(LAYERED, LAYERS_CONFIG.replace("root_package = shop", "root_package = shopp"))
    assert_could_not_run(
        run_cli(root, "check"), "Root package 'shopp'", "cannot be found", "pip install"
    )


def test_module_in_contract_not_in_graph(project):
    root = project(LAYERED, LAYERS_CONFIG.replace("shop.mid", "shop.middle"))
    assert_could_not_run(run_cli(root, "check"), "Contract 'layers'", "shop.middle")


def test_unknown_contract_id(project):
    root = project(LAYERED, LAYERS_CONFIG)
    assert_could_not_run(run_cli(root, "check", "--contract", "nope"), "'nope'")


def test_syntax_error_in_scanned_code(project):
    files = dict(LAYERED)
    files["shop/broken.py"] = "def oops(:\n    pass\n"
    assert_could_not_run(
        run_cli(project(files, LAYERS_CONFIG), "check"), "shop/broken.py, line 1", "syntax error"
    )


def test_undecodable_source_file(project):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "shop" / "latin.py").write_bytes(b"NAME = '\xe9t\xe9'\n")
    assert_could_not_run(run_cli(root, "check"), "shop/latin.py", "UTF-8")


def test_unmatched_ignore_import_is_an_error_by_default(project):
    root = project(LAYERED, ini(LAYERS_CONFIG, "ignore_imports = shop.low -> shop.high"))
    assert_could_not_run(run_cli(root, "check"), "Contract 'layers'", "shop.low -> shop.high")
    warn = ini(
        LAYERS_CONFIG,
        "ignore_imports = shop.low -> shop.high",
        "unmatched_ignore_imports_alerting = warn",
    )
    (root / ".importlinter").write_text(warn, encoding="utf-8")
    run = run_cli(root, "check")
    assert run.returncode == 0
    assert "warning:" in run.stdout


def test_debug_shows_the_traceback(project):
    root = project(LAYERED)
    run = run_cli(root, "check", "--debug")
    assert run.returncode != 0
    assert "Traceback" in run.stderr


def test_config_option_naming_a_directory(project):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "conf").mkdir()
    assert_could_not_run(
        run_cli(root, "check", "--config", "conf"), "conf is a directory", "--config conf/"
    )


def test_configuration_that_is_not_utf8(project):
    root = project(LAYERED)
    (root / ".importlinter").write_bytes(ini(LAYERS_CONFIG, "# caf\xe9").encode("latin-1"))
    assert_could_not_run(run_cli(root, "check"), ".importlinter is not UTF-8", "Save the file")


def test_unreadable_source_file(project):
    # A dangling symbolic link stands in for an unreadable file (tests may run as root,
    # for whom chmod 000 changes nothing).
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "shop" / "gone.py").symlink_to(root / "nowhere.py")
    assert_could_not_run(
        run_cli(root, "check", "--no-cache"), "Cannot read", "gone.py", "Make the file readable"
    )


def test_baseline_that_is_not_utf8(project):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "contracts").mkdir()
    (root / "contracts" / "baseline.toml").write_bytes(b"# caf\xe9\n")
    for command in ("check", "baseline"):
        assert_could_not_run(
            run_cli(root, command), "contracts/baseline.toml is not UTF-8", "importgate baseline"
        )
