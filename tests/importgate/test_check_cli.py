"""End-to-end runs of ``importgate check`` on generated packages, in a subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli, write_tree


def test_kept_layers_exit_zero_and_summary(project):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "check")
    assert run.returncode == 0, run.stderr
    assert "KEPT" in run.stdout
    assert "1 kept, 0 broken" in run.stdout


def test_upward_import_in_copy_breaks_with_file_and_line(project):
    root = project(LAYERED, LAYERS_CONFIG)
    assert run_cli(root, "check").returncode == 0
    low = root / "shop" / "low.py"
    low.write_text("VALUE = 1\n\n\nfrom shop.high import mid  # upward!\n", encoding="utf-8")

    run = run_cli(root, "check")

    assert run.returncode == 1
    assert "BROKEN" in run.stdout
    assert "shop/low.py:4  from shop.high import mid  # upward!" in run.stdout
    assert "0 kept, 1 broken" in run.stdout


def test_json_output_to_stdout_and_file(project, tmp_path: Path):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "shop" / "low.py").write_text("import shop.high\n", encoding="utf-8")

    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1
    document = run.json
    assert (document["kept"], document["broken"]) == (0, 1)
    [contract] = document["contracts"]
    assert contract["id"] == "layers" and contract["type"] == "layers"
    assert contract["kept"] is False
    links = [link for v in contract["violations"] for link in v["chain"]]
    assert {
        "importer": "shop.low",
        "imported": "shop.high",
        "path": "shop/low.py",
        "line_number": 1,
        "line_contents": "import shop.high",
    }.items() <= links[0].items()

    target = tmp_path / "out" / "result.json"
    run = run_cli(root, "check", "--format", "json", "--output", str(target))
    assert run.returncode == 1
    assert run.stdout == ""
    assert target.read_text().startswith("{")


def test_output_dir_writes_each_format_and_prints_text(project, tmp_path: Path):
    root = project(LAYERED, LAYERS_CONFIG)
    out = tmp_path / "reports"
    run = run_cli(root, "check", "--format", "text", "--format", "json", "--output-dir", str(out))
    assert run.returncode == 0
    assert "1 kept, 0 broken" in run.stdout
    assert (out / "importgate.json").is_file()
    assert "1 kept, 0 broken" in (out / "importgate.txt").read_text()


def test_conflicting_output_options_exit_2(project):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "check", "--format", "text", "--format", "json")
    assert run.returncode == 2
    assert "--output" in run.stderr


def test_contract_option_limits_and_repeats(project):
    config = ini(
        LAYERS_CONFIG,
        """
        [importlinter:contract:forbid]
        name = high must not reach low
        type = forbidden
        source_modules = shop.high
        forbidden_modules = shop.low
        """,
    )
    root = project(LAYERED, config)
    assert run_cli(root, "check", "--contract", "layers").returncode == 0
    run = run_cli(root, "check", "--contract", "forbid", "--format", "json")
    assert run.returncode == 1
    assert [c["id"] for c in run.json["contracts"]] == ["forbid"]
    run = run_cli(root, "check", "--contract", "forbid", "--contract", "layers", "--format", "json")
    assert sorted(c["id"] for c in run.json["contracts"]) == ["forbid", "layers"]


def test_indirect_chain_is_reported_link_by_link(project):
    config = """
        [importlinter]
        root_package = shop
        [importlinter:contract:forbid]
        name = high must not reach low
        type = forbidden
        source_modules = shop.high
        forbidden_modules = shop.low
        """
    root = project(LAYERED, config)
    run = run_cli(root, "check")
    assert run.returncode == 1
    high = run.stdout.index("shop/high.py:1  from shop import mid")
    mid = run.stdout.index("shop/mid.py:1  import shop.low")
    assert high < mid


def test_cache_dir_and_no_cache(project, tmp_path: Path):
    root = project(LAYERED, LAYERS_CONFIG)
    cache = tmp_path / "cache"
    assert run_cli(root, "check", "--cache-dir", str(cache)).returncode == 0
    assert cache.is_dir() and any(cache.iterdir())
    assert run_cli(root, "check", "--no-cache").returncode == 0
    assert not (root / ".import_linter_cache").exists()
    assert run_cli(root, "check").returncode == 0
    assert (root / ".import_linter_cache").is_dir()


def test_config_option_and_pyproject_and_setup_cfg(project, tmp_path: Path):
    root = project(LAYERED)
    (root / "custom.ini").write_text(
        LAYERS_CONFIG.replace("\n    ", "\n").strip() + "\n", encoding="utf-8"
    )
    assert run_cli(root, "check", "--config", "custom.ini").returncode == 0

    (root / "setup.cfg").write_text((root / "custom.ini").read_text(), encoding="utf-8")
    assert run_cli(root, "check").returncode == 0
    (root / "setup.cfg").unlink()

    write_tree(
        root,
        {
            "pyproject.toml": """
        [tool.importlinter]
        root_package = "shop"

        [[tool.importlinter.contracts]]
        id = "toml-layers"
        name = "toml layers"
        type = "layers"
        layers = ["shop.low", "shop.mid", "shop.high"]
        """
        },
    )
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1  # upside-down layers: every import breaks them
    assert run.json["contracts"][0]["id"] == "toml-layers"


def test_working_directory_is_on_the_import_path(project):
    # No install, no PYTHONPATH: the package is found because cwd is on sys.path.
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 0
    assert run.json["root_packages"] == ["shop"]


def test_usage_errors_exit_2(project):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "check", "--format", "xml")
    assert run.returncode == 2
    assert "'xml' is not one of" in run.stderr
    version = run_cli(root, "--version")
    assert version.returncode == 0 and "importgate, version" in version.stdout
