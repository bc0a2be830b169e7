"""How many CPU threads the embedding runtimes (torch, ONNX Runtime) may use.

Left alone, every process starts a thread per core, so eight concurrent runs (a CI
matrix, ``xargs -P``, pre-commit) each run as many threads as the machine has cores and
spend their time switching. The count is, first found:

1. ``--threads N`` or the ``threads`` config key (CheckOptions.threads), when not 0;
2. ``OMP_NUM_THREADS``, then ``MKL_NUM_THREADS``, when set to a positive whole number;
3. 1 when ``--jobs`` asks for more than one process (the workers use the other cores);
4. else the CPUs that other work leaves idle (`busy_cpus`), at least 1 and at most
   DEFAULT_MAX (beyond that a small model gains little).

Step 4 counts the machine's load because the runtimes split every matrix product over
their threads and wait for the slowest: on a 2-core machine kept busy by other
processes, 2 threads embedded 4.6x slower than 1 (bench/embed_targets.py). The load
is read when the model is loaded: the 1-minute load average, or the tasks running at
that moment when more (eight runs started together have not raised the average yet).

The limit is per process (the runtimes' pools are), so `limit_threads` records it for
backends created later (ONNX Runtime sessions) and applies it to torch when loaded.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

ENV_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT_MAX = 4
_limit: int | None = None


def resolve_threads(requested: int, environ: Mapping[str, str], cpus: int, jobs: int = 1, busy: float = 0.0) -> int:
    """The thread count for `requested` (0: automatic), the environment, the CPU count,
    --jobs and the CPUs `busy` with other work."""
    if requested > 0:
        return requested
    for name in ENV_VARS:
        value = environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    if jobs > 1:
        return 1
    idle = round(cpus - max(0.0, busy))
    return max(1, min(cpus, idle, DEFAULT_MAX))


def busy_cpus(loadavg: str | None = None) -> float:
    """How many CPUs other processes keep busy: the larger of the 1-minute load average
    and the tasks running now besides this one (the 4th field of /proc/loadavg,
    "running/total", counts this process too). 0.0 when the system does not say."""
    if loadavg is None:
        try:
            with open("/proc/loadavg", encoding="ascii") as handle:
                loadavg = handle.read()
        except OSError:
            try:
                return max(0.0, os.getloadavg()[0])
            except (AttributeError, OSError):
                return 0.0
    fields = loadavg.split()
    try:
        average = float(fields[0])
        running = int(fields[3].split("/")[0]) - 1 if len(fields) > 3 else 0
    except (IndexError, ValueError):
        return 0.0
    return max(0.0, average, float(running))


def limit_threads(count: int) -> None:
    """Use `count` threads from now on: torch at once when loaded, ONNX Runtime sessions when created."""
    global _limit
    _limit = count
    apply_to_torch()


def thread_limit() -> int | None:
    """The limit set by limit_threads, or None (the runtime's default)."""
    return _limit


def apply_to_torch() -> None:
    if _limit is not None and "torch" in sys.modules:
        import torch

        if torch.get_num_threads() != _limit:
            torch.set_num_threads(_limit)
