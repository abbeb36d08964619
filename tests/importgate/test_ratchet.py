"""The ratchet: ``importgate baseline`` records violations; ``check`` fails only on new ones."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, run_cli

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "json-report.schema.json").read_text())

# shop.low imports shop.high: one layers violation.
LEGACY = {**LAYERED, "shop/low.py": "import shop.high\n\nVALUE = 1\n"}
BASELINE = Path("contracts/baseline.toml")


def entries(root: Path) -> list[dict[str, object]]:
    data = tomllib.loads((root / BASELINE).read_text(encoding="utf-8"))
    return list(data.get("violation", []))


def check_json(root: Path):
    run = run_cli(root, "check", "--format", "json")
    if run.returncode != 2:
        jsonschema.validate(run.json, SCHEMA, cls=jsonschema.Draft202012Validator)
    return run


@pytest.fixture
def legacy(project) -> Path:
    root = project(LEGACY, LAYERS_CONFIG)
    recorded = run_cli(root, "baseline", "--reason", "legacy import, TICKET-1")
    assert recorded.returncode == 0, recorded.stderr
    assert "1 new" in recorded.stdout
    return root


def test_baseline_needs_a_reason_for_new_violations(project):
    root = project(LEGACY, LAYERS_CONFIG)
    run = run_cli(root, "baseline")
    assert run.returncode == 2
    assert "--reason" in run.stderr and "shop.low -> shop.high" in run.stderr
    assert not (root / BASELINE).exists()
    assert run_cli(root, "check").returncode == 1


def test_baselined_violation_passes(legacy):
    [entry] = entries(legacy)
    assert entry["contract"] == "layers"
    assert (entry["importer"], entry["imported"]) == ("shop.low", "shop.high")
    assert entry["reason"] == "legacy import, TICKET-1"
    assert "expires" not in entry

    run = check_json(legacy)
    assert run.returncode == 0, run.stdout
    [contract] = run.json["contracts"]
    assert (contract["kept"], contract["status"], contract["baselined_count"]) == (
        False,
        "baselined",
        1,
    )
    [violation] = contract["violations"]
    assert violation["baseline"] == "baselined"
    assert violation["fingerprint"] == entry["fingerprint"]
    assert (run.json["broken"], run.json["baselined"], run.json["passed"]) == (0, 1, True)
    assert run.json["baseline"]["matched"] == 1

    text = run_cli(legacy, "check")
    assert text.returncode == 0
    assert "BASELINED shop layers" in text.stdout
    assert "baselined: shop.low -> shop.high" in text.stdout


def test_new_violation_fails(legacy):
    (legacy / "shop/mid.py").write_text("import shop.low\nimport shop.high\n", encoding="utf-8")
    run = check_json(legacy)
    assert run.returncode == 1
    statuses = sorted(
        (v["importer"], v["baseline"]) for v in run.json["contracts"][0]["violations"]
    )
    assert statuses == [("shop.low", "baselined"), ("shop.mid", "new")]
    assert run.json["contracts"][0]["status"] == "broken"
    text = run_cli(legacy, "check")
    assert text.returncode == 1
    assert "shop/mid.py:2  import shop.high" in text.stdout


def test_fixed_but_listed_fails_as_stale_then_prune(legacy):
    [entry] = entries(legacy)
    (legacy / "shop/low.py").write_text("VALUE = 1\n", encoding="utf-8")
    run = check_json(legacy)
    assert run.returncode == 1
    assert run.json["broken"] == 0 and run.json["passed"] is False
    [stale] = run.json["baseline"]["stale"]
    assert stale["fingerprint"] == entry["fingerprint"]

    text = run_cli(legacy, "check")
    assert text.returncode == 1
    expected = (
        f"contracts/baseline.toml:5: stale entry, the violation is gone: delete [layers] "
        f"shop.low -> shop.high (fingerprint {entry['fingerprint']})"
    )
    assert expected in text.stdout

    plain = run_cli(legacy, "baseline")
    assert plain.returncode == 0 and "stale entries kept" in plain.stdout
    assert len(entries(legacy)) == 1
    pruned = run_cli(legacy, "baseline", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "pruned (fixed): [layers] shop.low -> shop.high" in pruned.stdout
    assert entries(legacy) == []
    assert run_cli(legacy, "check").returncode == 0


def test_expired_entry_fails(project):
    root = project(LEGACY, LAYERS_CONFIG)
    recorded = run_cli(root, "baseline", "--reason", "r", "--expires", "2000-01-31")
    assert recorded.returncode == 0, recorded.stderr
    [entry] = entries(root)
    assert str(entry["expires"]) == "2000-01-31"
    run = check_json(root)
    assert run.returncode == 1
    assert run.json["contracts"][0]["violations"][0]["baseline"] == "expired"
    assert [e["fingerprint"] for e in run.json["baseline"]["expired"]] == [entry["fingerprint"]]
    text = run_cli(root, "check")
    assert "entry expired on 2000-01-31" in text.stdout
    assert f"(fingerprint {entry['fingerprint']})" in text.stdout

    # A future date tolerates it again.
    path = root / BASELINE
    path.write_text(path.read_text().replace("2000-01-31", "2999-12-31"), encoding="utf-8")
    assert run_cli(root, "check").returncode == 0


def test_moving_lines_keeps_the_baseline(legacy):
    (legacy / "shop/low.py").write_text(
        '"""Now with a docstring."""\n\n# and a comment\nVALUE = 1\nimport shop.high\n',
        encoding="utf-8",
    )
    run = check_json(legacy)
    assert run.returncode == 0, run.stdout
    [violation] = run.json["contracts"][0]["violations"]
    assert violation["chain"][0]["line_number"] == 5
    assert violation["baseline"] == "baselined"


def test_rerecording_keeps_reasons_and_adds_new_entries(legacy):
    (legacy / "shop/mid.py").write_text("import shop.low\nimport shop.high\n", encoding="utf-8")
    run = run_cli(legacy, "baseline", "--reason", "second wave")
    assert run.returncode == 0, run.stderr
    assert "1 new, 1 kept" in run.stdout
    reasons = {e["importer"]: e["reason"] for e in entries(legacy)}
    assert reasons == {"shop.low": "legacy import, TICKET-1", "shop.mid": "second wave"}
    assert run_cli(legacy, "check").returncode == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[[violation]\n", "contracts/baseline.toml is not valid TOML"),
        (
            '# c\n\n[[violation]]\ncontract = "layers"\nimporter = "a"\nimported = "b"\n'
            'fingerprint = "f"\n',
            "contracts/baseline.toml:3 (entry 1): missing reason",
        ),
        (
            '[[violation]]\ncontract = "layers"\nimporter = "a"\nimported = "b"\n'
            'fingerprint = "f"\nreason = "r"\nexpires = "soon"\n',
            "contracts/baseline.toml:1 (entry 1): 'expires' must be a date",
        ),
        ('owner = "me"\n', "unknown top-level key(s) owner"),
    ],
)
def test_malformed_baseline_cannot_run(project, content, expected):
    root = project(LEGACY, LAYERS_CONFIG)
    (root / "contracts").mkdir()
    (root / BASELINE).write_text(content, encoding="utf-8")
    for command in ("check", "baseline"):
        run = run_cli(root, command)
        assert run.returncode == 2
        assert expected in " ".join(run.stderr.split())
        assert "Traceback" not in run.stderr


def test_explicit_missing_baseline_cannot_run(project):
    root = project(LEGACY, LAYERS_CONFIG)
    run = run_cli(root, "check", "--baseline", "nope.toml")
    assert run.returncode == 2
    assert "nope.toml" in run.stderr


def test_contract_selection_does_not_make_other_entries_stale(legacy):
    config = (legacy / ".importlinter").read_text() + (
        "\n[importlinter:contract:other]\nname = other\ntype = forbidden\n"
        "source_modules = shop.extra\nforbidden_modules = shop.high\n"
    )
    (legacy / ".importlinter").write_text(config, encoding="utf-8")
    (legacy / "shop/extra.py").write_text("X = 1\n", encoding="utf-8")
    assert run_cli(legacy, "check", "--contract", "other").returncode == 0
    assert run_cli(legacy, "check").returncode == 0
    run = run_cli(legacy, "baseline", "--prune", "--contract", "other")
    assert run.returncode == 0
    assert len(entries(legacy)) == 1


def test_nothing_to_record_writes_no_file(project):
    root = project(LAYERED, LAYERS_CONFIG)
    run = run_cli(root, "baseline", "--reason", "r")
    assert run.returncode == 0
    assert "No violations to record" in run.stdout
    assert not (root / BASELINE).exists()


def test_fingerprint_ignores_line_numbers_but_not_the_import():
    from importgate.model import Link, Violation

    def violation(line: int, text: str, **extra: str) -> Violation:
        link = Link("a.low", "a.high", "a/low.py", line, text, (line,))
        return Violation("a.low", "a.high", (link,), "a.low is not allowed", **extra)

    base = violation(1, "import a.high").fingerprint_for("layers")
    assert violation(40, "import a.high").fingerprint_for("layers") == base
    assert violation(1, "from a import high").fingerprint_for("layers") != base
    assert violation(1, "import a.high").fingerprint_for("other") != base
    # Without a chain: named by its ends, so a size report whose numbers change stays put.
    grown = Violation("a.big", None, message="a.big has 900 lines").fingerprint_for("size")
    assert Violation("a.big", None, message="a.big has 950 lines").fingerprint_for("size") == grown
    assert Violation(None, None, message="x").fingerprint_for("t") != Violation(
        None, None, message="y"
    ).fingerprint_for("t")


def test_bad_expires_date_cannot_run(project):
    root = project(LEGACY, LAYERS_CONFIG)
    run = run_cli(root, "baseline", "--reason", "r", "--expires", "next week")
    assert run.returncode == 2
    assert "'next week' is not a date YYYY-MM-DD" in run.stderr
    assert not (root / BASELINE).exists()
