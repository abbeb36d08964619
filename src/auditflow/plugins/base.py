"""Small helpers shared by the built-in plugins."""

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from auditflow.contracts.errors import PluginError
from auditflow.core.settings_errors import allowed_keys, describe_error, loc_to_path

__all__ = ["PluginOptions", "resolve_path", "validate_options", "where_loc"]

OptionsT = TypeVar("OptionsT", bound=BaseModel)


class PluginOptions(BaseModel):
    """Base of every plugin's options model: unknown options are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    pattern_hints: ClassVar[dict[str, str]] = {}
    """Regex pattern of a field -> what it means in words, for error messages."""


def resolve_path(base_dir: Path, path: str) -> Path:
    """``path`` (``~`` expanded) made absolute against ``base_dir``."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base_dir / candidate)


def validate_options(model: type[OptionsT], options: Mapping[str, Any], where: str) -> OptionsT:
    """Validate ``options`` against a plugin's options model, or raise
    :class:`PluginError` with one ``<where>.options.<field>: reason`` line per problem."""
    if not isinstance(options, Mapping):
        raise PluginError(
            f"{where}.options: should be a mapping of option names to values"
            f" (got {type(options).__name__})"
        )
    try:
        return model.model_validate(dict(options))
    except ValidationError as error:
        lines = []
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            path = loc_to_path((*where_loc(where), "options", *loc))
            allowed = allowed_keys(model, loc[:-1]) if detail["type"] == "extra_forbidden" else []
            hints = getattr(model, "pattern_hints", {})
            reason = describe_error(detail, allowed=allowed, hints=hints, unknown="option")
            lines.append(f"{path}: {reason}")
        raise PluginError("\n".join(lines)) from None


def where_loc(where: str) -> tuple[int | str, ...]:
    """``"sinks.out"`` -> ``("sinks", "out")``; ``"transforms[2]"`` -> ``("transforms", 2)``."""
    loc: list[int | str] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", where):
        loc.append(int(index) if index else name)
    return tuple(loc)
