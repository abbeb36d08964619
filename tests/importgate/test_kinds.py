"""Import lines are classified as runtime, deferred or typing-only from the syntax tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

from importgate.graph import classify_lines
from importgate.model import ImportKind


def test_classification(tmp_path: Path):
    source = textwrap.dedent("""
        import os
        import typing
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import collections

        if typing.TYPE_CHECKING:
            import json
        else:
            import pickle

        def f():
            import csv

        class C:
            async def g(self):
                import re
        """).lstrip()
    path = tmp_path / "mod.py"
    path.write_text(source)
    lines = {
        line.strip(): n
        for n, line in enumerate(source.splitlines(), 1)
        if "import" in line and "TYPE_CHECKING" not in line
    }
    kinds = classify_lines(path, lines.values())
    by_text = {text: kinds[n] for text, n in lines.items()}
    assert by_text == {
        "import os": ImportKind.RUNTIME,
        "import typing": ImportKind.RUNTIME,
        "import collections": ImportKind.TYPING,
        "import json": ImportKind.TYPING,
        "import pickle": ImportKind.RUNTIME,
        "import csv": ImportKind.DEFERRED,
        "import re": ImportKind.DEFERRED,
    }


def test_unknown_file_gives_unknown_kind():
    assert classify_lines(None, [3]) == {3: ImportKind.UNKNOWN}
