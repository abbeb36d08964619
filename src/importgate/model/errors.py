"""Exit codes and the one exception that means "importgate could not run".

Every failure that is the user's to fix (bad configuration, a package that cannot be
found, a file that cannot be parsed) is turned into :class:`CouldNotRun` with a short
message that names the file, section or package and says what to do. The command line
prints that message and exits with :data:`EXIT_COULD_NOT_RUN`; it never shows a
traceback unless asked to with ``--debug``.
"""

EXIT_KEPT = 0
"""Every contract was kept."""

EXIT_BROKEN = 1
"""At least one contract was broken."""

EXIT_COULD_NOT_RUN = 2
"""The check could not run: configuration, package or source problem."""


class CouldNotRun(Exception):
    """The check could not be carried out; ``str(error)`` tells the user what to fix."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n{self.hint}"
        return self.message
