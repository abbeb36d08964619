"""Turn what import-linter and grimp raise into messages a user can act on.

Each function returns a :class:`~importgate.model.CouldNotRun` whose message names the
file, section, contract or package at fault and says what to do about it.
"""

from __future__ import annotations

import configparser
import os
import re
import tomllib

from importlinter.application.user_options import InvalidUserOptions
from importlinter.domain.contract import InvalidContractOptions, NoSuchContractType

from importgate.model import CouldNotRun

_CONFIG_HINT = (
    "importgate reads the same files as lint-imports: .importlinter or setup.cfg with an "
    "[importlinter] section, or pyproject.toml with [tool.importlinter]. "
    "Pass another file with --config FILE."
)

_BUILT_IN_TYPES = "layers, forbidden, independence, protected, private_modules, acyclic_siblings"


def _where(config_file: str | None) -> str:
    return config_file or "the configuration"


def config_error(error: Exception, config_file: str | None) -> CouldNotRun:
    """An error raised while reading the configuration file."""
    where = _where(config_file)
    if isinstance(error, FileNotFoundError):
        if config_file and not os.path.exists(config_file):
            return CouldNotRun(
                f"Configuration file {config_file} does not exist.", hint=_CONFIG_HINT
            )
        if config_file and os.path.isdir(config_file):
            return CouldNotRun(
                f"Configuration file {config_file} is a directory.",
                hint="Give --config the file itself, e.g. --config "
                f"{os.path.join(config_file, '.importlinter')}.",
            )
        if config_file:
            return CouldNotRun(
                f"{config_file} has no [importlinter] section "
                "(or [tool.importlinter] table for TOML files).",
                hint=_CONFIG_HINT,
            )
        return CouldNotRun(
            f"No import-linter configuration found in {os.getcwd()}.", hint=_CONFIG_HINT
        )
    if isinstance(error, configparser.Error):
        detail = " ".join(str(error).split())
        return CouldNotRun(
            f"{where} is not a valid INI file: {detail}",
            hint="Fix the file's syntax; every option must sit in a section.",
        )
    if isinstance(error, tomllib.TOMLDecodeError):
        return CouldNotRun(f"{where} is not valid TOML: {error}", hint="Fix the file's syntax.")
    if isinstance(error, KeyError) and error.args and error.args[0] == "root_package":
        return CouldNotRun(
            f"{where} does not say which packages to check.",
            hint="Add 'root_package = yourpackage' to the [importlinter] section (for "
            "several, 'root_packages =' followed by one package per indented line).",
        )
    if isinstance(error, UnicodeDecodeError):
        return CouldNotRun(
            f"{where} is not UTF-8 text: {error}.",
            hint="Save the file as UTF-8; import-linter reads configuration as UTF-8.",
        )
    return CouldNotRun(f"Could not read {where}: {error}")


def selection_error(
    error: Exception, config_file: str | None, contract_types: list[str] | str | None = None
) -> CouldNotRun:
    """An error raised while validating contracts and resolving their types."""
    where = _where(config_file)
    lines = [contract_types] if isinstance(contract_types, str) else list(contract_types or [])
    malformed = [line for line in lines if len(line.split(": ")) != 2]
    if isinstance(error, AssertionError) and malformed:
        return CouldNotRun(
            f"The contract_types option of {where} has a malformed line: '{malformed[0]}'.",
            hint="Each line must read 'name: package.module.ClassName' (a colon and a space "
            "after the name).",
        )
    if isinstance(error, NoSuchContractType):
        return CouldNotRun(
            f"{where} uses the unknown contract type '{error}'.",
            hint=f"Built-in types are {_BUILT_IN_TYPES}. Register other types in the "
            "[importlinter] section, e.g. 'contract_types = acyclic: "
            "importgate.contracts.acyclic.AcyclicContract'.",
        )
    if isinstance(error, InvalidUserOptions):
        return CouldNotRun(" ".join(str(error).split()))
    if isinstance(error, ValueError) and "contract" in str(error).lower():
        return CouldNotRun(
            " ".join(str(error).split()),
            hint="Check the ids given with --contract against the "
            "[importlinter:contract:ID] sections.",
        )
    if isinstance(error, (ImportError, AttributeError, TypeError, AssertionError)):
        return CouldNotRun(
            f"A custom contract type in the contract_types option of {where} could not be "
            f"loaded: {error or type(error).__name__}.",
            hint="Each line must read 'name: package.module.ClassName', and the class must "
            "be an importable subclass of importlinter.Contract.",
        )
    return CouldNotRun(f"Could not prepare the contracts in {where}: {error}")


def graph_error(
    error: Exception,
    root_packages: list[str],
    config_file: str | None,
    named_by: str | None = None,
) -> CouldNotRun:
    """An error raised by grimp (through import-linter) while building the graph.

    ``named_by`` says where the root packages came from (default: root_packages in the
    configuration file).
    """
    message = str(error)
    missing = re.search(r"Could not find package '([^']+)'", message)
    if missing:
        source = named_by or f"root_packages in {_where(config_file)}"
        return CouldNotRun(
            f"Root package '{missing.group(1)}' ({source}) cannot be found.",
            hint="Install it (e.g. 'pip install -e .') or run importgate from the directory "
            "that contains it; the working directory is added to the import path.",
        )
    if type(error).__name__ == "SourceSyntaxError":
        filename = getattr(error, "filename", "?")
        line = getattr(error, "lineno", None) or "?"
        return CouldNotRun(
            f"Cannot parse {filename}, line {line}: syntax error.",
            hint="Fix the syntax error; importgate reads every module of the root packages "
            "to build the import graph (it never runs them).",
        )
    if isinstance(error, UnicodeError):
        return CouldNotRun(
            f"{message.replace(os.getcwd() + os.sep, '')}.",
            hint="Save the file as UTF-8 (or remove it from the package).",
        )
    if isinstance(error, OSError):
        return CouldNotRun(
            f"Cannot read {error.filename or 'a source file'}: {error.strerror or error}.",
            hint="Make the file readable (check its permissions, or fix the broken symbolic "
            "link), or remove it from the package; importgate reads every module of the root "
            "packages.",
        )
    if isinstance(error, InvalidUserOptions):
        return CouldNotRun(
            " ".join(message.split()), hint=f"Change root_packages in {_where(config_file)}."
        )
    return CouldNotRun(f"Could not build the import graph of {', '.join(root_packages)}: {message}")


def contract_options_error(
    error: InvalidContractOptions, name: str, contract_id: str | None, config_file: str | None
) -> CouldNotRun:
    """A contract whose options import-linter rejects."""
    problems = "; ".join(f"{field}: {problem}" for field, problem in sorted(error.errors.items()))
    label = f"'{contract_id}'" if contract_id else f"'{name}'"
    return CouldNotRun(
        f"Contract {label} in {_where(config_file)} has invalid options: {problems}",
        hint="Fix the contract's section; see import-linter's documentation for its type "
        "(importgate's own types are described in its docs/contracts.md).",
    )


def contract_check_error(
    error: Exception, name: str, contract_id: str | None, config_file: str | None
) -> CouldNotRun:
    """A contract that could not be checked against the graph (e.g. a missing module)."""
    label = f"'{contract_id}'" if contract_id else f"'{name}'"
    detail = " ".join(str(error).split()) or type(error).__name__
    return CouldNotRun(
        f"Contract {label} in {_where(config_file)} could not be checked: {detail}",
        hint="Check the module names and ignore_imports of that contract against the code.",
    )
