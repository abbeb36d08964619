"""Keep a Mermaid diagram inside a markdown file (a README) up to date.

The block to replace sits between two HTML comments, which markdown renderers hide::

    <!-- importgate graph mypackage -->
    ```mermaid
    ...
    ```
    <!-- /importgate graph -->

``importgate graph mypackage --embed README.md`` rewrites what lies between them, so
the picture in the README is always the one the tool draws, never drawn by hand.
"""

from __future__ import annotations

import re

from importgate.model import CouldNotRun

__all__ = ["END_MARKER", "begin_marker", "embed"]

END_MARKER = "<!-- /importgate graph -->"


def begin_marker(module: str) -> str:
    """The comment that opens ``module``'s block."""
    return f"<!-- importgate graph {module} -->"


def embed(document: str, module: str, block: str, *, where: str = "the file") -> str:
    """``document`` with ``module``'s block replaced by ``block`` (a fenced diagram)."""
    pattern = re.compile(
        re.escape(begin_marker(module)) + r"\n.*?" + re.escape(END_MARKER), flags=re.S
    )
    if not pattern.search(document):
        raise CouldNotRun(
            f"{where} has no block for {module} to replace.",
            hint=f"Add the two lines '{begin_marker(module)}' and '{END_MARKER}' where the "
            "diagram should go; importgate writes the diagram between them.",
        )
    replacement = f"{begin_marker(module)}\n{block.rstrip()}\n{END_MARKER}"
    return pattern.sub(lambda _: replacement, document, count=1)
