"""``import_time``: fresh-interpreter import timing against max_ms and a recorded baseline.

The fixture modules sleep at import; limits sit far from the sleeps (0.3 s against
150 ms, a 6x slowdown against a ratio of 2) so a loaded machine cannot flip a verdict.
"""

from __future__ import annotations

import json

from tests.importgate.conftest import ini, run_cli, write_tree
from tests.importgate.gate_contracts import BASE, contract

FILES = {
    "app/__init__.py": "",
    "app/fast.py": "X = 1\n",
    "app/slow.py": """
        import time

        from app import helper

        time.sleep(0.3)
        """,
    "app/helper.py": "Y = 2\n",
    "app/broken.py": "import app.does_not_exist\n",
    "app/hangs.py": "import time\ntime.sleep(30)\n",
}


def config(*options: str) -> str:
    return ini(BASE, contract("import_time", *options))


def test_slow_module_breaks_max_ms_and_lists_slowest_imports(project):
    root = project(FILES, config("modules = app.slow", "max_ms = 150", "runs = 3"))
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    [result] = run.json["contracts"]
    [violation] = result["violations"]
    assert violation["message"].startswith("import app.slow takes ")
    assert "over max_ms 150" in violation["message"]
    assert violation["path"] == "app/slow.py"
    details = result["details"]["import_time"]["app.slow"]
    assert len(details["runs_ms"]) == 3
    assert details["median_ms"] >= 300
    slowest = details["slowest"]
    assert slowest[0]["module"] == "app.slow" and slowest[0]["self_ms"] >= 300
    assert "app.helper" in {entry["module"] for entry in slowest}
    assert all(e["cumulative_ms"] >= e["self_ms"] for e in slowest)
    assert "app.slow" in violation["notes"][1]
    # No baseline recorded: said as a warning, not hidden.
    assert "no import-time baseline" in result["warnings"][0]


def test_fast_module_is_kept(project):
    root = project(FILES, config("modules = app.fast", "max_ms = 150", "runs = 1"))
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.json["contracts"][0]["details"]["import_time"]["app.fast"]["median_ms"] < 150


def test_ratio_against_recorded_baseline(project):
    files = dict(FILES)
    files["app/slow.py"] = "import time\ntime.sleep(0.05)\n"
    root = project(files, config("modules = app.slow", "runs = 1"))
    recorded = run_cli(root, "snapshot", "--import-time", "--runs", "1", "app.slow")
    assert recorded.returncode == 0, recorded.stderr
    baseline = json.loads((root / "contracts/import_time.json").read_text())
    assert baseline["modules"]["app.slow"]["median_ms"] >= 50
    assert run_cli(root, "check").returncode == 0

    write_tree(root, {"app/slow.py": "import time\ntime.sleep(0.3)\n"})
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1
    message = run.json["contracts"][0]["violations"][0]["message"]
    assert "over max_ratio 2 x baseline" in message
    lint = run_cli(root, "--no-logo", command="lint-imports")
    assert lint.returncode == 1
    assert "over max_ratio 2 x baseline" in lint.stdout
    assert "slowest imports" in lint.stdout


def test_cpu_clock_ignores_sleeping_but_not_work(project):
    files = dict(FILES)
    files["app/busy.py"] = """
        import time

        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
        """
    options = ("modules =", "    app.slow", "    app.busy", "clock = cpu", "max_ms = 150")
    run = run_cli(project(files, config(*options, "runs = 1")), "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    [result] = run.json["contracts"]
    [violation] = result["violations"]
    assert violation["importer"] == "app.busy"
    assert "ms of CPU" in violation["message"]
    slept = result["details"]["import_time"]["app.slow"]
    assert slept["clock"] == "cpu"
    assert slept["median_ms"] < 150 <= slept["wall_runs_ms"][0]


def test_failing_and_hanging_imports_break_the_contract_with_the_error(project):
    options = ("modules =", "    app.broken", "    app.hangs", "runs = 1", "timeout = 1")
    root = project(FILES, config(*options))
    run = run_cli(root, "check", "--format", "json")
    assert run.returncode == 1, run.stderr
    messages = [v["message"] for v in run.json["contracts"][0]["violations"]]
    assert messages == [
        "import app.broken failed: ModuleNotFoundError: No module named 'app.does_not_exist'",
        "import app.hangs did not finish within 1 s",
    ]
    notes = run.json["contracts"][0]["violations"][0]["notes"]
    assert any("app/broken.py" in note for note in notes)


def test_bad_options_exit_2(project):
    for option, field in [("max_ms = fast", "max_ms"), ("runs = 0", "runs")]:
        root = project(FILES, config("modules = app.fast", option))
        run = run_cli(root, "check")
        assert run.returncode == 2, run.stdout
        assert "Contract 'c'" in run.stderr and f"{field}:" in run.stderr


def test_snapshot_of_a_failing_import_writes_nothing_and_exits_2(project):
    root = project(FILES, config("modules = app.fast"))
    run = run_cli(root, "snapshot", "--import-time", "--runs", "1", "app.fast", "app.broken")
    assert run.returncode == 2
    assert "Cannot record the import time of app.broken" in run.stderr
    assert "No module named 'app.does_not_exist'" in run.stderr
    assert not (root / "contracts/import_time.json").exists()


def test_snapshot_recreates_a_baseline_file_of_the_wrong_shape(project):
    # check refuses such a file and says to re-create it with snapshot, so snapshot must.
    root = project(FILES, config("modules = app.fast", "max_ratio = 2"))
    baseline = root / "contracts" / "import_time.json"
    baseline.parent.mkdir()
    for wrong in ("[1, 2]", '{"modules": 3}', "not json"):
        baseline.write_text(wrong, encoding="utf-8")
        refused = run_cli(root, "check")
        assert refused.returncode == 2 and "importgate snapshot --import-time" in refused.stderr
        run = run_cli(root, "snapshot", "--import-time", "--runs", "1", "app.fast")
        assert run.returncode == 0, run.stderr
        assert list(json.loads(baseline.read_text())["modules"]) == ["app.fast"]
    assert run_cli(root, "check").returncode == 0
