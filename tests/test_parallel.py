"""Segment-level checks in forked workers (mtcheck.parallel): same findings as one process."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading

import pytest
from hypothesis import given, strategies as st

from mtcheck import parallel
from mtcheck.engine import build_context, run_checks
from mtcheck.models import Segment
from mtcheck.options import CheckOptions

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")

# Written for these tests: every segment-level rule and the document-level ones fire.
LINES = [
    "Millet technology said the record record sales reached 16 thousand units on the 29 day.",
    "The the Lei Jun visited the fusion lab, and the integration of line and line retail went on.",
    "The nineteen major set the tone; research and research matter, said the 04 edition.",
    "HUAWEI and apple shipped more phones than a year ago, and the large data team grew.",
    "A plain sentence with nothing wrong in it at all.",
    "Farmers in Shanxi harvested millet and maize in a dry autumn.",
]


def _segments(count: int, files: int = 1) -> list[Segment]:
    per_file = count // files
    return [
        Segment(id=str(index + 1), target=f"{LINES[(index * 7 + file) % len(LINES)]} Item {index}.", file=f"doc{file}.txt", line=index + 1)
        for file in range(files) for index in range(per_file)
    ]


def _run(segments, **options):
    context = build_context(CheckOptions(embed=False, **options))
    return run_checks(segments, context=context)


@pytest.fixture
def forking(monkeypatch):
    """Fork workers for small documents too (so the tests stay fast), even when earlier
    tests left threads or loaded torch in this process (the workers never touch them),
    and count the workers started."""
    monkeypatch.setattr(parallel, "MIN_SEGMENTS_PER_WORKER", 40)
    monkeypatch.setattr(parallel, "fork_is_safe", lambda: True)
    started: list[int] = []
    original = parallel.SegmentWorkers.__init__

    def counting(self, segments, check_segments, workers):
        started.append(workers)
        original(self, segments, check_segments, workers)

    monkeypatch.setattr(parallel.SegmentWorkers, "__init__", counting)
    return started


@linux_only
@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("files", [1, 3])
def test_workers_give_exactly_the_single_process_findings(forking, jobs, files):
    segments = _segments(240, files)
    single = _run(segments)
    assert not forking
    forked = _run(segments, jobs=jobs)
    assert forking == [jobs - 1] * files
    assert single.findings and {f.rule[:2] for f in single.findings} >= {"GL", "RP", "NU", "NM", "CO"}
    assert forked.findings == single.findings
    assert forked.scores == single.scores and forked.overall_score == single.overall_score


@linux_only
def test_workers_apply_rule_selection(forking):
    segments = _segments(200)
    for options in ({"ignore": ("RP001", "NU")}, {"select": ("RP", "GL001")}):
        single = _run(segments, **options)
        assert _run(segments, jobs=2, **options).findings == single.findings
    assert forking == [1, 1]


@linux_only
def test_workers_only_for_large_documents(forking):
    _run(_segments(200), jobs=3)
    _run(_segments(30), jobs=3)  # below the per-worker minimum: no workers
    _run(_segments(60), jobs=3)  # room for one worker only
    assert forking == [2, 1]


@linux_only
def test_a_failing_worker_is_replaced_by_checking_its_slice_here(forking, monkeypatch):
    def crash(segments, check_segments, output):
        os._exit(3)

    monkeypatch.setattr(parallel, "_run_worker", crash)
    segments = _segments(200)
    assert _run(segments, jobs=2).findings == _run(segments).findings
    assert forking == [1]


@linux_only
def test_a_check_that_raises_raises_in_the_caller(forking, monkeypatch):
    from mtcheck.checks import repetition
    from mtcheck.registry import CHECKS

    def broken(segment, document):
        raise RuntimeError("broken rule")

    index = next(i for i, check in enumerate(CHECKS) if check.func is repetition.check_repetition)
    patched = list(CHECKS)
    patched[index] = dataclasses.replace(CHECKS[index], func=broken)
    monkeypatch.setattr("mtcheck.registry.CHECKS", patched)
    monkeypatch.setattr("mtcheck.engine.CHECKS", patched)
    with pytest.raises(RuntimeError, match="broken rule"):
        _run(_segments(200), jobs=2)
    assert forking == [1]


def test_no_workers_where_forking_is_unsafe_or_useless(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    for runtime in parallel._THREADED_RUNTIMES:
        monkeypatch.delitem(sys.modules, runtime, raising=False)
    assert parallel.worker_count(1, 100_000) == 0
    assert parallel.worker_count(4, parallel.MIN_SEGMENTS_PER_WORKER - 1) == 0
    assert parallel.worker_count(4, 100 * parallel.MIN_SEGMENTS_PER_WORKER) == 3
    assert parallel.worker_count(3, 2 * parallel.MIN_SEGMENTS_PER_WORKER) == 2
    monkeypatch.setitem(sys.modules, "torch", sys)  # an embedding runtime with its own threads
    assert parallel.worker_count(4, 100 * parallel.MIN_SEGMENTS_PER_WORKER) == 0
    monkeypatch.delitem(sys.modules, "torch")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert parallel.worker_count(4, 100 * parallel.MIN_SEGMENTS_PER_WORKER) == 0


def test_no_workers_from_a_multithreaded_process(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert parallel.worker_count(4, 100 * parallel.MIN_SEGMENTS_PER_WORKER) == 0
    finally:
        release.set()
        thread.join()


def test_jobs_zero_means_one_per_cpu():
    assert parallel.resolve_jobs(0) == parallel.available_cpus() >= 1
    assert parallel.resolve_jobs(5) == 5


@given(st.integers(0, 500), st.integers(1, 9))
def test_slices_cover_the_segments_in_order(count, parts):
    bounds = parallel.slices(count, parts)
    assert len(bounds) == parts
    assert [start for start, _ in bounds] == [0] + [stop for _, stop in bounds[:-1]]
    assert bounds[-1][1] == count
    sizes = [stop - start for start, stop in bounds]
    assert max(sizes) - min(sizes) <= 1
