"""The single adapter onto import-linter's application layer.

importgate promises the same verdict as ``lint-imports`` for any configuration, so it
does not re-implement configuration reading, contract registration, contract-id
selection or graph building: it calls import-linter's own functions for each step.
Some of them are module-private in ``importlinter.application.use_cases``; they are
reached only from here, and ``tests/importgate/test_parity.py`` runs both tools on the
same configurations so an incompatible import-linter release fails the test suite
rather than a user's CI.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import grimp
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.app_config import settings
from importlinter.application.sentinels import NotSupplied
from importlinter.application.user_options import UserOptions
from importlinter.domain.contract import Contract, ContractCheck

configuration.configure()


@dataclass(frozen=True)
class SelectedContract:
    """One contract to check, as import-linter would instantiate it."""

    contract_class: type[Contract]
    options: dict[str, Any]


def read_options(config_file: str | None) -> UserOptions:
    """Read and normalise configuration exactly as ``lint-imports`` does."""
    options: UserOptions = use_cases.read_user_options(config_file)
    return options


def discovered_config_file() -> str | None:
    """The file ``lint-imports`` would read when none is given, for messages and reports.

    Asks import-linter's own readers, in their own order, which file holds options.
    """
    import os

    for reader in settings.USER_OPTION_READERS.values():
        for candidate in reader.potential_config_filenames:
            if os.path.isfile(candidate):
                try:
                    if reader._read_config_filename(candidate):
                        return str(candidate)
                except Exception:  # an unreadable candidate is reported by read_options
                    return str(candidate)
    return None


def select_contracts(
    options: UserOptions, config_file: str | None, contract_ids: Sequence[str]
) -> list[SelectedContract]:
    """Validate ids, apply ``--contract`` and resolve each contract's class."""
    source = use_cases.ConfigSource(filename=config_file, user_options=options)
    use_cases._validate_contracts_present(source)
    use_cases._validate_contract_ids(source)
    use_cases._register_built_in_contract_types()
    selected = use_cases._select_contracts([source], tuple(contract_ids))
    return [
        SelectedContract(
            contract_class=use_cases._get_contract_class(source, contract_options["type"]),
            options=contract_options,
        )
        for _, contract_options in selected
    ]


def cache_setting(cache_dir: str | None, no_cache: bool) -> str | type[NotSupplied] | None:
    """``--no-cache`` / ``--cache-dir`` as import-linter combines them."""
    if no_cache:
        return None
    if cache_dir is None:
        return NotSupplied
    return cache_dir


def build_graph(
    options: UserOptions, cache_dir: str | type[NotSupplied] | None
) -> grimp.ImportGraph:
    """Build the graph once, with the same switches ``lint-imports`` passes to grimp."""
    graph: grimp.ImportGraph = use_cases._build_graph(
        root_package_names=options.session_options["root_packages"],
        cache_dir=cache_dir,
        include_external_packages=use_cases._get_include_external_packages(options),
        exclude_type_checking_imports=use_cases._get_exclude_type_checking_imports(options),
        verbose=False,
    )
    return graph


def instantiate(selected: SelectedContract, options: UserOptions) -> Contract:
    """Create the contract object; raises ``InvalidContractOptions`` on bad options."""
    return selected.contract_class(
        name=selected.options["name"],
        session_options=options.session_options,
        contract_options=selected.options,
    )


def check(contract: Contract, graph: grimp.ImportGraph) -> ContractCheck:
    """Check one contract on its own copy of the graph, as ``lint-imports`` does."""
    result: ContractCheck = contract.check(copy.deepcopy(graph), verbose=False)
    return result


def default_cache_dir() -> str:
    directory: str = settings.DEFAULT_CACHE_DIR
    return directory


def render(contract: Contract, contract_check: ContractCheck) -> str:
    """What ``lint-imports`` prints for a broken contract, captured as plain text."""
    from importlinter.application import output

    with output.console.capture() as captured:
        contract.render_broken_contract(contract_check)
    return captured.get()
