"""Segment-level checks of a large document in forked worker processes (`--jobs`).

Document-level checks (the glossary rules with their sense gate, consistency, the
bilingual document rules) need the whole document; segment-level checks (repeats,
names, numbers, ...) look at one segment at a time. With jobs > 1 the engine forks up
to jobs - 1 workers, each running every segment-level check on one contiguous slice of
the document's segments, while the calling process runs the document-level checks; it
then reads the workers' findings and puts them where a single process would have
produced them, so the run's findings are exactly those of `jobs=1`
(tests/test_parallel.py).

Workers are forked, so they share the glossary and its matcher without copying or
pickling them, and send back only their findings (through an anonymous temporary file,
so a worker never waits for the parent to read). Forking is used only where it is safe
and pays off, otherwise the checks simply run in this process:
- on Linux (fork is unavailable on Windows and unsafe with macOS system frameworks);
- from a process's only Python thread, before any embedding runtime (torch,
  onnxruntime) has started its own threads;
- for documents of at least MIN_SEGMENTS_PER_WORKER segments per worker.
A worker that fails for any reason is ignored and its slice is checked here again, so a
failure surfaces exactly as it would without workers.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from dataclasses import dataclass
from typing import Callable, Sequence

from .models import Finding, Segment

MIN_SEGMENTS_PER_WORKER = 2000
# The calling process's share of the segment-level work, relative to one worker's: it
# also runs the document-level checks and unpickles the workers' findings (measured on
# the bench corpus: about as much time as the segment-level checks, see bench/README.md).
PARENT_SHARE = 0.2
# Native libraries whose thread pools do not survive fork().
_THREADED_RUNTIMES = ("torch", "onnxruntime")

SegmentChecks = Callable[[Sequence[Segment]], list[list[Finding]]]


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def resolve_jobs(jobs: int) -> int:
    """jobs as given (0 or less: one per available CPU)."""
    return jobs if jobs > 0 else available_cpus()


def worker_count(jobs: int, segments: int) -> int:
    """How many workers to fork for a document of `segments` segments (0: none)."""
    jobs = resolve_jobs(jobs)
    if jobs <= 1 or segments < MIN_SEGMENTS_PER_WORKER or not fork_is_safe():
        return 0
    return min(jobs - 1, segments // MIN_SEGMENTS_PER_WORKER)


def fork_is_safe() -> bool:
    """Linux, a single Python thread, and no embedding runtime with its own threads."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return threading.active_count() == 1 and not any(name in sys.modules for name in _THREADED_RUNTIMES)


def slices(count: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous (start, stop) ranges covering range(count), sizes differing by at most one."""
    size, extra = divmod(count, parts)
    bounds, start = [], 0
    for part in range(parts):
        stop = start + size + (1 if part < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


@dataclass
class _Worker:
    pid: int
    output: object  # the temporary file the worker writes its pickled findings to
    segments: Sequence[Segment]


class SegmentWorkers:
    """Workers running `check_segments` on slices of `segments`; `results()` waits for them.

    The calling process keeps the last PARENT_SHARE of a worker's load for itself: it has
    the document-level checks to run first, and then checks its slice while the workers
    finish theirs (and pickle their findings, which the caller unpickles).
    """

    def __init__(self, segments: Sequence[Segment], check_segments: SegmentChecks, workers: int):
        self._check_segments = check_segments
        self._parts: list[_Worker] = []
        kept = round(len(segments) * PARENT_SHARE / (workers + PARENT_SHARE))
        forked = segments[:len(segments) - kept]
        sys.stdout.flush()
        sys.stderr.flush()
        for start, stop in slices(len(forked), workers):
            part = forked[start:stop]
            output = tempfile.TemporaryFile()
            try:
                pid = os.fork()
            except OSError:
                output.close()
                self._parts.append(_Worker(-1, None, part))  # checked here in results()
                continue
            if pid == 0:  # pragma: no cover - runs in the forked worker; its exit status is tested
                _run_worker(part, check_segments, output)
            self._parts.append(_Worker(pid, output, part))
        if kept:
            self._parts.append(_Worker(-1, None, segments[len(segments) - kept:]))

    def results(self) -> list[list[Finding]]:
        """Per segment-level check, its findings over all slices, in segment order."""
        found_here = {index: self._check_segments(part.segments) for index, part in enumerate(self._parts) if part.pid < 0}
        merged: list[list[Finding]] | None = None
        for index, part in enumerate(self._parts):
            found = found_here[index] if index in found_here else _collect(part)
            if found is None:  # the worker failed: check its slice here
                found = self._check_segments(part.segments)
            if merged is None:
                merged = found
            else:
                for into, more in zip(merged, found):
                    into.extend(more)
        return merged or []


def _run_worker(segments: Sequence[Segment], check_segments: SegmentChecks, output) -> None:  # pragma: no cover
    status = 1
    try:
        pickle.dump(check_segments(segments), output, protocol=pickle.HIGHEST_PROTOCOL)
        output.flush()
        status = 0
    except BaseException:  # noqa: BLE001 - the parent re-runs the slice and reports the error itself
        pass
    finally:
        os._exit(status)


def _collect(worker: _Worker) -> list[list[Finding]] | None:
    """The worker's findings, or None when it could not be started or did not finish cleanly."""
    if worker.pid < 0:
        return None
    try:
        _, status = os.waitpid(worker.pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        worker.output.seek(0)
        return pickle.load(worker.output)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    finally:
        worker.output.close()
