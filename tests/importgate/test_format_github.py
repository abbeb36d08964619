"""``--format github``: ``::error`` workflow commands on the offending import."""

from __future__ import annotations

import re

import pytest

from importgate.report.github import escape_data, escape_property
from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, ini, run_cli
from tests.importgate.formats_support import EXHAUSTIVE, SHOP, check_reports, shown_link
from tests.importgate.test_check_contract_types import BASE, BREAKERS, CLEAN, CONTRACTS

COMMAND = re.compile(r"^::(?P<name>error|warning) (?P<props>[^:]*)::(?P<message>.*)$")


def unescape(text: str) -> str:
    """What the Actions runner does (ActionCommand.cs): the reverse of the escaping."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def parse(output: str) -> list[tuple[str, dict[str, str], str]]:
    commands = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        if match:
            props = dict(item.split("=", 1) for item in match["props"].split(","))
            props = {key: unescape(value) for key, value in props.items()}
            commands.append((match["name"], props, unescape(match["message"])))
    return commands


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escaping_follows_the_runner(text, data, prop):
    assert escape_data(text) == data
    assert escape_property(text) == prop
    assert unescape(prop) == text


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
def test_one_error_per_violation_on_the_offending_line(project, kind):
    root = project(CLEAN, ini(BASE, CONTRACTS[kind]))
    path, source, line = BREAKERS[kind]
    (root / path).write_text(source, encoding="utf-8")
    reports = check_reports(root, "github")
    commands = parse(reports.text("github"))
    pairs = reports.violations()
    assert len(commands) == len(pairs) > 0
    for (name, props, message), (contract, violation) in zip(commands, pairs, strict=True):
        assert name == "error"
        first = shown_link(contract, violation)
        assert props == {
            "file": first["path"],
            "line": str(first["line_number"]),
            "title": f"{contract['name']} [c]",
        }
        assert message.splitlines()[0] == violation["message"]
        assert len(message.splitlines()) == 1 + len(violation["chain"])
    assert (path, str(line)) in {(p["file"], p["line"]) for _, p, _ in commands}
    assert reports.text("github").splitlines()[-1] == "importgate: 0 kept, 1 broken"


def test_stdout_alone_and_violation_without_file(project):
    root = project(SHOP, EXHAUSTIVE)
    run = run_cli(root, "check", "--format", "github")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == (
        "::error file=shop/low.py,line=2,title=shop layers%2C high | mid | low [shop-layers]"
        "::shop.low is not allowed to import shop.high%0A"
        "shop.low -> shop.high  shop/low.py:2  import shop.high"
    )
    assert lines[1] == (
        "::error file=.importlinter,line=4,title=shop layers%2C high | mid | low [shop-layers]"
        "::shop.extra is not listed as a layer (the contract is exhaustive)"
    )
    assert len(lines) == 3


def test_kept_contracts_give_no_error_and_warnings_become_warning_commands(project):
    config = ini(
        LAYERS_CONFIG,
        "ignore_imports = shop.low -> shop.high",
        "unmatched_ignore_imports_alerting = warn",
    )
    root = project(LAYERED, config)
    run = run_cli(root, "check", "--format", "github")
    assert run.returncode == 0
    ((name, props, message),) = parse(run.stdout)
    assert name == "warning"
    assert props["file"] == ".importlinter" and props["line"] == "4"
    assert "shop.low -> shop.high" in message
