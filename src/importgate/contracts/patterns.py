"""Module-name patterns with wildcards inside a segment: ``**.*_legacy``, ``pkg.old_*``.

import-linter's module expressions (and grimp's ``find_matching_modules``) accept a
wildcard only as a whole segment (``pkg.*``), so ``pkg.old_*`` is rejected there. The
``absent`` and ``module_size`` contracts need partial segments, so this module turns a
pattern into a regular expression itself:

* ``*`` (alone or inside a segment, e.g. ``old_*``) matches within one segment;
* ``?`` matches one character of a segment;
* a segment that is exactly ``**`` matches any number of segments, zero included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

_SEGMENT = re.compile(r"^[A-Za-z0-9_*?]+$")


def check_pattern(pattern: str) -> str | None:
    """None when ``pattern`` is well formed, else the problem in one sentence."""
    segments = pattern.split(".")
    for segment in segments:
        if not segment:
            return f"'{pattern}' has an empty segment."
        if segment != "**" and not _SEGMENT.match(segment):
            return f"'{pattern}': segment '{segment}' may hold only letters, digits, _, * and ?."
    if all(segment == "**" for segment in segments):
        return f"'{pattern}' would match every module; name at least one segment."
    return None


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    regex = ""
    for index, segment in enumerate(pattern.split(".")):
        if segment == "**":
            # Any number of whole segments: "a.b." at the start, ".b.c" elsewhere.
            regex += r"(?:[^.]+\.)*" if index == 0 else r"(?:\.[^.]+)*"
            continue
        piece = re.escape(segment).replace(r"\*", "[^.]*").replace(r"\?", "[^.]")
        separator = "" if index == 0 or regex.endswith(r"\.)*") else r"\."
        regex += separator + (r"[^.]+" if segment == "*" else piece)
    return re.compile(regex + r"\Z")


def matches(pattern: str, module: str) -> bool:
    """Whether ``module`` (a dotted name) matches ``pattern``."""
    return _compile(pattern).match(module) is not None


def matching(pattern: str, modules: Iterable[str]) -> list[str]:
    """The modules that match ``pattern``, sorted."""
    compiled = _compile(pattern)
    return sorted(module for module in modules if compiled.match(module))
