"""Leave the process without freeing every object: the console entry point's last step.

A run that reported 30,000 findings holds a few hundred thousand objects (findings, their
report, the glossary), and a normal exit frees them one by one: 85 ms of a 1.2 s run on
dense text, 35 ms of a 0.2 s run on five lines. Once the command has returned, the report
is written and closed, so the entry point runs the atexit handlers, flushes the standard
streams and ends the process with os._exit, as mypy does.

It exits normally instead while a thread that is not a daemon still runs (its work must
finish; the interpreter joins it). A library caller never goes through here: only
`mtcheck` and `python -m mtcheck` do.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import Callable, NoReturn

BROKEN_PIPE_STATUS = 2  # as cli.MtcheckGroup reports a pipe closed while the report is written


def exit_status(code: object) -> int:
    """The process status for SystemExit(code): None is 0, an int is itself, anything else
    (a message) is printed on stderr and is 1, as the interpreter does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    _say(str(code))
    return 1


def run(main: Callable[[], object]) -> NoReturn:
    """Call `main` (a click command in standalone mode: it ends with SystemExit), then leave
    with its status through hard_exit. Other exceptions (none escape a click command but
    KeyboardInterrupt before click starts) propagate as usual."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    hard_exit(exit_status(code))


def other_threads_running() -> bool:
    main = threading.main_thread()
    return any(thread is not main and thread.is_alive() and not thread.daemon for thread in threading.enumerate())


def hard_exit(status: int) -> NoReturn:
    """Run the atexit handlers, flush stdout and stderr and end the process with `status`
    without tearing the interpreter down (unless another thread still has work to do)."""
    if other_threads_running():
        sys.exit(status)
    atexit._run_exitfuncs()  # first: a handler may still write
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `mtcheck ... | head`: the end of the report never arrived
        _say("mtcheck: error: output closed before the report was complete (broken pipe)")
        status = BROKEN_PIPE_STATUS
    except (OSError, ValueError):  # stdout closed or unwritable: nothing more can be done
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(status)


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError):
        pass
