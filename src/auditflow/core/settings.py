"""Pipeline settings: one YAML file validated with pydantic.

:func:`load_settings` reads the file and returns :class:`PipelineSettings`, or raises
:class:`SettingsError` naming the file and every bad field path (``gates[0].condition``).
Unknown keys are rejected everywhere. Checks that need only the settings themselves
(unique names, ``default_sink`` names a sink, a trigger has a count or a timeout, gate
conditions compile) happen here; whether each route / ``on_error`` /
``on_validation_failure`` names an existing sink is checked by the orchestrator's
validation before a run, and plugin options by the plugin registry.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from auditflow.contracts.errors import ExpressionError, SettingsError
from auditflow.core.expressions import Condition, compile_condition, route_key
from auditflow.core.settings_checks import (
    CONTINUE,
    DISCARD,
    NAME_PATTERN,
    NAME_RULE,
    RESERVED_NAMES,
    cross_field_problems,
)
from auditflow.core.settings_errors import format_validation_error, read_yaml
from auditflow.core.urls import resolve_database_url

__all__ = [
    "CONTINUE",
    "DISCARD",
    "NAME_PATTERN",
    "RESERVED_NAMES",
    "AggregationSettings",
    "CheckpointSettings",
    "ExportSettings",
    "GateSettings",
    "LandscapeSettings",
    "PipelineSettings",
    "SinkSettings",
    "SourceSettings",
    "TransformSettings",
    "TriggerSettings",
    "load_settings",
    "parse_settings",
    "route_key",
]


Name = Field(pattern=NAME_PATTERN, min_length=1, max_length=100)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)


class SourceSettings(_Strict):
    """Where rows come from."""

    plugin: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    on_validation_failure: str = Field(min_length=1)
    """A sink name, or ``discard``: where rows that fail the row schema go."""


class TransformSettings(_Strict):
    """One row transform."""

    name: str = Name
    plugin: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    on_error: str | None = None
    """A sink name, ``discard``, or unset (the row ends ``failed``)."""


class GateSettings(_Strict):
    """A condition whose result picks a route: a sink name or ``continue``."""

    name: str = Name
    condition: str
    routes: dict[str, str] = Field(min_length=1)
    _compiled: Condition = PrivateAttr()

    @field_validator("condition")
    @classmethod
    def _compiles(cls, text: str) -> str:
        try:
            compile_condition(text)
        except ExpressionError as error:
            raise PydanticCustomError("expression", "{message}", {"message": str(error)}) from None
        return text

    @field_validator("routes", mode="before")
    @classmethod
    def _route_keys(cls, routes: Any) -> Any:
        # YAML reads `true:` / `false:` / `1:` as non-string keys; route labels are strings.
        if isinstance(routes, Mapping):
            return {route_key(key): value for key, value in routes.items()}
        return routes

    def model_post_init(self, context: Any, /) -> None:
        self._compiled = compile_condition(self.condition)

    @property
    def compiled(self) -> Condition:
        """The compiled condition (compiled once, when the settings were loaded)."""
        return self._compiled

    def route_for(self, value: Any) -> str | None:
        """The destination for a condition result, or ``None`` when no route matches."""
        return self.routes.get(route_key(value))


class TriggerSettings(_Strict):
    """When an aggregation releases its batch (end of source always does)."""

    count: int | None = Field(default=None, ge=1)
    timeout_seconds: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_of(self) -> "TriggerSettings":
        if self.count is None and self.timeout_seconds is None:
            raise PydanticCustomError(
                "trigger", "give `count`, `timeout_seconds` or both (neither is set)"
            )
        return self


class AggregationSettings(_Strict):
    """Rows are buffered into batches and handed to a batch transform."""

    name: str = Name
    plugin: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    trigger: TriggerSettings
    output_mode: Literal["passthrough", "transform"] = "transform"
    """``transform``: the batch's outputs are new tokens and the inputs end
    ``consumed_in_batch``; ``passthrough``: the batch's own rows carry on unchanged."""
    transforms: list[TransformSettings] = Field(default_factory=list)
    """Run on what the aggregation releases, in order."""
    sink: str | None = None
    """Where released rows go; unset: on to the next aggregation or the default sink."""


class SinkSettings(_Strict):
    """Where rows are written."""

    plugin: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)


class ExportSettings(_Strict):
    """Export the run's audit trail when the run completes (``landscape.export``)."""

    format: Literal["json", "csv"] = "json"
    """``json``: one JSON Lines file; ``csv``: a folder with one file per record type."""
    path: str = Field(min_length=1)
    """Where to write; relative to the settings file's folder; ``{run_id}`` is replaced
    by the run id."""
    sign: bool = False
    """Sign every record with HMAC-SHA256 (key from ``AUDITFLOW_SIGNING_KEY``, which must
    be set before the run starts)."""


class LandscapeSettings(_Strict):
    """The audit trail database."""

    url: str | None = None
    """An SQLAlchemy URL; unset: a SQLite file ``<settings stem>.audit.db`` next to the
    settings file. A relative SQLite path resolves against the settings file's folder."""
    export: ExportSettings | None = None
    """Export the trail when a run completes; unset: no automatic export."""

    @field_validator("url")
    @classmethod
    def _parses(cls, url: str | None) -> str | None:
        if url is not None:
            try:
                make_url(url)
            except ArgumentError as error:
                raise PydanticCustomError(
                    "url", "not an SQLAlchemy URL: {e}", {"e": str(error)}
                ) from None
        return url


class CheckpointSettings(_Strict):
    """How often the run records a checkpoint."""

    frequency: int = Field(default=100, ge=1)
    """Every N source rows (1 = every row)."""


class PipelineSettings(_Strict):
    """A whole pipeline: source -> transforms -> gates -> aggregations -> sinks."""

    source: SourceSettings
    transforms: list[TransformSettings] = Field(default_factory=list)
    gates: list[GateSettings] = Field(default_factory=list)
    aggregations: list[AggregationSettings] = Field(default_factory=list)
    sinks: dict[str, SinkSettings] = Field(min_length=1)
    default_sink: str
    landscape: LandscapeSettings = Field(default_factory=LandscapeSettings)
    checkpoint: CheckpointSettings = Field(default_factory=CheckpointSettings)

    _settings_path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cross_checks(self) -> "PipelineSettings":
        problems = cross_field_problems(self.model_dump())
        if problems:
            raise PydanticCustomError("settings", "{problems}", {"problems": "\n".join(problems)})
        return self

    # -- where the settings live ---------------------------------------------------

    @property
    def settings_path(self) -> Path | None:
        """The file the settings were loaded from (``None`` when built from a mapping)."""
        return self._settings_path

    @property
    def base_dir(self) -> Path:
        """The folder relative paths resolve against: the settings file's folder, or the
        current directory when the settings were not loaded from a file."""
        if self._settings_path is None:
            return Path.cwd()
        return self._settings_path.parent

    def landscape_url(self) -> str:
        """The audit trail URL: ``landscape.url`` with a relative SQLite path resolved
        against :attr:`base_dir`, or the default SQLite file next to the settings."""
        if self.landscape.url is None:
            stem = self._settings_path.stem if self._settings_path else "pipeline"
            return f"sqlite:///{(self.base_dir / f'{stem}.audit.db').resolve()}"
        return resolve_database_url(self.landscape.url, self.base_dir)

    # -- derived views ---------------------------------------------------------------

    def node_names(self) -> list[str]:
        """Every transform, gate and aggregation name (incl. aggregation transforms),
        in pipeline order."""
        names = [t.name for t in self.transforms] + [g.name for g in self.gates]
        for aggregation in self.aggregations:
            names.append(aggregation.name)
            names.extend(t.name for t in aggregation.transforms)
        return names

    def canonical(self) -> dict[str, Any]:
        """Plain JSON data of the settings as written (defaults filled in), used for the
        settings hash. Contains no file-system location, so moving the file keeps it."""
        return self.model_dump(mode="json")


def parse_settings(
    data: Any,
    *,
    source_name: str = "<settings>",
    settings_path: str | Path | None = None,
    document: Any = None,
) -> PipelineSettings:
    """Validate already-parsed settings data (a mapping).

    ``source_name`` names the settings in error messages; ``settings_path`` (when given)
    is the file relative paths and the default landscape resolve against.
    """
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping"
        message = f"{source_name}: the settings must be a mapping of keys (it is {kind})"
        raise SettingsError(message, errors=(message,))
    try:
        settings = PipelineSettings.model_validate(data)
    except ValidationError as error:
        cross: list[str] = []
        if not any(detail["type"] == "settings" for detail in error.errors()):
            cross = cross_field_problems(data)
        lines = tuple(
            format_validation_error(
                error, PipelineSettings, document, cross, {NAME_PATTERN: NAME_RULE}
            )
        )
        count = f"{len(lines)} problem{'s' if len(lines) != 1 else ''}"
        message = "\n".join(
            [f"{source_name}: invalid settings ({count}):"]
            + [f"{source_name}: {line}" for line in lines]
        )
        raise SettingsError(message, errors=lines) from None
    if settings_path is not None:
        settings._settings_path = Path(settings_path).resolve()
    return settings


def load_settings(path: str | Path) -> PipelineSettings:
    """Read and validate a pipeline settings file.

    Raises :class:`SettingsError` naming the file for a missing or unreadable file, bad
    YAML (with line and column) and every invalid field (with its path and line).
    """
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = f"{shown}: no such settings file (looked in {path.resolve().parent})"
        raise SettingsError(message, errors=(message,)) from None
    except (OSError, UnicodeDecodeError) as error:
        message = f"{shown}: cannot read the settings file: {error}"
        raise SettingsError(message, errors=(message,)) from None
    try:
        document = read_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        message = f"{shown}: not valid YAML{where}: {problem}"
        raise SettingsError(message, errors=(message,)) from None
    return parse_settings(document.data, source_name=shown, settings_path=path, document=document)
