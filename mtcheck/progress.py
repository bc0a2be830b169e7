"""Progress bars on stderr for the long stages of a run (reading, glossary, model load,
embedding, checks, report): one bar per stage, only on a terminal.

    from mtcheck.progress import stage

    with stage("embedding", total=len(texts)) as bar:
        for batch in batches:
            ...
            bar.advance(len(batch))

A stage shows its bar only once it has run for DELAY seconds (a short stage prints
nothing) and only when stderr is a terminal: piped or redirected, and under
MTCHECK_PROGRESS=off, nothing is written. A stage entered again under the same name
(embedding one document after another) continues its bar: the total grows, the count
carries on, and no second bar starts again at 0%. rich is imported only when a bar is
shown.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterator

DELAY = 2.0  # seconds a stage runs before its bar appears


class Stage:
    """A stage's handle: advance(n) as work gets done. Does nothing while no bar is shown."""

    def __init__(self, board: "Board | None", name: str):
        self._board = board
        self.name = name

    def advance(self, n: float = 1) -> None:
        if self._board is not None:
            self._board.advance(self.name, n)


class Board:
    """The bars of one process: a rich Progress on stderr, one task per stage name."""

    def __init__(self, console=None, delay: float | None = None):
        self._console = console
        self._delay = DELAY if delay is None else delay
        self._lock = threading.RLock()
        self._progress = None
        self._tasks: dict[str, object] = {}  # stage name -> rich task id, once shown
        self._counts: dict[str, list] = {}  # stage name -> [completed, total or None]
        self._open: dict[str, int] = {}  # stage name -> how many entries are running
        self._timers: dict[str, threading.Timer] = {}

    def enter(self, name: str, total: float | None) -> None:
        with self._lock:
            count = self._counts.setdefault(name, [0, None])
            if total is not None:
                count[1] = (count[1] or 0) + total
            self._open[name] = self._open.get(name, 0) + 1
            if name in self._tasks:
                self._progress.update(self._tasks[name], total=count[1], visible=True)
            elif self._delay <= 0:
                self._show(name)
            elif name not in self._timers:
                timer = threading.Timer(self._delay, self._show, (name,))
                timer.daemon = True
                self._timers[name] = timer
                timer.start()

    def advance(self, name: str, n: float) -> None:
        with self._lock:
            count = self._counts.get(name)
            if count is None:
                return
            count[0] += n
            if name in self._tasks:
                self._progress.update(self._tasks[name], completed=count[0])

    def leave(self, name: str) -> None:
        with self._lock:
            self._open[name] -= 1
            if self._open[name]:
                return
            timer = self._timers.pop(name, None)
            if timer is not None:
                timer.cancel()
            if name in self._tasks:
                completed, total = self._counts[name]
                self._progress.update(self._tasks[name], completed=total if total is not None else completed, total=total if total is not None else completed)
                if not any(self._open.values()):
                    self._stop()

    def close(self) -> None:
        """Stop every timer and the display (the end of a run)."""
        with self._lock:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            self._stop()

    def _show(self, name: str) -> None:
        with self._lock:
            self._timers.pop(name, None)
            if not self._open.get(name) or name in self._tasks:
                return
            if self._progress is None:
                self._start()
            completed, total = self._counts[name]
            self._tasks[name] = self._progress.add_task(name, total=total, completed=completed)

    def _start(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self._console or _stderr_console(), transient=False,
        )
        self._progress.start()

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._tasks.clear()  # the counts stay: a stage entered again carries on from them


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def stderr_is_terminal() -> bool:
    if os.environ.get("MTCHECK_PROGRESS", "").strip().lower() in {"off", "0", "no", "false"}:
        return False
    try:
        return os.isatty(2)
    except OSError:
        return False


_BOARD: Board | None = None
_BOARD_LOCK = threading.Lock()
_OVERRIDES: list[Board | None] = []  # shown_on(console): the board to use instead


def _board() -> Board | None:
    global _BOARD
    if _OVERRIDES:
        return _OVERRIDES[-1]
    if _BOARD is None and stderr_is_terminal():
        with _BOARD_LOCK:
            if _BOARD is None:
                _BOARD = Board()
    return _BOARD


@contextmanager
def stage(name: str, total: float | None = None) -> Iterator[Stage]:
    """A stage of the run named `name` with `total` units of work (None: unknown, the bar
    then shows the count and the time spent)."""
    board = _board()
    if board is None:
        yield Stage(None, name)
        return
    board.enter(name, total)
    try:
        yield Stage(board, name)
    finally:
        board.leave(name)


@contextmanager
def shown_on(console, delay: float | None = None) -> Iterator[Board | None]:
    """Show the bars on `console` (a rich Console) for the duration instead of on stderr:
    tests, or an application with its own console. Nothing is shown when the console is
    not a terminal."""
    board = Board(console, delay) if console.is_terminal else None
    _OVERRIDES.append(board)
    try:
        yield board
    finally:
        _OVERRIDES.pop()
        if board is not None:
            board.close()
