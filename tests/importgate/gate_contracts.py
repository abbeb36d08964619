"""Shared configuration for the tests of importgate's file-level contract types."""

from __future__ import annotations

BASE = """
    [importlinter]
    root_package = app
    contract_types =
        import_time: importgate.contracts.import_time.ImportTimeContract
        public_api: importgate.contracts.public_api.PublicApiContract
        module_size: importgate.contracts.module_size.ModuleSizeContract
        absent: importgate.contracts.absent.AbsentContract
    """


def contract(kind: str, *options: str, contract_id: str = "c") -> str:
    """A contract section of type ``kind`` with ``options`` (``key = value`` lines)."""
    lines = [f"[importlinter:contract:{contract_id}]", f"name = {kind} contract", f"type = {kind}"]
    return "\n".join([*lines, *options])
