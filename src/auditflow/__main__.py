"""``python -m auditflow``: the same as the ``auditflow`` command."""

from auditflow.cli import main

main()
