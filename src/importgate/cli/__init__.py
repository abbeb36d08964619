"""The ``importgate`` command line: a thin shell around :mod:`importgate.engine`.

Each command lives in its own module in this package and is attached to the ``cli``
group here. Exit codes: 0 every contract kept, 1 a contract broken, 2 importgate could
not run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import ClassVar

import click

from importgate import __version__
from importgate.cli.common import fail
from importgate.model import EXIT_COULD_NOT_RUN


def _baseline() -> click.Command:
    from importgate.cli.baseline import baseline

    return baseline


def _check() -> click.Command:
    from importgate.cli.check import check

    return check


def _diff() -> click.Command:
    from importgate.cli.diff import diff

    return diff


def _graph() -> click.Command:
    from importgate.cli.graph import graph

    return graph


def _init() -> click.Command:
    from importgate.cli.init import init

    return init


def _snapshot() -> click.Command:
    from importgate.cli.snapshot import snapshot

    return snapshot


class _LazyGroup(click.Group):
    """A group that imports a command's module only when that command is asked for.

    ``importgate check`` then loads neither ``diff`` (git, snapshots) nor ``graph``
    (pydeps, Graphviz writers): about 20 ms of every check. click has no lazy group of its
    own; its documentation shows this pattern (``list_commands`` / ``get_command``).
    Commands added with ``add_command`` work as usual.
    """

    lazy: ClassVar[dict[str, Callable[[], click.Command]]] = {
        "check": _check,
        "graph": _graph,
        "baseline": _baseline,
        "init": _init,
        "diff": _diff,
        "snapshot": _snapshot,
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy:
            command = self.lazy[cmd_name]()
            self.add_command(command)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="importgate")
def cli() -> None:
    """importgate: declare how your packages may import each other, and enforce it."""


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
