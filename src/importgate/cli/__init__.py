"""The ``importgate`` command line: a thin shell around :mod:`importgate.engine`.

Each command lives in its own module in this package and is attached to the ``cli``
group here. Exit codes: 0 every contract kept, 1 a contract broken, 2 importgate could
not run.
"""

from __future__ import annotations

import sys

import click

from importgate import __version__
from importgate.cli.check import check
from importgate.cli.common import fail
from importgate.model import EXIT_COULD_NOT_RUN


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="importgate")
def cli() -> None:
    """importgate: declare how your packages may import each other, and enforce it."""


cli.add_command(check)


def main() -> None:
    """Console-script entry point: Ctrl-C and a closed pipe end quietly, with exit 2."""
    try:
        cli()
    except KeyboardInterrupt:
        fail("interrupted (Ctrl-C); nothing was written.")
    except BrokenPipeError:
        # The reader went away (e.g. `importgate check | head`): say nothing more.
        sys.stderr.close()
        sys.exit(EXIT_COULD_NOT_RUN)
