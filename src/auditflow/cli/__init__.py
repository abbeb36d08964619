"""The ``auditflow`` command line: ``run``, ``validate``, ``explain``, ``export``, ``verify``.

Exit codes: 0 completed, 1 completed with failed or quarantined rows, 2 failed or could
not run (with a message naming the file and field), 3 interrupted by SIGINT / SIGTERM.
"""

from __future__ import annotations

import sys

import click

from auditflow.cli.common import EXIT_FAILED, fail
from auditflow.cli.explain import explain
from auditflow.cli.export import export, verify
from auditflow.cli.resume import resume
from auditflow.cli.run import run, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """auditflow: run row pipelines with an audit trail of every decision."""


cli.add_command(run)
cli.add_command(validate)
cli.add_command(explain)
cli.add_command(export)
cli.add_command(verify)
cli.add_command(resume)


def main() -> None:
    """Console-script entry point (non-standalone click, so usage errors exit 2)."""
    try:
        code = cli.main(standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        fail("interrupted before the command finished.")
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_FAILED)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else 0)
