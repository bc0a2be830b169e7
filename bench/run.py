"""mtcheck benchmarks: one command, a results table in bench/README.md.

    python bench/run.py            # full grid (1k/10k/100k segments, 1k/10k/100k glossary entries, embeddings)
    python bench/run.py --quick    # 1k and 10k segments only
    python bench/run.py --no-write # print the table, leave bench/README.md alone

Every measurement runs in a fresh Python process (so peak RSS is that run's own) on the
seeded synthetic corpora of bench/corpus.py and on the seed text. Stages: read (file to
segments), setup (glossary load + matcher, cold = built, warm = from the disk cache),
check (engine: matching and rules; in embedding mode including the sense gate), embed
(time inside the embedding backend, part of check), report (the JSON report streamed to a
file, as `--output FILE` writes it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import bench_dir, ensure_corpora  # noqa: E402

SEED_TEXT = Path(os.environ.get("MTCHECK_SEED_TEXT", ROOT.parent / "shared" / "seeds" / "peoples-daily-2017.mt.en.txt"))
if not SEED_TEXT.exists():
    SEED_TEXT = Path("/work/shared/seeds/peoples-daily-2017.mt.en.txt")
README = HERE / "README.md"
BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"


# ---------------------------------------------------------------- one measurement (child process)


def measure(config: dict) -> dict:
    """Run one configuration in this process and return its stage times and peak RSS."""
    import resource

    from mtcheck.engine import build_context, run_checks
    from mtcheck.glossary import cache
    from mtcheck.options import CheckOptions
    from mtcheck.parallel import resolve_jobs
    from mtcheck.readers import read_segments
    from mtcheck.reporters import ReportContext, get_reporter

    out: dict = {"config": config}
    started = time.perf_counter()
    segments = read_segments(config["corpus"])
    out["read"] = time.perf_counter() - started
    out["segments"] = len(segments)
    options = CheckOptions(
        glossaries=tuple(config["glossaries"]), use_default_glossary=config.get("default_glossary", False),
        embed=config["embed"], backend=config.get("backend", "torch"), jobs=config.get("jobs", 1),
    )
    started = time.perf_counter()
    context = build_context(options)
    out["glossary_load"] = time.perf_counter() - started
    out["glossary_entries"] = len(context.glossary)
    path = cache.matcher_path(context.glossary, cache.cache_dir()) if cache.cache_dir() else None
    out["matcher_cached"] = bool(path and path.exists())
    started = time.perf_counter()
    context.matcher  # noqa: B018  (build or load the matcher now, to time it apart)
    out["matcher"] = time.perf_counter() - started
    # The check stage, `repeats` times (the median is reported); CPU time includes the
    # forked workers' (--jobs).
    times = []
    cpu = time.process_time() + _children_cpu()
    for _ in range(config.get("repeats", 1)):
        result = None
        started = time.perf_counter()
        result = run_checks(segments, options, context)
        times.append(time.perf_counter() - started)
    out["check"] = statistics.median(times)
    out["check_times"] = times
    out["check_cpu"] = (time.process_time() + _children_cpu() - cpu) / len(times)
    out["jobs"] = resolve_jobs(options.jobs)
    out["embed"] = result.timings.get("embed", 0.0)
    out["model_load"] = result.timings.get("model-load", 0.0)
    gate = context.__dict__.get("gate")
    encoder = getattr(gate, "encoder", None)
    out["embedded_texts"] = getattr(encoder, "embedded", 0)
    out["findings"] = len(result.findings)
    # The report is written the way `mtcheck check --format json --output FILE` writes it:
    # streamed in pieces to a temporary file that is then renamed.
    from mtcheck.cli import write_output

    report_path = Path(tempfile.mkdtemp(prefix="mtcheck-bench-")) / "report.json"
    started = time.perf_counter()
    write_output(get_reporter("json").chunks(result, ReportContext()), str(report_path))
    out["report"] = time.perf_counter() - started
    out["report_mb"] = report_path.stat().st_size / 1e6
    shutil.rmtree(report_path.parent, ignore_errors=True)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def encode_speed(config: dict) -> dict:
    """Raw encode speed of one backend on the corpus sentences (child process)."""
    import resource

    from mtcheck.embeddings.encoder import get_backend
    from mtcheck.embeddings.model import resolve_model

    lines = [line for line in Path(config["corpus"]).read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = lines[: config["texts"]]
    spec = resolve_model(None)
    started = time.perf_counter()
    backend = get_backend(config["backend"], spec)
    load = time.perf_counter() - started
    backend.encode(texts[:8])  # warm-up
    started = time.perf_counter()
    backend.encode(texts)
    seconds = time.perf_counter() - started
    return {"config": config, "load": load, "encode": seconds, "texts": len(texts),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(kind: str, config: dict, env: dict | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), f"--{kind}", json.dumps(config)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        return {"config": config, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- start-up


def startup_times(runs: int = 10) -> dict:
    mtcheck = shutil.which("mtcheck", path=str(Path(sys.executable).parent)) or "mtcheck"
    commands = {
        "mtcheck --help": [mtcheck, "--help"],
        "mtcheck check --no-embed SEED": [mtcheck, "check", "--no-embed", str(SEED_TEXT), "--fail-on", "never"],
    }
    results = {}
    for label, command in commands.items():
        for _ in range(2):  # warm the page cache and the matcher cache
            subprocess.run(command, capture_output=True, check=False)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
        results[label] = {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}
    return results


# ---------------------------------------------------------------- the grid


def _repeats(segments: int) -> int:
    return 5 if segments <= 10_000 else 1


def _embed_config(files, size: int, backend: str) -> dict:
    return {"corpus": str(files.corpus[size]), "glossaries": [str(files.glossary[1_000])], "embed": True, "backend": backend}


def run_grid(quick: bool, embed: bool, backends: list[str], large_backends: list[str] = ()) -> dict:
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    files = ensure_corpora(corpus_sizes=sizes)
    cache_dir = bench_dir() / "cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = {"MTCHECK_CACHE_DIR": str(cache_dir)}
    rows: dict = {"no_embed": [], "glossary": [], "embed": [], "encode": []}
    # Growth with corpus size, 10k-entry glossary, glossary and rules only.
    # Each --no-embed check is timed REPEATS times in its process (median reported), with one
    # process (--jobs 1) and with the command line's default (--jobs 0: one per CPU).
    for size in sizes:
        config = {"corpus": str(files.corpus[size]), "glossaries": [str(files.glossary[10_000])], "embed": False, "repeats": _repeats(size)}
        _child("measure", config, env)  # first run builds and caches the matcher
        rows["no_embed"].append({"one": _child("measure", {**config, "jobs": 1}, env), "auto": _child("measure", {**config, "jobs": 0}, env)})
    # Glossary size, 10k segments: cold (matcher built) and warm (from the disk cache).
    for entries in sorted(files.glossary):
        config = {"corpus": str(files.corpus[10_000]), "glossaries": [str(files.glossary[entries])], "embed": False, "repeats": _repeats(10_000)}
        cold = _child("measure", {**config, "repeats": 1}, env)
        warm = _child("measure", {**config, "jobs": 1}, env)
        auto = _child("measure", {**config, "jobs": 0}, env)
        rows["glossary"].append({"cold": cold, "warm": warm, "auto": auto})
    # The seed text with the bundled glossaries.
    rows["seed"] = _child("measure", {"corpus": str(SEED_TEXT), "glossaries": [], "default_glossary": True, "embed": False}, env)
    if embed:
        for backend in backends:
            _child("measure", _embed_config(files, 1_000, backend), env)  # warm the exemplar cache, export models
            for size in (1_000, 10_000):
                rows["embed"].append(_child("measure", _embed_config(files, size, backend), env))
            rows["encode"].append(_child("encode", {"corpus": str(files.corpus[1_000]), "texts": 512, "backend": backend}, env))
        for backend in () if quick else large_backends:
            rows["embed"].append(_child("measure", _embed_config(files, 100_000, backend), env))
    rows["startup"] = startup_times()
    rows["machine"] = machine()
    return rows


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "python": platform.python_version(), "os": platform.platform(terse=True),
            "load": os.getloadavg()[0]}


# ---------------------------------------------------------------- the table


def _rate(row: dict) -> str:
    if not row.get("check"):
        return "-"
    cpu = f" ({row['segments'] / row['check_cpu']:,.0f})" if row.get("check_cpu") else ""
    return f"{row['segments'] / row['check']:,.0f}{cpu}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def growth_exponent(rows: list[dict]) -> float | None:
    """Slope of log(check time) over log(segments) between the smallest and largest run: 1.0 is linear."""
    good = [row for row in rows if "error" not in row]
    if len(good) < 2:
        return None
    small, large = good[0], good[-1]
    return math.log(large["check"] / small["check"]) / math.log(large["segments"] / small["segments"])


def render(rows: dict) -> str:
    m = rows["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, Python {m['python']}, {m['os']}; no GPU.",
        f"Generated by `python bench/run.py` on {time.strftime('%Y-%m-%d')} (1-minute load average {m['load']:.1f} when it finished: "
        "other work on the machine slows wall times). Times in ms, wall clock; seg/s = segments per second of the check stage "
        "(CPU-time rate in brackets).",
        "",
        "**Glossary and rules only (`--no-embed`), 10k-entry glossary: growth with corpus size**. "
        f"check = the engine on all segments (median of {_repeats(10_000)} runs up to 10k segments); 1 process = `--jobs 1`; "
        "N processes = the command line's default `--jobs 0` (one per CPU: segment-level rules in forked workers, mtcheck.parallel)",
        "",
        "| segments | findings | read | check, 1 process | seg/s, 1 process | check, N processes | seg/s, N processes | report (JSON) | whole run seg/s | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in rows["no_embed"]:
        row, auto = pair["one"], pair["auto"]
        if "error" in row or "error" in auto:
            lines.append(f"| {row['config']['corpus']} | error: {row.get('error') or auto.get('error')} |||||||||")
            continue
        whole = auto["read"] + auto["glossary_load"] + auto["matcher"] + auto["check"] + auto["report"]
        lines.append(f"| {row['segments']:,} | {row['findings']:,} | {_ms(row['read'])} | {_ms(row['check'])} | {_rate(row)} "
                     f"| {_ms(auto['check'])} ({auto['jobs']}) | {_rate(auto)} | {_ms(row['report'])} | {row['segments'] / whole:,.0f} | {row['peak_rss_mb']:,.0f} |")
    exponent = growth_exponent([pair["one"] for pair in rows["no_embed"]])
    if exponent is not None:
        lines += ["", f"Check time (1 process) grows as segments^{exponent:.2f} from the smallest to the largest corpus (1.00 = linear)."]
    lines += [
        "",
        "**Glossary size, 10k segments (`--no-embed`)**: matcher cold = built, warm = loaded from the disk cache",
        "",
        "| glossary entries | glossary load | matcher cold | matcher warm | check, 1 process | seg/s, 1 process | check, N processes | seg/s, N processes | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in rows["glossary"]:
        cold, warm, auto = pair["cold"], pair["warm"], pair["auto"]
        if any("error" in row for row in (cold, warm, auto)):
            lines.append(f"| {cold['config']['glossaries']} | error: {cold.get('error') or warm.get('error') or auto.get('error')} ||||||||")
            continue
        lines.append(f"| {warm['glossary_entries']:,} | {_ms(warm['glossary_load'])} | {_ms(cold['matcher'])} | {_ms(warm['matcher'])} "
                     f"| {_ms(warm['check'])} | {_rate(warm)} | {_ms(auto['check'])} ({auto['jobs']}) | {_rate(auto)} | {warm['peak_rss_mb']:,.0f} |")
    seed = rows.get("seed", {})
    if seed and "error" not in seed:
        lines += ["", f"Seed text ({seed['segments']} segments, bundled glossaries, {seed['glossary_entries']} entries): "
                      f"check {_ms(seed['check'])} ms, {seed['findings']} findings."]
    if rows["embed"]:
        lines += [
            "",
            "**Embedding mode (sense gate), 1k-entry glossary**: embed = time inside the backend for the texts the gate embedded; "
            "the model is loaded inside the check stage, on first use",
            "",
            "| backend | segments | embedded texts | model load | embed | check (whole engine, with model load) | (check - model load) / embed | peak RSS MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows["embed"]:
            if "error" in row:
                lines.append(f"| {row['config'].get('backend')} | error: {row['error']} |||||||")
                continue
            ratio = f"{(row['check'] - row['model_load']) / row['embed']:.2f}" if row["embed"] else "-"
            lines.append(f"| {row['config']['backend']} | {row['segments']:,} | {row['embedded_texts']:,} | {_ms(row['model_load'])} "
                         f"| {_ms(row['embed'])} | {_ms(row['check'])} | {ratio} | {row['peak_rss_mb']:,.0f} |")
    if rows["encode"]:
        lines += ["", "**Raw encode speed** (512 corpus segments, batch 64)", "",
                  "| backend | load | encode | sentences/s | peak RSS MB |", "|---|---:|---:|---:|---:|"]
        for row in rows["encode"]:
            if "error" in row:
                lines.append(f"| {row['config']['backend']} | error: {row['error']} ||||")
                continue
            lines.append(f"| {row['config']['backend']} | {_ms(row['load'])} | {_ms(row['encode'])} | {row['texts'] / row['encode']:,.0f} | {row['peak_rss_mb']:,.0f} |")
    lines += ["", "**Start-up** (wall time, median of 10 runs)", "", "| command | median | min | max |", "|---|---:|---:|---:|"]
    for label, t in rows["startup"].items():
        lines.append(f"| `{label}` | {_ms(t['median'])} | {_ms(t['min'])} | {_ms(t['max'])} |")
    return "\n".join(lines) + "\n"


def write_readme(table: str, path: Path = README) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Results\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(f"{head}{BEGIN}\n{table}{END}{tail}", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k segments only")
    parser.add_argument("--no-embed", action="store_true", help="skip the embedding-mode runs")
    parser.add_argument("--backends", default="torch,torch-bf16,onnx-int8", help="embedding backends to measure")
    parser.add_argument("--large-backends", default="onnx-int8,torch", help="backends for the 100k-segment embedding runs, comma-separated ('' to skip)")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/README.md")
    parser.add_argument("--json", metavar="PATH", help="also save the raw measurements as JSON")
    parser.add_argument("--from-json", metavar="PATH", help="re-render a table from measurements saved with --json")
    parser.add_argument("--embed-targets", action="store_true", help="only the first-run, --source and concurrency ratios (bench/embed_targets.py)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--encode", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure))))
        return 0
    if args.encode:
        print(json.dumps(encode_speed(json.loads(args.encode))))
        return 0
    if args.embed_targets:
        import embed_targets

        return embed_targets.main([])
    if args.from_json:
        rows = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
    else:
        rows = run_grid(args.quick, not args.no_embed, [b for b in args.backends.split(",") if b], [b for b in args.large_backends.split(",") if b])
    table = render(rows)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if not args.no_write:
        write_readme(table)
        print(f"results written to {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
