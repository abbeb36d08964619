"""Infrastructure of auditflow: settings, the condition language, canonical JSON and the
audit trail (``landscape``). Import the submodules directly; this package imports
nothing so that loading one piece never loads the others."""
