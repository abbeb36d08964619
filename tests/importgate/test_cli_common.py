"""The exit-2 guard every command runs its work in (importgate.cli.common.could_not_run)."""

from __future__ import annotations

import pytest

from importgate.cli.common import could_not_run
from importgate.model import CouldNotRun


def _exit_code(work: BaseException, capsys, **kwargs) -> tuple[object, str]:
    with pytest.raises(SystemExit) as exited, could_not_run(**kwargs):
        raise work
    return exited.value.code, capsys.readouterr().err


def test_a_could_not_run_is_its_message(capsys):
    code, err = _exit_code(CouldNotRun("Root package 'x' cannot be found."), capsys, debug=False)
    assert code == 2
    assert "importgate: could not run. Root package 'x' cannot be found." in err


def test_an_importgate_bug_is_one_paragraph_not_a_traceback(capsys):
    code, err = _exit_code(RuntimeError("boom"), capsys, debug=False)
    assert code == 2
    assert "unexpected error: RuntimeError: boom" in err and "--debug" in err
    assert "Traceback" not in err


def test_debug_lets_the_exception_through():
    for error in (CouldNotRun("x"), RuntimeError("boom")):
        with pytest.raises(type(error)), could_not_run(debug=True):
            raise error


def test_ctrl_c_exits_2_only_where_the_command_says_what_it_cleaned_up(capsys):
    code, err = _exit_code(KeyboardInterrupt(), capsys, debug=False, interrupted="stopped.")
    assert code == 2 and "stopped." in err
    with pytest.raises(KeyboardInterrupt), could_not_run(debug=False):
        raise KeyboardInterrupt


def test_top_level_help_lists_every_command_untruncated(tmp_path):
    from tests.importgate.conftest import run_cli

    run = run_cli(tmp_path, "--help", env_extra={"COLUMNS": "80"})
    assert run.returncode == 0
    commands = run.stdout.split("Commands:")[1].strip().splitlines()
    names = [line.split()[0] for line in commands]
    assert names == ["baseline", "check", "diff", "graph", "init", "snapshot"]
    assert all(not line.endswith("...") for line in commands), commands
