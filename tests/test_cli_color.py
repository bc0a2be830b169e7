"""Colour of the terminal report: --color auto|always|never, NO_COLOR and FORCE_COLOR."""

from __future__ import annotations

import pytest

from mtcheck.reporters.terminal import wants_color

from .formats_util import GLOSSARY, invoke

ESC = "\x1b["


@pytest.mark.parametrize(
    "choice,is_tty,environ,expected",
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # only a non-empty NO_COLOR counts
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_wants_color(choice, is_tty, environ, expected):
    assert wants_color(choice, is_tty, environ) is expected


@pytest.mark.parametrize(
    "args,env,coloured",
    [
        ([], {}, False),
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "yes"}, False),
    ],
)
def test_color_through_the_cli(tmp_path, monkeypatch, args, env, coloured):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    text = tmp_path / "mt.txt"
    text.write_text("They set a record record.\n", encoding="utf-8")
    result = invoke(["check", str(text), "--no-embed", "--no-default-glossary", "--glossary", GLOSSARY, *args], env=env)
    assert result.exit_code == 1 and "RP001" in result.stdout
    assert (ESC in result.stdout) is coloured


def test_color_choice_is_validated(tmp_path):
    result = invoke(["check", str(tmp_path / "x.txt"), "--color", "sometimes"])
    assert result.exit_code == 2 and "sometimes" in result.output
