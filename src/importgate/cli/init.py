"""``importgate init PACKAGE``: print a proposed ``.importlinter`` for PACKAGE's children."""

from __future__ import annotations

import click

from importgate.cli.common import could_not_run, debug_option


@click.command(short_help="Propose layers and acyclic contracts for PACKAGE.")
@click.argument("package")
@debug_option
def init(package: str, debug: bool) -> None:
    """Propose a layers contract (and an acyclic one) for PACKAGE's children.

    Reads today's import graph and prints `.importlinter` text to paste; it passes
    `importgate check` as printed. Children that import each other in a cycle are
    grouped in one layer and named in a comment.
    """
    from importgate.engine.proposal import build, render

    with could_not_run(debug):
        proposal = build(package)
    click.echo(render(proposal), nl=False)
