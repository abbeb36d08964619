"""The engine of auditflow: the orchestrator package and the row walk it drives."""
