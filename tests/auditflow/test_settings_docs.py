"""The worked example and the messages quoted in docs/auditflow-settings.md are real."""

import re
from pathlib import Path

import pytest

from auditflow.contracts.errors import PluginError, SettingsError
from auditflow.core.settings import load_settings
from auditflow.plugins.registry import (
    create_batch_transform,
    create_sink,
    create_source,
    create_transform,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "auditflow-settings.md"


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: orders.yaml -->\n```yaml\n(.*?)```", text, re.S)
    assert match, "the worked example is missing from the doc"
    return match.group(1)


def quoted_errors() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"```text\n(orders.yaml: invalid settings.*?)```", text, re.S)
    assert match
    return match.group(1).strip().splitlines()


def test_the_worked_example_loads_and_its_plugins_build(tmp_path: Path) -> None:
    (tmp_path / "orders.yaml").write_text(example(), encoding="utf-8")
    (tmp_path / "orders.csv").write_text(
        "id,customer,amount,placed,note\n"
        "1,c1,1500.00,2024-05-01T10:00:00,\n"
        "2,c2,abc,2024-05-01T10:00:00,\n",
        encoding="utf-8",
    )
    settings = load_settings(tmp_path / "orders.yaml")
    base = settings.base_dir
    source = create_source(settings.source.plugin, settings.source.options, base)
    good, bad = source.read()
    assert good.row is not None and bad.error is not None
    assert f"`{bad.error}`" in DOC.read_text(encoding="utf-8").replace("\n", " ")
    (transform,) = settings.transforms
    row = create_transform(transform.plugin, transform.options, base).process(good.row)
    assert row == {
        "id": 1,
        "customer_id": "c1",
        "amount": good.row["amount"],
        "placed": good.row["placed"],
        "currency": "EUR",
    }
    (gate,) = settings.gates
    assert gate.route_for(gate.compiled.evaluate(row)) == "review"
    (aggregation,) = settings.aggregations
    summary = create_batch_transform(aggregation.plugin, aggregation.options, base)
    assert summary.process_batch([row])[0]["count"] == 1
    for name, sink in settings.sinks.items():
        create_sink(sink.plugin, sink.options, base, where=f"sinks.{name}")
    assert settings.landscape_url() == f"sqlite:///{(tmp_path / 'out/orders.audit.db').resolve()}"


def test_the_quoted_error_listing_is_what_load_settings_says(tmp_path: Path) -> None:
    text = example()
    text = text.replace("    on_error: errors", "    on_eror: errors")
    text = re.sub(r'condition: ".*"', "condition: \"__import__('os')\"", text)
    text = text.replace("default_sink: output", "default_sink: outptu")
    (tmp_path / "orders.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path / "orders.yaml")
    shown = str(caught.value).replace(str(tmp_path / "orders.yaml"), "orders.yaml")
    assert shown.splitlines() == quoted_errors()


def test_the_quoted_plugin_error_is_real(tmp_path: Path) -> None:
    options = {"url": "sqlite:///out/totals.db", "table": "customer totals"}
    with pytest.raises(PluginError) as caught:
        create_sink("database", options, tmp_path, where="sinks.totals")
    assert f"`{caught.value}`" in DOC.read_text(encoding="utf-8")
