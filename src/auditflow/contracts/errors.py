"""The exceptions auditflow raises for problems that are the user's to fix.

``str(error)`` is always a complete, readable message: it names the file, the field path
or the plugin concerned and says what is wrong. Callers print it; they never need the
traceback.
"""


class AuditflowError(Exception):
    """Base class of every error auditflow raises on purpose."""


class SettingsError(AuditflowError):
    """The pipeline settings file is missing, unreadable or invalid.

    ``errors`` holds one ``"field.path: reason"`` line per problem (without the file
    name); the message is the file name followed by those lines.
    """

    def __init__(self, message: str, *, errors: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.errors = errors


class PluginError(AuditflowError):
    """A plugin name is unknown, its options are invalid, or it cannot do its job
    (a source file that cannot be read, a sink that cannot be written)."""


class ExpressionError(AuditflowError):
    """A condition is outside the safe expression language (raised at compile time with
    ``line:col`` of the offending token) or failed when evaluated on a row (missing
    field, type error)."""

    def __init__(self, message: str, *, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.line = line
        self.col = col


class TransformError(AuditflowError):
    """A row transform could not process one row; ``str(error)`` is the reason recorded
    in the audit trail. The run goes on: the row takes its transform's ``on_error``
    path or ends ``failed``."""
