"""Issue-12 embedding and bilingual targets, as ratios measured in one run.

    python bench/embed_targets.py                 # all three
    python bench/embed_targets.py --only first-run,source

- first-run: `mtcheck check` of the bundled example with a fresh MTCHECK_CACHE_DIR, then
  again with that cache (target: first / second <= 1.3). A run before both warms the OS
  file cache, so the ratio is mtcheck's own first-run cost.
- source: the first 5 lines of the example with --no-embed, with and without --source,
  after one run that fills the cache (target: (with - without) / without <= 1).
- concurrent: N runs of the example at once (wall time), with the default thread count
  and with --threads 1.

Each measurement is a fresh `mtcheck` process; times are medians of --repeats.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "interview.mt.en.txt"
SOURCE = ROOT / "data" / "examples" / "interview.zh.txt"
MTCHECK = [sys.executable, "-c", "from mtcheck.cli import main; main()"]


def run(args: list[str], cache: Path, extra_env: dict | None = None) -> float:
    env = {**os.environ, "MTCHECK_CACHE_DIR": str(cache), **(extra_env or {})}
    started = time.perf_counter()
    done = subprocess.run(MTCHECK + ["check", *map(str, args)], env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    return time.perf_counter() - started


def first_run(repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        run([EXAMPLE], Path(scratch) / "warm-os")
        firsts, seconds = [], []
        for index in range(repeats):
            cache = Path(scratch) / f"fresh{index}"
            firsts.append(run([EXAMPLE], cache))
            seconds.append(run([EXAMPLE], cache))
    first, second = statistics.median(firsts), statistics.median(seconds)
    return {"first_s": first, "second_s": second, "ratio": first / second}


def source_overhead(repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        target, source = folder / "five.en.txt", folder / "five.zh.txt"
        target.write_text("".join(EXAMPLE.read_text(encoding="utf-8").splitlines(True)[:5]), encoding="utf-8")
        source.write_text("".join(SOURCE.read_text(encoding="utf-8").splitlines(True)[:5]), encoding="utf-8")
        cache = folder / "cache"
        first = run([target, "--no-embed", "--source", source], cache)
        # Interleaved, so that both kinds of run see the same moments of a shared machine.
        pairs = [(run([target, "--no-embed"], cache), run([target, "--no-embed", "--source", source], cache)) for _ in range(repeats)]
        plain = statistics.median(pair[0] for pair in pairs)
        bilingual = statistics.median(pair[1] for pair in pairs)
    return {"first_source_s": first, "plain_s": plain, "source_s": bilingual, "added_ratio": (bilingual - plain) / plain}


def concurrent(count: int, thread_args: list[str]) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        run([EXAMPLE, *thread_args], cache)  # fill the cache once
        env = {**os.environ, "MTCHECK_CACHE_DIR": str(cache)}
        started = time.perf_counter()
        procs = [subprocess.Popen(MTCHECK + ["check", str(EXAMPLE), *thread_args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(count)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="first-run,source,concurrent")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=8, help="runs at once")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    if "first-run" in wanted:
        r = first_run(args.repeats)
        print(f"first run {r['first_s']:.1f} s, second {r['second_s']:.1f} s: first/second {r['ratio']:.2f} (target <= 1.3)")
    if "source" in wanted:
        r = source_overhead(args.repeats)
        print(f"5 lines --no-embed {r['plain_s']:.2f} s, with --source {r['source_s']:.2f} s (first {r['first_source_s']:.2f} s): "
              f"--source adds {r['added_ratio']:.2f}x (target <= 1)")
    if "concurrent" in wanted:
        default = concurrent(args.concurrent, [])
        limited = concurrent(args.concurrent, ["--threads", "1"])
        print(f"{args.concurrent} concurrent runs: {default:.1f} s default threads, {limited:.1f} s with --threads 1 "
              f"(ratio {default / limited:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
