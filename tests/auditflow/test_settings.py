"""Pipeline settings: loading, defaults, and errors that name the file and field path."""

import textwrap
from pathlib import Path

import pytest

from auditflow.contracts.errors import SettingsError
from auditflow.core.canonical import stable_hash
from auditflow.core.settings import PipelineSettings, load_settings, parse_settings

VALID = """
source:
  plugin: csv
  options:
    path: data.csv
    schema: {fields: {id: int, amount: float, note: "str?"}}
  on_validation_failure: quarantine
transforms:
  - {name: map, plugin: field_mapper, options: {select: [id, amount]}, on_error: errors}
gates:
  - name: big
    condition: "amount > 100"
    routes: {true: high, false: continue}
aggregations:
  - name: stats
    plugin: batch_stats
    options: {field: amount}
    trigger: {count: 50}
sinks:
  output: {plugin: csv, options: {path: out.csv}}
  high: {plugin: jsonl, options: {path: high.jsonl}}
  errors: {plugin: jsonl, options: {path: errors.jsonl}}
  quarantine: {plugin: jsonl, options: {path: quarantine.jsonl}}
default_sink: output
"""


def write(tmp_path: Path, text: str, name: str = "pipeline.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> SettingsError:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    for line in message.splitlines():
        assert line.startswith(f"{path}: "), line
    return caught.value


def test_a_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, VALID))
    assert isinstance(settings, PipelineSettings)
    assert settings.source.plugin == "csv"
    assert settings.transforms[0].on_error == "errors"
    assert settings.gates[0].routes == {"true": "high", "false": "continue"}
    assert settings.aggregations[0].output_mode == "transform"
    assert settings.aggregations[0].trigger.count == 50
    assert settings.aggregations[0].trigger.timeout_seconds is None
    assert settings.checkpoint.frequency == 100
    assert settings.landscape.url is None
    assert settings.settings_path == (tmp_path / "pipeline.yaml").resolve()
    assert settings.base_dir == tmp_path.resolve()
    assert settings.node_names() == ["map", "big", "stats"]


def test_conditions_are_compiled_at_load(tmp_path: Path) -> None:
    gate = load_settings(write(tmp_path, VALID)).gates[0]
    assert gate.compiled.evaluate({"amount": 150}) is True
    assert gate.route_for(gate.compiled.evaluate({"amount": 150})) == "high"
    assert gate.route_for(gate.compiled.evaluate({"amount": 1})) == "continue"
    assert gate.route_for("maybe") is None


def test_yaml_boolean_route_keys_become_strings(tmp_path: Path) -> None:
    text = VALID.replace("{true: high, false: continue}", "{yes: high, off: continue, 3: high}")
    assert load_settings(write(tmp_path, text)).gates[0].routes == {
        "true": "high",
        "false": "continue",
        "3": "high",
    }


def test_default_landscape_is_a_sqlite_file_next_to_the_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, VALID, "orders.yaml"))
    assert settings.landscape_url() == f"sqlite:///{(tmp_path / 'orders.audit.db').resolve()}"


def test_relative_sqlite_landscape_resolves_against_the_settings_folder(tmp_path: Path) -> None:
    text = VALID + "landscape: {url: 'sqlite:///trail/audit.db'}\n"
    settings = load_settings(write(tmp_path, text))
    assert settings.landscape_url() == f"sqlite:///{(tmp_path / 'trail/audit.db').resolve()}"
    other = VALID + "landscape: {url: 'postgresql://u:secret@db/audit'}\n"
    assert load_settings(write(tmp_path, other)).landscape_url() == (
        "postgresql://u:secret@db/audit"
    )


def test_canonical_form_is_plain_json_and_location_independent(tmp_path: Path) -> None:
    one = load_settings(write(tmp_path, VALID))
    (tmp_path / "elsewhere").mkdir()
    two = load_settings(write(tmp_path / "elsewhere", VALID, "renamed.yaml"))
    assert one.canonical() == two.canonical()
    assert stable_hash(one.canonical()) == stable_hash(two.canonical())
    changed = load_settings(write(tmp_path, VALID.replace("amount > 100", "amount > 101")))
    assert stable_hash(changed.canonical()) != stable_hash(one.canonical())
    assert one.canonical()["gates"][0]["routes"] == {"true": "high", "false": "continue"}


def test_unknown_keys_are_rejected_with_the_allowed_ones(tmp_path: Path) -> None:
    text = VALID.replace("plugin: field_mapper,", "plugin: field_mapper, on_eror: x,")
    error = problems(tmp_path, text + "sinkz: {}\n")
    assert error.errors == (
        "transforms[0].on_eror: unknown key (allowed: name, plugin, options, on_error) (line 9)",
        "sinkz: unknown key (allowed: source, transforms, gates, aggregations, sinks,"
        " default_sink, landscape, checkpoint) (line 25)",
    )


def test_every_problem_is_reported_at_once_with_its_path(tmp_path: Path) -> None:
    text = """
    source: {plugin: csv, options: {}}
    transforms:
      - {name: map, plugin: passthrough}
      - {name: map, plugin: passthrough}
    gates:
      - {name: g, condition: "__import__('os')", routes: {true: out}}
      - {name: h, condition: "amount >", routes: {}}
    aggregations:
      - {name: g, plugin: batch_stats, trigger: {}}
      - {name: a2, plugin: batch_stats, trigger: {count: 0, timeout_seconds: -1}, output_mode: x}
    sinks:
      out: {plugin: csv}
      continue: {plugin: csv}
    default_sink: nowhere
    checkpoint: {frequency: 0}
    """
    error = problems(tmp_path, text)
    assert error.errors == (
        "source.on_validation_failure: required but missing (line 2)",
        "transforms[1].name: 'map' is already the name of transforms[0] (line 5)",
        "gates[0].condition: 1:1: a function call is not allowed in a condition:"
        " __import__('os') (line 7)",
        "gates[1].condition: 1:9: not a valid expression: invalid syntax (line 8)",
        "gates[1].routes: needs at least 1 entry (got {}) (line 8)",
        "aggregations[0].name: 'g' is already the name of gates[0] (line 10)",
        "aggregations[0].trigger: give `count`, `timeout_seconds` or both (neither is set)"
        " (line 10)",
        "aggregations[1].trigger.count: Input should be greater than or equal to 1 (got 0)"
        " (line 11)",
        "aggregations[1].trigger.timeout_seconds: Input should be greater than 0 (got -1)"
        " (line 11)",
        "aggregations[1].output_mode: Input should be 'passthrough' or 'transform'"
        " (got 'x') (line 11)",
        "sinks.continue: 'continue' is reserved and cannot name a sink (line 14)",
        "default_sink: 'nowhere' is not a sink (sinks: continue, out) (line 15)",
        "checkpoint.frequency: Input should be greater than or equal to 1 (got 0) (line 16)",
    )
    assert str(error).splitlines()[0].endswith("invalid settings (13 problems):")


def test_cross_checks_also_run_when_fields_are_fine(tmp_path: Path) -> None:
    text = VALID.replace("default_sink: output", "default_sink: outptu")
    text = text.replace("name: stats", "name: map")
    error = problems(tmp_path, text)
    assert error.errors == (
        "aggregations[0].name: 'map' is already the name of transforms[0] (line 15)",
        "default_sink: 'outptu' is not a sink (sinks: errors, high, output, quarantine) (line 24)",
    )


def test_a_sink_name_may_not_equal_a_node_name(tmp_path: Path) -> None:
    text = VALID.replace("  high: {plugin", "  big: {plugin").replace("true: high", "true: big")
    assert problems(tmp_path, text).errors == (
        "sinks.big: 'big' is already the name of gates[0] (line 21)",
    )


def test_names_are_checked(tmp_path: Path) -> None:
    text = VALID.replace("name: map", "name: 'has space'")
    assert problems(tmp_path, text).errors == (
        "transforms[0].name: must be letters, digits, '_', '-' and '.' (not starting with"
        " '-' or '.') (got 'has space') (line 9)",
    )


def test_settings_are_strict_about_types(tmp_path: Path) -> None:
    text = VALID.replace("trigger: {count: 50}", "trigger: {count: true}")
    text = text.replace("name: big", "name: 7").replace("  high: {plugin", "  1: {plugin")
    text += "checkpoint: {frequency: '10'}\n"
    assert problems(tmp_path, text).errors == (
        "gates[0].name: Input should be a valid string (got 7) (line 11)",
        "aggregations[0].trigger.count: Input should be a valid integer (got True) (line 18)",
        "sinks: the key 1 must be a string (quote it in YAML) (line 21)",
        "checkpoint.frequency: Input should be a valid integer (got '10') (line 25)",
    )


def test_structure_errors_read_plainly(tmp_path: Path) -> None:
    error = problems(tmp_path, VALID.replace("sinks:\n  output", "sinks: []\nfoo:\n  output"))
    assert error.errors[0] == "sinks: should be a mapping of keys to values (got []) (line 19)"
    error = problems(tmp_path, VALID.replace("    trigger: {count: 50}", "    trigger: 50"))
    assert error.errors == (
        "aggregations[0].trigger: should be a mapping of keys to values (got 50) (line 18)",
    )


def test_aggregation_transforms_count_as_names(tmp_path: Path) -> None:
    text = VALID.replace(
        "    trigger: {count: 50}\n",
        "    trigger: {count: 50, timeout_seconds: 2.5}\n"
        "    output_mode: passthrough\n"
        "    transforms: [{name: big, plugin: passthrough}]\n"
        "    sink: high\n",
    )
    assert problems(tmp_path, text).errors == (
        "aggregations[0].transforms[0].name: 'big' is already the name of gates[0] (line 20)",
    )


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path) -> None:
    text = VALID + "default_sink: high\n"
    error = problems(tmp_path, text)
    assert (
        "not valid YAML at line 25, column 1: duplicate key 'default_sink' (first at line 24)"
        in (str(error))
    )


def test_bad_yaml_names_line_and_column(tmp_path: Path) -> None:
    error = problems(tmp_path, "source: {plugin: csv\nsinks: [\n")
    assert "not valid YAML at line" in str(error)


@pytest.mark.parametrize(
    ("text", "kind"), [("", "empty"), ("- a\n- b\n", "a list"), ("just text", "a str")]
)
def test_the_top_level_must_be_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    assert f"must be a mapping of keys (it is {kind}" in str(problems(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"nope\.yaml: no such settings file"):
        load_settings(tmp_path / "nope.yaml")


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(SettingsError, match="cannot read the settings file"):
        load_settings(tmp_path / "folder.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"default_sink: caf\xe9\n")
    with pytest.raises(SettingsError, match="cannot read the settings file"):
        load_settings(path)


def test_bad_landscape_url(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, VALID + "landscape: {url: 'not a url'}\n").errors
    assert line.startswith("landscape.url: not an SQLAlchemy URL")


def test_parse_settings_from_a_mapping_uses_the_working_directory() -> None:
    data = {
        "source": {"plugin": "jsonl", "on_validation_failure": "discard"},
        "sinks": {"out": {"plugin": "jsonl"}},
        "default_sink": "out",
    }
    settings = parse_settings(data)
    assert settings.settings_path is None
    assert settings.base_dir == Path.cwd()
    assert settings.landscape_url().endswith("pipeline.audit.db")
    with pytest.raises(SettingsError, match=r"^<settings>: invalid settings \(1 problem\):"):
        parse_settings({**data, "default_sink": "x"})


def test_models_are_frozen(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, VALID))
    with pytest.raises(ValueError):
        settings.default_sink = "high"  # type: ignore[misc]
