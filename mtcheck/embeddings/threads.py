"""How many CPU threads the embedding runtimes (torch, ONNX Runtime) may use.

Left alone, every process starts a thread per core, so eight concurrent runs (a CI
matrix, ``xargs -P``, pre-commit) each run as many threads as the machine has cores and
spend their time switching. The count is, first found:

1. ``--threads N`` or the ``threads`` config key (CheckOptions.threads), when not 0;
2. ``OMP_NUM_THREADS``, then ``MKL_NUM_THREADS``, when set to a positive whole number;
3. 1 when ``--jobs`` asks for more than one process (the workers use the other cores);
4. else the available CPUs, at most DEFAULT_MAX (beyond that a small model gains little).

The limit is per process (the runtimes' pools are), so `limit_threads` records it for
backends created later (ONNX Runtime sessions) and applies it to torch when loaded.
"""

from __future__ import annotations

import sys
from typing import Mapping

ENV_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT_MAX = 4
_limit: int | None = None


def resolve_threads(requested: int, environ: Mapping[str, str], cpus: int, jobs: int = 1) -> int:
    """The thread count for `requested` (0: automatic), the environment, the CPU count and --jobs."""
    if requested > 0:
        return requested
    for name in ENV_VARS:
        value = environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    if jobs > 1:
        return 1
    return max(1, min(cpus, DEFAULT_MAX))


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
