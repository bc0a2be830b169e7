"""Speed-up of checking on a dask.distributed cluster (issue 13): 1 process, 1 worker, 2 workers.

    python bench/scaleout.py                  # 50 files x 2,000 lines; writes bench/results/scaleout.md
    python bench/scaleout.py --files 10 --lines 500 --no-write   # a smoke run

The corpus is bench/corpus.py's garbled MT (synthetic, seeded), one file per document,
checked `--no-embed` with the bundled glossaries plus bench/corpus.py's 1,000-entry
glossary (whose names the corpus uses). The segments are read once, in this process,
as `mtcheck check --dask-scheduler` reads them; then the best of --repeats rounds in
which the setups take turns (so load from other work hits them alike) of:

- single process: `run_checks` over all segments (`--jobs 1`), context built each run,
  as one `mtcheck check` builds it;
- LocalCluster with 1 and with 2 worker processes (1 thread each, loopback):
  `scaleout.check_on_client`, the path of `mtcheck check --dask-scheduler`. The first run
  on fresh workers (each builds its glossary matcher, from the disk cache) is reported
  apart from the best of the later runs (workers keep their context, as a long-lived
  cluster does).

Every cluster run's findings are compared with the single-process ones. Last, the
whole `mtcheck check` command (JSON report to /dev/null) with and without
`--dask-scheduler` on the 2-worker cluster, also taking turns. Wall times on a shared machine are noisy;
the speed-ups are ratios within one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SEED, corpus_lines, glossary_csv, glossary_rows  # noqa: E402
from scaling import machine_line, mtcheck_command, publish, timed_run  # noqa: E402

from mtcheck.engine import run_checks  # noqa: E402
from mtcheck.options import CheckOptions  # noqa: E402
from mtcheck.readers import read_segments  # noqa: E402

RESULTS = HERE / "results" / "scaleout.md"


def write_corpus(folder: Path, files: int, lines: int) -> tuple[list[Path], Path]:
    """`files` documents of `lines` segments each, and the glossary their names come from."""
    rows = glossary_rows(1_000)
    glossary = folder / "glossary-1000.csv"
    glossary.write_text(glossary_csv(rows), encoding="utf-8")
    paths = []
    for index in range(files):
        path = folder / f"doc-{index:03d}.txt"
        path.write_text("\n".join(corpus_lines(lines, rows, SEED + index)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths, glossary


def timed(func):
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def local_cluster(workers: int):
    import distributed

    return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address=":0", silence_logs=50)


def library_runs(segments, options: CheckOptions, repeats: int) -> tuple[dict, tuple]:
    """Seconds per setup: "single" (best of `repeats`), and for 1 and 2 workers the first
    run on fresh workers ("first"), the best later one ("best") and the cluster start-up.
    The setups take turns in every round, so load from other work hits them alike."""
    import distributed

    from mtcheck import scaleout

    expected = run_checks(segments, options).findings
    out: dict = {"single": [], 1: {"best": []}, 2: {"best": []}}
    with ExitStack() as stack:
        clients = {}
        for workers in (1, 2):
            seconds, cluster = timed(lambda: stack.enter_context(local_cluster(workers)))
            clients[workers] = stack.enter_context(distributed.Client(cluster))
            out[workers]["startup"] = seconds

        def on_cluster(workers: int) -> float:
            seconds, result = timed(lambda: scaleout.check_on_client(clients[workers], segments, options))
            if result.findings != expected:
                raise SystemExit(f"{workers} worker(s): findings differ from the single-process run")
            return seconds

        for workers in (1, 2):
            out[workers]["first"] = on_cluster(workers)
        for _ in range(repeats):
            out["single"].append(timed(lambda: run_checks(segments, options))[0])
            for workers in (1, 2):
                out[workers]["best"].append(on_cluster(workers))
    out["single"] = min(out["single"])
    for workers in (1, 2):
        out[workers]["best"] = min(out[workers]["best"])
    return out, expected


def cli_runs(paths: list[Path], glossary: Path, repeats: int) -> dict:
    """Whole `mtcheck check` processes, without and with --dask-scheduler (2 workers), taking turns."""
    base = [*mtcheck_command(), "check", *map(str, paths), "--glossary", str(glossary), "--no-embed",
            "--format", "json", "-o", os.devnull]
    with local_cluster(2) as cluster:
        on_cluster = [*base, "--dask-scheduler", cluster.scheduler_address]
        out = {"cluster_first": timed_run(on_cluster), "single": [], "cluster": []}
        for _ in range(repeats):
            out["single"].append(timed_run([*base, "--jobs", "1"]))
            out["cluster"].append(timed_run(on_cluster))
    return {**out, "single": min(out["single"]), "cluster": min(out["cluster"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--lines", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mtcheck-scaleout-") as name:
        paths, glossary = write_corpus(Path(name), args.files, args.lines)
        options = CheckOptions(glossaries=(str(glossary),), embed=False, jobs=1)
        read_s, segments = timed(lambda: [segment for path in paths for segment in read_segments(str(path))])
        measured, expected = library_runs(segments, options, args.repeats)
        single, clusters = measured["single"], {workers: measured[workers] for workers in (1, 2)}
        cli = cli_runs(paths, glossary, args.repeats)
    out = [
        "# Scale-out: one process against a dask.distributed LocalCluster", "",
        f"Generated by `python bench/scaleout.py --files {args.files} --lines {args.lines} --repeats {args.repeats}` "
        f"on {time.strftime('%Y-%m-%d')}. {len(segments):,} segments in {len(paths)} files (bench/corpus.py's "
        f"synthetic garbled MT), `--no-embed`, bundled glossaries plus a 1,000-entry one; {len(expected):,} findings, "
        f"identical in every setup. Reading the files: {read_s:.1f} s (in the calling process, not part of the times below).", "",
        "| setup | first run s | best later run s | segments/s | speed-up vs 1 process |",
        "|---|---:|---:|---:|---:|",
        f"| 1 process (`run_checks`, `--jobs 1`) | | {single:.2f} | {len(segments) / single:,.0f} | 1.00 |",
    ]
    for workers, measured in clusters.items():
        out.append(f"| LocalCluster, {workers} worker process{'es' if workers > 1 else ''} (1 thread each), "
                   f"`check_on_client` | {measured['first']:.2f} | {measured['best']:.2f} | "
                   f"{len(segments) / measured['best']:,.0f} | {single / measured['best']:.2f} |")
    two, one = clusters[2]["best"], clusters[1]["best"]
    out += [
        "",
        f"2 workers against 1 worker: {one / two:.2f}x. Cluster start-up (not in the times): "
        f"{clusters[1]['startup']:.1f} s with 1 worker, {clusters[2]['startup']:.1f} s with 2.",
        "",
        f"Whole `mtcheck check` command, JSON report to /dev/null (best of {args.repeats}): "
        f"{cli['single']:.2f} s with `--jobs 1`; {cli['cluster']:.2f} s with `--dask-scheduler` on the 2-worker "
        f"cluster ({cli['cluster_first']:.2f} s on its fresh workers), a speed-up of {cli['single'] / cli['cluster']:.2f}.",
        "",
        machine_line() + " The cluster's 2 workers, its scheduler and the calling process share those cores.",
        "",
    ]
    text = "\n".join(out)
    publish(text, RESULTS, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
