"""Small helpers shared by the built-in plugins."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from auditflow.contracts.errors import PluginError

__all__ = ["PluginOptions", "resolve_path", "validate_options"]

OptionsT = TypeVar("OptionsT", bound=BaseModel)


class PluginOptions(BaseModel):
    """Base of every plugin's options model: unknown options are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def resolve_path(base_dir: Path, path: str) -> Path:
    """``path`` (``~`` expanded) made absolute against ``base_dir``."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base_dir / candidate)


def validate_options(model: type[OptionsT], options: Mapping[str, Any], where: str) -> OptionsT:
    """Validate ``options`` against a plugin's options model, or raise
    :class:`PluginError` with one ``<where>.options.<field>: reason`` line per problem."""
    try:
        return model.model_validate(dict(options))
    except ValidationError as error:
        lines = []
        for detail in error.errors(include_url=False):
            path = ".".join(str(part) for part in (f"{where}.options", *detail["loc"]))
            if detail["type"] == "missing":
                reason = "required but missing"
            elif detail["type"] == "extra_forbidden":
                reason = f"unknown option (allowed: {', '.join(model.model_fields)})"
            else:
                reason = str(detail["msg"]).removeprefix("Value error, ")
            lines.append(f"{path}: {reason}")
        raise PluginError("\n".join(lines)) from None
