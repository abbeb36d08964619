"""The program that lays out DOT as SVG: the system's Graphviz ``dot``, or graphviz-pure.

The README's main command must work on a machine that has only Python, so importgate
depends on `graphviz-pure <https://pypi.org/project/graphviz-pure/>`_: a Rust port of
Graphviz's ``dot`` shipped as one static binary in its wheel. It takes dot's flags and
writes the same SVG structure (``<g id=... class="node|edge">``), but on purpose installs
no command named ``dot``. The program is chosen in this order:

1. ``IMPORTGATE_DOT`` (a path, or a command name looked up on PATH), when set. It is
   forced: when it does not exist or fails, importgate stops rather than use another one;
2. ``dot`` on PATH: a system Graphviz, when there is one;
3. the ``graphviz-pure`` binary of the installed distribution, found through the files
   its wheel installed (``RECORD``), the interpreter's scripts directory, the directory
   of ``sys.executable``, then PATH. So it is found in a venv whose ``bin`` is not on
   PATH, and with a ``--user`` install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from importgate.model import CouldNotRun

__all__ = ["ENV_VAR", "INSTALL_HINT", "LayoutProgram", "find_graphviz_pure", "layout", "program"]

ENV_VAR = "IMPORTGATE_DOT"
PURE = "graphviz-pure"
_PURE_NAMES = (f"{PURE}.exe", PURE) if sys.platform == "win32" else (PURE,)

INSTALL_HINT = (
    "importgate depends on graphviz-pure for this ('pip install graphviz-pure' into the "
    "environment importgate runs in, if it went missing); a system Graphviz works too: "
    "'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS), "
    "'choco install graphviz' (Windows). The mermaid and dot formats need neither."
)


@dataclass(frozen=True)
class LayoutProgram:
    """A layout program to run, and where it was found (for messages)."""

    path: str
    origin: str


def _executable(path: Path) -> str | None:
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def _from_record() -> str | None:
    try:
        files = metadata.distribution(PURE).files or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name in _PURE_NAMES and (found := _executable(Path(entry.locate()))):
            return found
    return None


def find_graphviz_pure() -> str | None:
    """The path of the installed ``graphviz-pure`` binary, or None."""
    if found := _from_record():
        return found
    directories = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    for directory in directories:
        for name in _PURE_NAMES:
            if found := _executable(Path(directory) / name):
                return found
    return shutil.which(PURE)


def program() -> LayoutProgram:
    """The layout program to use; :class:`CouldNotRun` when there is none."""
    forced = os.environ.get(ENV_VAR, "").strip()
    if forced:
        found = shutil.which(forced)
        if found is None:
            raise CouldNotRun(
                f"{ENV_VAR} is set to '{forced}', which is not an executable program, so "
                "the svg and html formats cannot be laid out.",
                hint=f"Point {ENV_VAR} at Graphviz's dot (or at graphviz-pure), or unset it "
                "to use the dot on PATH or else the graphviz-pure installed with importgate.",
            )
        return LayoutProgram(found, f"{ENV_VAR}={forced}")
    if system := shutil.which("dot"):
        return LayoutProgram(system, "Graphviz's dot on PATH")
    if pure := find_graphviz_pure():
        return LayoutProgram(pure, PURE)
    raise CouldNotRun(
        "The svg and html formats need a Graphviz layout program: no 'dot' is on PATH and "
        f"the {PURE} binary was not found.",
        hint=INSTALL_HINT,
    )


def layout(dot_source: str, fmt: str = "svg") -> str:
    """``dot_source`` laid out by :func:`program`, as text in Graphviz format ``fmt``.

    Run here, not through ``pydeps.dot.call_graphviz_dot``: pydeps builds its command
    line from the literal name ``dot`` (it cannot run graphviz-pure or a chosen path)
    and drops the program's exit status and error output. The flags are pydeps' own.
    """
    chosen = program()
    try:
        completed = subprocess.run(
            [chosen.path, "-Gstart=1", f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise CouldNotRun(
            f"The layout program {chosen.path} ({chosen.origin}) could not be started: "
            f"{error.strerror or error}.",
            hint=f"Set {ENV_VAR} to a working dot or graphviz-pure. {INSTALL_HINT}",
        ) from error
    text = completed.stdout.decode("utf-8", errors="replace")
    if completed.returncode != 0 or (fmt == "svg" and "<svg" not in text):
        said = completed.stderr.decode("utf-8", errors="replace").strip()
        said = " ".join(said.split())[:300] or "nothing on stderr"
        raise CouldNotRun(
            f"The layout program {chosen.path} ({chosen.origin}) failed with exit status "
            f"{completed.returncode} and produced no {fmt.upper()} (it said: {said}).",
            hint=f"Run again with --format dot and try '{chosen.path} -T{fmt}' on the "
            f"output to see the whole error, or set {ENV_VAR} to another dot program.",
        )
    return text
