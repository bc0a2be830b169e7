"""Progress bars (mtcheck.progress): one bar per stage on a terminal, nothing elsewhere."""

from __future__ import annotations

import io
import re
import time

import pytest
from rich.console import Console

from mtcheck import progress


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=80, color_system=None), buffer


def _bars(text: str, name: str) -> list[str]:
    """The last rendering of each bar line of stage `name` (rich redraws lines in place)."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    return [line for chunk in text.replace("\r", "\n").split("\n") for line in [chunk.strip()] if line.startswith(name)]


def test_a_stage_on_a_terminal_shows_one_bar_that_reaches_its_total():
    console, buffer = _console(terminal=True)
    with progress.shown_on(console, delay=0):
        with progress.stage("checks", total=4) as bar:
            time.sleep(0.05)
            for _ in range(4):
                bar.advance(1)
    lines = _bars(buffer.getvalue(), "checks")
    assert lines and lines[-1].split()[-2] == "4/4"


def test_the_same_stage_entered_again_continues_its_bar():
    console, buffer = _console(terminal=True)
    with progress.shown_on(console, delay=0):
        with progress.stage("checks", total=10):
            for _ in range(2):
                with progress.stage("embedding", total=3) as bar:
                    time.sleep(0.05)
                    bar.advance(3)
    lines = _bars(buffer.getvalue(), "embedding")
    counts = [line.split()[-2] for line in lines]
    assert counts[-1] == "6/6"
    done = [int(count.split("/")[0]) for count in counts]
    assert done == sorted(done), counts  # never back to 0: one bar, carried on


def test_a_short_stage_prints_nothing():
    console, buffer = _console(terminal=True)
    with progress.shown_on(console, delay=5):
        with progress.stage("reading", total=1) as bar:
            bar.advance(1)
    assert buffer.getvalue() == ""


def test_a_stage_shows_itself_without_advancing():
    """A stage that blocks (a model load) still gets its bar once the delay has passed."""
    console, buffer = _console(terminal=True)
    with progress.shown_on(console, delay=0.01):
        with progress.stage("model load"):
            time.sleep(0.3)
    assert _bars(buffer.getvalue(), "model load")


def test_not_a_terminal_prints_nothing():
    console, buffer = _console(terminal=False)
    with progress.shown_on(console, delay=0):
        with progress.stage("checks", total=2) as bar:
            time.sleep(0.05)
            bar.advance(2)
    assert buffer.getvalue() == ""


@pytest.mark.parametrize("value,expected", [("off", False), ("0", False), ("", None)])
def test_stderr_detection(monkeypatch, value, expected):
    monkeypatch.setenv("MTCHECK_PROGRESS", value)
    monkeypatch.setattr(progress.os, "isatty", lambda fd: True)
    assert progress.stderr_is_terminal() is (True if expected is None else expected)
    monkeypatch.setattr(progress.os, "isatty", lambda fd: False)
    assert progress.stderr_is_terminal() is False


def test_cli_writes_nothing_on_stderr_when_it_is_not_a_terminal(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mtcheck.cli import main

    monkeypatch.setattr(progress, "DELAY", 0)
    path = tmp_path / "a.txt"
    path.write_text("The millet group said hello.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--no-embed", "--format", "json"])
    assert result.exit_code == 1
    assert result.stderr == ""


def test_a_check_run_shows_its_stages_on_a_terminal(tmp_path):
    from click.testing import CliRunner

    from mtcheck.cli import main

    path = tmp_path / "a.txt"
    path.write_text("The millet group said hello.\nLine and line sales grew.\n", encoding="utf-8")
    console, buffer = _console(terminal=True)
    with progress.shown_on(console, delay=0):
        result = CliRunner().invoke(main, ["check", str(path), "--no-embed", "--format", "html", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1, result.output
    shown = buffer.getvalue()
    for name in ("reading", "glossary", "checks", "report"):
        assert _bars(shown, name), name
    assert _bars(shown, "checks")[-1].split()[-2] == "2/2"
