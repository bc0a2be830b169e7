"""Embedding thread count: resolution (flag/config, environment, --jobs, CPU count) as a
pure function, the --threads flag and the threads config key through the CLI, and the
limit reaching torch."""

from __future__ import annotations

import pytest

from mtcheck.embeddings import threads
from mtcheck.embeddings.threads import resolve_threads

from .formats_util import GLOSSARY, invoke


@pytest.mark.parametrize("requested, environ, cpus, jobs, expected", [
    (0, {}, 2, 1, 2),  # automatic: every CPU ...
    (0, {}, 64, 1, 4),  # ... at most DEFAULT_MAX
    (0, {}, 1, 1, 1),
    (0, {}, 0, 1, 1),  # an unknown CPU count still gets one thread
    (3, {}, 2, 1, 3),  # the flag or config key wins over everything
    (3, {"OMP_NUM_THREADS": "1"}, 2, 8, 3),
    (0, {"OMP_NUM_THREADS": "1"}, 16, 1, 1),  # then the environment
    (0, {"MKL_NUM_THREADS": "2"}, 16, 1, 2),
    (0, {"OMP_NUM_THREADS": "6", "MKL_NUM_THREADS": "2"}, 16, 1, 6),  # OMP first
    (0, {"OMP_NUM_THREADS": "", "MKL_NUM_THREADS": "2"}, 16, 1, 2),
    (0, {"OMP_NUM_THREADS": "0"}, 16, 1, 4),  # not a usable count: ignored
    (0, {"OMP_NUM_THREADS": "many"}, 16, 1, 4),
    (0, {"OMP_NUM_THREADS": " 2 "}, 16, 1, 2),
    (0, {}, 16, 4, 1),  # forked --jobs workers use the other cores
    (0, {}, 16, 0, 4),  # --jobs 0 (automatic) alone does not force one thread
    (0, {"OMP_NUM_THREADS": "2"}, 16, 4, 2),
])
def test_resolve_threads(requested, environ, cpus, jobs, expected):
    assert resolve_threads(requested, environ, cpus, jobs) == expected


@pytest.mark.parametrize("requested, environ, cpus, busy, expected", [
    (0, {}, 2, 0.0, 2),  # an idle machine: every CPU
    (0, {}, 2, 0.4, 2),  # a little background work rounds away
    (0, {}, 2, 0.6, 1),  # one core taken: one thread
    (0, {}, 2, 9.0, 1),  # overloaded: still one thread
    (0, {}, 16, 3.0, 4),  # idle CPUs beyond DEFAULT_MAX
    (0, {}, 16, 13.2, 3),
    (0, {}, 4, -1.0, 4),  # a nonsense load counts as none
    (2, {}, 2, 9.0, 2),  # the flag or config key is kept on a loaded machine ...
    (0, {"OMP_NUM_THREADS": "2"}, 2, 9.0, 2),  # ... and so is the environment
])
def test_resolve_threads_leaves_busy_cpus_alone(requested, environ, cpus, busy, expected):
    assert resolve_threads(requested, environ, cpus, 1, busy) == expected


@pytest.mark.parametrize("loadavg, expected", [
    ("0.10 0.20 0.30 1/120 999", 0.10),  # only this process running
    ("0.10 0.20 0.30 9/120 999", 8.0),  # eight others running now (started together: the average lags)
    ("7.54 8.79 6.90 3/128 20248", 7.54),  # the average, when larger
    ("1.5 1.0 0.5", 1.5),  # no task counts
    ("", 0.0),
    ("high load", 0.0),
])
def test_busy_cpus_from_proc_loadavg(loadavg, expected):
    assert threads.busy_cpus(loadavg) == pytest.approx(expected)


AMBIGUOUS = "Millet released a new phone.\n"


@pytest.fixture
def captured(tmp_path, monkeypatch):
    """The thread limit a CLI run sets; the run then stops at a missing --model (exit 2)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.setattr("mtcheck.parallel.available_cpus", lambda: 8)
    monkeypatch.setattr(threads, "busy_cpus", lambda: 0.0)
    (tmp_path / "mt.txt").write_text(AMBIGUOUS, encoding="utf-8")
    seen: list[int] = []
    monkeypatch.setattr(threads, "limit_threads", seen.append)
    return seen


@pytest.mark.parametrize("config, args, expected", [
    ("", [], 4),
    ("", ["--threads", "1"], 1),
    ("threads = 2\n", [], 2),
    ("threads = 2\n", ["--threads", "3"], 3),
    ("", ["--jobs", "2"], 1),
    ("threads = 0\n", ["--jobs", "1"], 4),
])
def test_threads_from_flag_and_configuration(captured, tmp_path, config, args, expected):
    (tmp_path / ".mtcheck.toml").write_text(config, encoding="utf-8")
    result = invoke(["check", "mt.txt", "--model", str(tmp_path / "no-model/"), *args])
    assert result.exit_code == 2 and "model directory not found" in result.stderr
    assert captured == [expected]


def test_a_loaded_machine_gets_fewer_threads(captured, tmp_path, monkeypatch):
    monkeypatch.setattr(threads, "busy_cpus", lambda: 6.2)
    invoke(["check", "mt.txt", "--model", str(tmp_path / "no-model/")])
    assert captured == [2]


def test_omp_num_threads_is_respected(captured, tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    invoke(["check", "mt.txt", "--model", str(tmp_path / "no-model/")])
    assert captured == [1]


@pytest.mark.parametrize("value", ['"many"', "-2", "true", "1.5"])
def test_bad_threads_value_is_a_one_line_error(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mt.txt").write_text(AMBIGUOUS, encoding="utf-8")
    (tmp_path / ".mtcheck.toml").write_text(f"threads = {value}\n", encoding="utf-8")
    result = invoke(["check", "mt.txt", "--no-embed"])
    assert result.exit_code == 2
    assert "key 'threads' must be a whole number" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_negative_threads_on_the_command_line_is_a_usage_error(tmp_path):
    (tmp_path / "mt.txt").write_text(AMBIGUOUS, encoding="utf-8")
    assert invoke(["check", str(tmp_path / "mt.txt"), "--threads", "-1", "--no-embed", "--glossary", GLOSSARY]).exit_code == 2


def test_limit_reaches_torch(monkeypatch):
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    monkeypatch.setattr(threads, "_limit", None)
    try:
        threads.limit_threads(1)
        assert torch.get_num_threads() == 1 and threads.thread_limit() == 1
    finally:
        torch.set_num_threads(before)
