"""The console entry point's fast exit (mtcheck/fastexit.py): nothing written is lost, the
status is the command's, atexit handlers run, and threads with work left finish first."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtcheck.fastexit import exit_status

ROOT = Path(__file__).resolve().parent.parent


# Block-buffered streams, as a user's pipe or file gets them: what fastexit must flush.
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=BUFFERED)


@pytest.mark.parametrize("code, status, stderr", [
    (None, 0, ""),
    (0, 0, ""),
    (1, 1, ""),
    (2, 2, ""),
    (130, 130, ""),
    ("a message", 1, "a message\n"),
])
def test_exit_status_follows_the_interpreter(code, status, stderr, capsys):
    assert exit_status(code) == status
    assert capsys.readouterr().err == stderr


@pytest.mark.parametrize("body, status", [
    ("pass", 0),  # returned without SystemExit
    ("sys.exit(0)", 0),
    ("sys.exit(1)", 1),
    ("sys.exit(2)", 2),
    ("sys.exit(None)", 0),
])
def test_buffered_output_and_status_survive_the_exit(body, status):
    done = run_python(f"""
        import sys
        from mtcheck.fastexit import run
        def main():
            sys.stdout.write("report without a newline " * 1000)
            sys.stderr.write("note")
            {body}
        run(main)
        print("not reached")
    """)
    assert done.returncode == status
    assert done.stdout == "report without a newline " * 1000
    assert done.stderr == "note"


def test_a_message_exit_prints_it_and_is_status_1():
    done = run_python("""
        import sys
        from mtcheck.fastexit import run
        run(lambda: sys.exit("mtcheck: stopped"))
    """)
    assert (done.returncode, done.stderr) == (1, "mtcheck: stopped\n")


def test_atexit_handlers_run():
    done = run_python("""
        import atexit, sys
        from mtcheck.fastexit import run
        atexit.register(lambda: sys.stdout.write("handler ran"))
        run(lambda: sys.exit(1))
    """)
    assert (done.returncode, done.stdout) == (1, "handler ran")


def test_a_running_non_daemon_thread_finishes_before_the_process_ends():
    done = run_python("""
        import sys, threading, time
        from mtcheck.fastexit import run
        def work():
            time.sleep(0.3)
            sys.stdout.write("thread finished")
        threading.Thread(target=work).start()
        run(lambda: sys.exit(1))
    """)
    assert (done.returncode, done.stdout) == (1, "thread finished")


def test_a_daemon_thread_does_not_hold_the_exit():
    done = run_python("""
        import sys, threading, time
        from mtcheck.fastexit import run
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        run(lambda: sys.exit(0))
    """)
    assert done.returncode == 0


def test_a_pipe_closed_before_the_last_flush_is_a_one_line_error():
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: the child's flush meets a broken pipe
    try:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
            import sys
            from mtcheck.fastexit import run
            def main():
                sys.stdout.write("x" * 100)
                sys.exit(0)
            run(main)
        """)], stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60, env=BUFFERED)
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert done.stderr == "mtcheck: error: output closed before the report was complete (broken pipe)\n"


def test_the_console_script_goes_through_the_fast_exit():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["options.entry_points"]["console_scripts"].split() == ["mtcheck", "=", "mtcheck.cli:console_main"]


def test_python_dash_m_runs_a_check_end_to_end(tmp_path):
    target = tmp_path / "mt.txt"
    target.write_text("Our own line: the millet technology stall sold large data.\n", encoding="utf-8")
    report = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "mtcheck", "check", "--no-embed", "--format", "json", "-o", str(report), str(target)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 1, done.stderr
    text = report.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '"rule": "GL001"' in text
    assert "json report written" in done.stderr
