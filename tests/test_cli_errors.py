"""The CI contract for crashes: any exception that is not an input error exits 2 (never 1,
which means findings) with one line; the traceback only with --debug or MTCHECK_DEBUG=1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import mtcheck.api
from mtcheck.cli import main
from mtcheck.errors import InputError

from .conftest import RULES_GLOSSARY

BASE = ["--no-default-glossary", "--glossary", RULES_GLOSSARY, "--no-embed"]
LINE = "mtcheck: internal error: RuntimeError: boom \\x1b[2J; rerun with --debug for the traceback"


@pytest.fixture
def mt_file(tmp_path):
    path = tmp_path / "mt.txt"
    path.write_text("They record record sales.\n", encoding="utf-8")
    return path


@pytest.fixture
def crash(monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom \x1b[2J")

    monkeypatch.setattr(mtcheck.api, "check_segments", boom)


@pytest.mark.parametrize("command", ["check", "fix", "baseline create"])
def test_an_internal_error_exits_2_with_one_line(mt_file, crash, command, monkeypatch):
    monkeypatch.delenv("MTCHECK_DEBUG", raising=False)
    result = CliRunner().invoke(main, [*command.split(), str(mt_file), *BASE])
    assert result.exit_code == 2
    assert result.output.splitlines() == [LINE]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args,env", [(["--debug"], {}), ([], {"MTCHECK_DEBUG": "1"})])
def test_debug_prints_the_traceback_and_still_exits_2(mt_file, crash, args, env):
    result = CliRunner().invoke(main, [*args, "check", str(mt_file), *BASE], env=env)
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.output and "RuntimeError: boom" in result.output
    assert result.output.splitlines()[-1] == LINE


def test_mtcheck_debug_0_means_off(mt_file, crash):
    result = CliRunner().invoke(main, ["check", str(mt_file), *BASE], env={"MTCHECK_DEBUG": "0"})
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_input_errors_stay_one_line_and_get_a_traceback_only_with_debug(mt_file, monkeypatch):
    def bad(*_args, **_kwargs):
        raise InputError("bad input", where="x.txt")

    monkeypatch.setattr(mtcheck.api, "check_segments", bad)
    plain = CliRunner().invoke(main, ["check", str(mt_file), *BASE], env={"MTCHECK_DEBUG": ""})
    assert plain.exit_code == 2 and plain.output.splitlines() == ["mtcheck: error: x.txt: bad input"]
    debug = CliRunner().invoke(main, ["--debug", "check", str(mt_file), *BASE])
    assert debug.exit_code == 2 and "Traceback" in debug.output


def test_findings_and_usage_errors_keep_their_exit_codes(mt_file):
    assert CliRunner().invoke(main, ["check", str(mt_file), *BASE]).exit_code == 1
    assert CliRunner().invoke(main, ["check", str(mt_file), *BASE, "--fail-on", "never"]).exit_code == 0
    assert CliRunner().invoke(main, ["check", str(mt_file), "--format", "nope"]).exit_code == 2


@pytest.mark.parametrize("exception,code,line", [
    (BrokenPipeError(32, "Broken pipe"), 2, "mtcheck: error: output closed before the report was complete (broken pipe)"),
    (KeyboardInterrupt(), 130, "mtcheck: interrupted"),
])
def test_broken_pipe_and_interrupt_are_not_findings(mt_file, monkeypatch, exception, code, line):
    def stop(*_args, **_kwargs):
        raise exception

    monkeypatch.setattr(mtcheck.api, "check_segments", stop)
    result = CliRunner().invoke(main, ["check", str(mt_file), *BASE])
    assert result.exit_code == code and result.output.splitlines() == [line]
