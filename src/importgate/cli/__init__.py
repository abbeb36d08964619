"""The ``importgate`` command line: a thin shell around :mod:`importgate.engine`.

Each command lives in its own module in this package and is attached to the ``cli``
group here. Exit codes: 0 every contract kept, 1 a contract broken, 2 importgate could
not run.
"""

from __future__ import annotations

import sys

import click

from importgate import __version__
from importgate.cli.baseline import baseline
from importgate.cli.check import check
from importgate.cli.common import fail
from importgate.cli.diff import diff
from importgate.cli.graph import graph
from importgate.cli.init import init
from importgate.cli.snapshot import snapshot
from importgate.model import EXIT_COULD_NOT_RUN


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="importgate")
def cli() -> None:
    """importgate: declare how your packages may import each other, and enforce it."""


cli.add_command(check)
cli.add_command(graph)
cli.add_command(baseline)
cli.add_command(init)
cli.add_command(diff)
cli.add_command(snapshot)


def main() -> None:
    """Console-script entry point.

    click's standalone mode turns Ctrl-C into "Aborted!" with exit 1, which would read
    as "a contract is broken"; here every way of not finishing exits 2.
    """
    try:
        code = cli.main(standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        fail("interrupted (Ctrl-C) before the check finished.")
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_COULD_NOT_RUN)
    except BrokenPipeError:
        # The reader went away (e.g. `importgate check | head`): say nothing more.
        sys.stderr.close()
        sys.exit(EXIT_COULD_NOT_RUN)
    except BaseException as error:
        # grimp's Rust core turns a Ctrl-C that lands inside it into a PanicException,
        # which derives from BaseException; anything else is re-raised unchanged.
        if type(error).__name__ != "PanicException":
            raise
        if "KeyboardInterrupt" in str(error):
            fail("interrupted (Ctrl-C) before the check finished.")
        fail(f"grimp failed while building the graph: {error}. Run again with --debug.")
    sys.exit(code if isinstance(code, int) else 0)
