"""``importgate init PACKAGE``: print a proposed ``.importlinter`` for PACKAGE's children."""

from __future__ import annotations

import click

from importgate.cli.common import fail
from importgate.model import CouldNotRun


@click.command()
@click.argument("package")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short messages.")
def init(package: str, debug: bool) -> None:
    """Propose a layers contract (and an acyclic one) for PACKAGE's children.

    Reads today's import graph and prints `.importlinter` text to paste; it passes
    `importgate check` as printed. Children that import each other in a cycle are
    grouped in one layer and named in a comment.
    """
    from importgate.engine.proposal import build, render

    try:
        proposal = build(package)
    except CouldNotRun as error:
        if debug:
            raise
        fail(str(error))
    click.echo(render(proposal), nl=False)
