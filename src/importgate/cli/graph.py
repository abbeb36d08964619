"""``importgate graph``: draw the architecture of packages as Mermaid, DOT, SVG or HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from importgate.cli.common import (
    config_options,
    could_not_run,
    debug_option,
    fail,
    progress_spinner,
    stderr,
    write_output,
)
from importgate.engine import CheckOptions
from importgate.engine.architecture import Architecture, draw_architectures
from importgate.model import CouldNotRun
from importgate.report import dot, embed, html, mermaid

GRAPH_FORMATS: dict[str, tuple[str, Callable[[Architecture], str]]] = {
    "mermaid": ("mmd", lambda picture: mermaid.render(picture.diagram)),
    "dot": ("dot", lambda picture: dot.render(picture.diagram)),
    "svg": ("svg", lambda picture: dot.to_svg(dot.render(picture.diagram))),
    "html": ("html", lambda picture: html.render(picture.diagram)),
}
"""``--format`` name -> (file extension, writer)."""


def graph_filename(module: str, format_name: str) -> str:
    """The file ``--output-dir`` gets for ``module`` in ``format_name``."""
    return f"graph-{module}.{GRAPH_FORMATS[format_name][0]}"


@click.command(short_help="Draw the import graph of packages (Mermaid, DOT, SVG, HTML).")
@click.argument("modules", nargs=-1, metavar="[MODULE]...")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Collapse modules below this depth under MODULE (1: MODULE's children).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(sorted(GRAPH_FORMATS)),
    help="Picture format. Repeatable; default: mermaid. svg and html are laid out by the "
    "system's Graphviz dot when on PATH, else by graphviz-pure (IMPORTGATE_DOT forces one).",
)
@click.option(
    "--output",
    "output_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the picture to FILE (one module, one format) instead of stdout.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write DIR/graph-MODULE.EXT for every module and format.",
)
@click.option(
    "--embed",
    "embed_file",
    type=click.Path(dir_okay=False, exists=True),
    metavar="FILE",
    help="Rewrite the Mermaid block of each MODULE inside the markdown FILE (between "
    "'<!-- importgate graph MODULE -->' and '<!-- /importgate graph -->').",
)
@config_options(
    config="Configuration file, as for check.",
    contract="Run only this contract.",
    no_cache="Build the graph without grimp's cache.",
    cache_dir="grimp's cache directory.",
)
@debug_option
def graph(
    modules: tuple[str, ...],
    depth: int,
    formats: tuple[str, ...],
    output_file: str | None,
    output_dir: str | None,
    embed_file: str | None,
    config_file: str | None,
    contract_ids: tuple[str, ...],
    no_cache: bool,
    cache_dir: str | None,
    debug: bool,
) -> None:
    """Draw the import graph of each MODULE (default: the root packages).

    Modules below --depth are merged into their ancestor; edge labels count the
    module-to-module imports merged. Imports that break a contract are red, import
    cycles orange, and a layers contract over MODULE's children draws them by layer.
    Exits 0 once the pictures are written (whatever the contracts say), 2 when it
    cannot run.
    """
    chosen = list(dict.fromkeys(formats or ("mermaid",)))
    if embed_file and (formats or output_file or output_dir):
        fail(
            "--embed writes Mermaid into its FILE; it takes no --format, --output or --output-dir."
        )
    if output_file and output_dir:
        fail("--output and --output-dir cannot be used together.")
    # With no MODULE, how many pictures there are (one per root package) is known only
    # once the configuration is read: checked again below.
    many = len(chosen) > 1 or len(modules) > 1
    if output_file and many:
        fail(_ONE_PICTURE)
    if many and not output_dir and not embed_file:
        fail(_SEVERAL)

    options = CheckOptions(
        config_file=config_file, contract_ids=contract_ids, cache_dir=cache_dir, no_cache=no_cache
    )
    with could_not_run(debug):
        if {"svg", "html"} & set(chosen):
            dot.require_dot()
        with progress_spinner(stderr.is_terminal) as progress:
            pictures, _ = draw_architectures(options, modules, depth, progress)
        outputs = [
            (picture, name, GRAPH_FORMATS[name][1](picture))
            for picture in pictures
            for name in chosen
        ]
    if len(pictures) > 1 and output_file:
        fail(_ONE_PICTURE)
    if len(pictures) > 1 and not output_dir and not embed_file:
        fail(_SEVERAL)

    for picture, name, content in outputs:
        if name == "mermaid" and (reason := mermaid.too_big(content)):
            _say(
                f"warning: the Mermaid diagram of {picture.module} has {reason}; GitHub will "
                "not render it. Use a smaller --depth or draw a subpackage."
            )
    if embed_file:
        _embed(Path(embed_file), pictures)
        return
    for picture, name, content in outputs:
        if output_dir:
            target = Path(output_dir) / graph_filename(picture.module, name)
        elif output_file:
            target = Path(output_file)
        else:
            click.echo(content, nl=False)
            continue
        write_output(target, content)
        _say(f"wrote {target}")
    for picture in pictures:
        _say(picture.summary)


_ONE_PICTURE = "--output takes one MODULE and one --format; use --output-dir DIR for several."
_SEVERAL = (
    "Several modules (with no MODULE: every root package) or formats need --output-dir DIR "
    "(one file each); name one MODULE and one --format to write to stdout or --output."
)


def _say(message: str) -> None:
    """One line on stderr, as written (no markup, no wrapping)."""
    stderr.print(message, markup=False, highlight=False, soft_wrap=True)


def _embed(path: Path, pictures: list[Architecture]) -> None:
    try:
        document = path.read_text(encoding="utf-8")
        for picture in pictures:
            document = embed.embed(
                document, picture.module, mermaid.fenced(picture.diagram), where=str(path)
            )
        path.write_text(document, encoding="utf-8")
    except CouldNotRun as error:
        fail(str(error))
    except OSError as error:
        fail(f"Cannot rewrite {path}: {error.strerror or error}.")
    for picture in pictures:
        _say(f"{path}: embedded {picture.summary}")
