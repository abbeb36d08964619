"""Reading settings YAML with positions, and turning pydantic errors into readable lines.

Kept apart from :mod:`auditflow.core.settings` so the models stay short. Each problem
becomes one ``field.path: reason (line N)`` line; the line number comes from the YAML
node the path points at.
"""

import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

__all__ = [
    "YamlDocument",
    "allowed_keys",
    "describe_error",
    "format_validation_error",
    "loc_to_path",
    "read_yaml",
]

Loc = tuple[int | str, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the base class reports unhashable keys itself
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class YamlDocument:
    """A parsed YAML document and its node tree (for line numbers)."""

    def __init__(self, data: Any, root: yaml.Node | None) -> None:
        self.data = data
        self.root = root

    def line_of(self, loc: Loc) -> int | None:
        """1-based line of the deepest node ``loc`` reaches."""
        node = self.root
        if node is None:
            return None
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1


_YAML_BOOLS = {
    "true": {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"},
    "false": {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"},
}


def _child(node: yaml.Node, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            same = str(key_node.value) == str(part)
            if same or key_node.value in _YAML_BOOLS.get(str(part), ()):
                return value_node  # type: ignore[no-any-return]
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def read_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raises ``yaml.YAMLError`` with a position on failure."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return YamlDocument(data, root)


def loc_to_path(loc: Sequence[int | str]) -> str:
    """``("gates", 0, "condition")`` -> ``gates[0].condition``; odd keys are quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_\-]+", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _path_to_loc(path: str) -> Loc:
    loc: list[int | str] = []
    for name, index, quoted in re.findall(r"([A-Za-z0-9_\-]+)|\[(\d+)\]|\['([^']*)'\]", path):
        loc.append(int(index) if index else (name or quoted))
    return tuple(loc)


def format_validation_error(
    error: ValidationError,
    model: type[BaseModel],
    document: YamlDocument | None,
    extra: Sequence[str] = (),
    hints: Mapping[str, str] | None = None,
) -> list[str]:
    """One ``path: reason (line N)`` line per problem, in document order. ``extra`` holds
    more ``path: reason`` lines found outside pydantic (cross-field checks)."""
    lines: list[tuple[int, str]] = []
    for text in extra:
        lines.append(_with_line(document, _path_to_loc(text.split(": ", 1)[0]), text))
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        if not loc and detail["type"] == "settings":
            # cross-field checks: already one "path: reason" per line
            for text in str(detail["msg"]).splitlines():
                path = text.split(": ", 1)[0]
                lines.append(_with_line(document, _path_to_loc(path), text))
            continue
        if "[key]" in loc:  # a mapping key of the wrong type, e.g. `1:` for a sink name
            cut = loc.index("[key]")
            where = loc_to_path(loc[: cut - 1]) or "(top level)"
            text = f"{where}: the key {loc[cut - 1]!r} must be a string (quote it in YAML)"
            lines.append(_with_line(document, loc[:cut], text))
            continue
        text = f"{loc_to_path(loc) or '(top level)'}: {_reason(detail, model, hints or {})}"
        lines.append(_with_line(document, loc, text))
    lines.sort(key=lambda item: item[0])
    return [text for _, text in lines]


def _with_line(document: YamlDocument | None, loc: Loc, text: str) -> tuple[int, str]:
    line = document.line_of(loc) if document is not None else None
    if line is None:
        return (0, text)
    return (line, f"{text} (line {line})")


_OWN_MESSAGES = frozenset({"expression", "settings", "trigger", "url"})
"""Error types raised by auditflow's own validators: their message is already complete."""


def describe_error(
    detail: ErrorDetails,
    *,
    allowed: Sequence[str] = (),
    hints: Mapping[str, str] | None = None,
    unknown: str = "key",
) -> str:
    """A readable reason for one pydantic error (without its path).

    ``allowed`` lists the valid keys where the error is an unknown key; ``hints`` maps a
    regex pattern to what it means in words (``"letters, digits and '_'"``).
    """
    kind = detail["type"]
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    if kind == "missing":
        return "required but missing"
    if kind == "extra_forbidden":
        suffix = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown {unknown}{suffix}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind in _OWN_MESSAGES:
        return message
    if kind == "string_too_short" and context.get("min_length") == 1:
        message = "must not be empty"
    elif kind == "too_short":
        count = int(context.get("min_length", 1))
        message = f"needs at least {count} entr{'y' if count == 1 else 'ies'}"
    elif kind == "string_pattern_mismatch" and hints and context.get("pattern") in hints:
        message = f"must be {hints[str(context['pattern'])]}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = "should be a mapping of keys to values"
    elif kind == "list_type":
        message = "should be a list"
    shown = repr(detail.get("input"))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{message} (got {shown})"


def _reason(detail: ErrorDetails, model: type[BaseModel], hints: Mapping[str, str]) -> str:
    allowed: list[str] = []
    if detail["type"] == "extra_forbidden":
        allowed = allowed_keys(model, tuple(detail["loc"])[:-1])
    return describe_error(detail, allowed=allowed, hints=hints)


def allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys (aliases where set) of the model found at ``loc`` below ``model``; empty
    when ``loc`` does not lead to a model."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [field.alias or name for name, field in current.model_fields.items()]
    return []


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _step(annotation: Any, part: int | str) -> Any:
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if str(part) in (name, field.alias):
                return field.annotation
        return None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None
