"""Issue-12 embedding and bilingual targets, as ratios measured in one run.

    python bench/embed_targets.py                 # every part
    python bench/embed_targets.py --only first-run,source

- first-run: `mtcheck check` of the bundled example with a fresh MTCHECK_CACHE_DIR, then
  again with that cache (target: first / second <= 1.3). A run before both warms the OS
  file cache, so the ratio is mtcheck's own first-run cost.
- source: the first 5 lines of the example with --no-embed, with and without --source,
  after one run that fills the cache (target: (with - without) / without <= 1).
- dense: the embed stage on dense garbled input (bench/dense.py --ambiguous: three
  sense-gate hits a line, --dense-lines of them) against encoding each unique sentence of
  the input once with the same model (a fresh encoder, no shared vectors), in one process
  after the model is loaded; the baseline is timed before and after the run and averaged
  (target: embed / sentences <= 1.5). It also counts what the gate embeds.
- longline: embedding mode on one segment with no sentence end (a paragraph of business
  sentences joined by commas, three sense-gate hits each, written for this benchmark),
  --long-chunks of them and twice as many, in one process after the model is loaded
  (target: linear, time(2N) / time(N) about 2; bench/scaling.py measures the same with
  --no-embed).
- concurrent: N runs of the example at once (wall time) with the default thread count,
  with --threads 2 (the default before it counted the machine's load) and with
  --threads 1, against the same N runs one after another; each run reports the thread
  count it used.

Each measurement is a fresh `mtcheck` process; times are medians of --repeats.
`--write` puts the lines printed into bench/results/embed_targets.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "embed_targets.md"
sys.path.insert(0, str(ROOT / "bench"))

from scaling import machine_line  # noqa: E402
EXAMPLE = ROOT / "data" / "examples" / "interview.mt.en.txt"
SOURCE = ROOT / "data" / "examples" / "interview.zh.txt"
MTCHECK = [sys.executable, "-c", "from mtcheck.cli import console_main; console_main()"]


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


# A check that prints, last on stderr, the embedding thread count it used.
REPORTING_THREADS = [sys.executable, "-c", (
    "import atexit, sys; from mtcheck.embeddings.threads import thread_limit\n"
    "atexit.register(lambda: print(f'threads={thread_limit()}', file=sys.stderr))\n"
    "from mtcheck.cli import console_main; console_main()")]


def concurrent(count: int, thread_args: list[str], cache: Path, at_once: bool = True) -> tuple[float, list[str]]:
    """Wall time of `count` checks of the example, all at once (or one after another), and
    the thread counts they used."""
    env = {**os.environ, "MTCHECK_CACHE_DIR": str(cache)}
    command = REPORTING_THREADS + ["check", str(EXAMPLE), "--fail-on", "never", *thread_args]
    started = time.perf_counter()
    if at_once:
        procs = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(count)]
        errors = [proc.communicate()[1] for proc in procs]
    else:
        errors = [subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr for _ in range(count)]
    seconds = time.perf_counter() - started
    return seconds, [error.strip().rsplit("\n", 1)[-1] for error in errors]


DENSE_SCRIPT = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
from dense import dense_lines
from mtcheck.context import Document
from mtcheck.embeddings.encoder import Encoder
from mtcheck.engine import build_context, run_checks
from mtcheck.models import Segment
from mtcheck.options import CheckOptions
from mtcheck.textutil import sentence_spans

count, threads = int(sys.argv[2]), int(sys.argv[3])
lines = dense_lines(count, ambiguous=True)
segments = [Segment(str(i + 1), line, "dense.txt", i + 1) for i, line in enumerate(lines)]
context = build_context(CheckOptions(embed=True, jobs=1, threads=threads))
gate = context.gate  # loads the model
backend = gate.encoder.backend
Encoder(backend, progress=False).encode(["A warm-up sentence for the model.", "Another one, a little longer than the first."])
sentences = list(dict.fromkeys(line[a:b].strip() for line in lines for a, b in sentence_spans(line)))

def baseline():
    started = time.perf_counter()
    Encoder(backend, progress=False).encode(sentences)  # a fresh encoder: nothing known yet
    return time.perf_counter() - started

spent = {"sentence-level": 0.0, "spans": 0.0}
passes = {"sentence-level": 0, "spans": 0}


def timed(kind, method, distinct):
    def wrapper(items):
        started = time.perf_counter()
        try:
            return method(items)
        finally:
            spent[kind] += time.perf_counter() - started
            passes[kind] += distinct(items)
    return wrapper


document = Document(segments, context)
candidates = sum(1 for s in segments for h in document.hits[s.id] if h.kind == "wrong" and document.entry(h).ambiguous)
before = baseline()
originals = {name: getattr(backend, name) for name in ("encode", "encode_spans", "encode_spans_and_texts") if hasattr(backend, name)}
backend.encode = timed("sentence-level", originals["encode"], len)  # the gate's passes only, not the baselines
for name in ("encode_spans", "encode_spans_and_texts"):  # the second also gives its texts' sentence vectors
    if name in originals:
        setattr(backend, name, timed("spans", originals[name], lambda spans: len({text for text, _, _ in spans})))
embedded = gate.encoder.embedded
result = run_checks(segments, context=context)
split = {kind: (round(spent[kind], 2), passes[kind]) for kind in spent}
for name, method in originals.items():
    setattr(backend, name, method)
findings = hashlib.sha256(repr([(f.segment, f.rule, f.start, f.end, round(f.confidence, 4), f.fix.replacement if f.fix else None)
                                for f in result.findings]).encode()).hexdigest()[:16]
after = baseline()
from mtcheck.embeddings.threads import thread_limit
print(json.dumps({"segments": count, "sentences": len(sentences), "candidates": candidates, "reported": sum(1 for f in result.findings if f.rule == "GL001"),
                  "embedded": gate.encoder.embedded - embedded, "embed_s": result.timings.get("embed", 0.0),
                  "baseline_s": (before + after) / 2, "baseline_before_s": before, "baseline_after_s": after, "threads": thread_limit(), "split": split,
                  "pooled": gate.encoder.pools_texts, "findings_digest": findings}))
"""


LONGLINE_SCRIPT = r"""
import json, sys, time
from mtcheck.engine import build_context, run_checks
from mtcheck.models import Segment
from mtcheck.options import CheckOptions

chunk = "the board of millet met apple and glory to discuss the plan, "
context = build_context(CheckOptions(embed=True, jobs=1, threads=int(sys.argv[2])))
context.gate  # loads the model
run_checks([Segment("1", "A warm-up: " + chunk * 20, "warm.txt", 1)], context=context)
out = []
for count in (int(sys.argv[1]), 2 * int(sys.argv[1])):
    text = ("Reporters said that " + chunk * count).rstrip(", ") + "."
    started = time.perf_counter()
    result = run_checks([Segment("1", text, "long.txt", 1)], context=context)
    out.append({"chunks": count, "chars": len(text), "seconds": time.perf_counter() - started,
                "findings": len(result.findings)})
print(json.dumps(out))
"""


def long_line(chunks: int, threads: int, cache: Path) -> list[dict]:
    env = {**os.environ, "MTCHECK_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", LONGLINE_SCRIPT, str(chunks), str(threads)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def dense_embedding(count: int, threads: int, cache: Path) -> dict:
    env = {**os.environ, "MTCHECK_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", DENSE_SCRIPT, str(ROOT / "bench"), str(count), str(threads)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="first-run,source,dense,longline,concurrent")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=8, help="runs at once")
    parser.add_argument("--dense-lines", type=int, default=1000, help="lines of dense ambiguous input (3 sense-gate hits each)")
    parser.add_argument("--long-chunks", type=int, default=1600, help="chunks of the longline part's segment (and twice as many)")
    parser.add_argument("--threads", type=int, default=0, help="--threads of the dense part (0: automatic)")
    parser.add_argument("--write", action="store_true", help=f"write the results to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    out: list[str] = []

    def say(line: str) -> None:
        out.append(line)
        print(line, flush=True)

    if "first-run" in wanted:
        r = first_run(args.repeats)
        say(f"first run {r['first_s']:.1f} s, second {r['second_s']:.1f} s: first/second {r['ratio']:.2f} (target <= 1.3)")
    if "source" in wanted:
        r = source_overhead(args.repeats)
        say(f"5 lines --no-embed {r['plain_s']:.2f} s, with --source {r['source_s']:.2f} s (first {r['first_source_s']:.2f} s): "
            f"--source adds {r['added_ratio']:.2f}x (target <= 1)")
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        if "dense" in wanted:
            r = dense_embedding(args.dense_lines, args.threads, cache)
            say(f"dense ambiguous input, {r['segments']} lines, {r['candidates']} sense-gate hits ({r['reported']} reported), "
                f"{r['sentences']} unique sentences, {r['embedded']} texts and spans embedded, {r['threads']} thread(s): "
                f"embed stage {r['embed_s']:.1f} s, the unique sentences once {r['baseline_s']:.1f} s "
                f"({r['baseline_before_s']:.1f} before, {r['baseline_after_s']:.1f} after): "
                f"ratio {r['embed_s'] / r['baseline_s']:.2f} (target <= 1.5). Of the embed stage: "
                + "; ".join(f"{kind} {seconds:.1f} s for {texts} distinct texts" for kind, (seconds, texts) in r["split"].items())
                + (" (the span runs also give their texts' sentence vectors)" if r["pooled"] else "")
                + f". Findings digest {r['findings_digest']}.")
        if "longline" in wanted:
            small, large = long_line(args.long_chunks, args.threads, cache)
            say(f"one segment without a sentence end, embeddings on: {small['chars']:,} characters ({small['findings']} findings) "
                f"{small['seconds']:.1f} s, {large['chars']:,} characters ({large['findings']} findings) {large['seconds']:.1f} s: "
                f"ratio {large['seconds'] / small['seconds']:.2f} for twice the length (linear: 2)")
        if "concurrent" in wanted:
            run([EXAMPLE], cache)  # fill the cache once
            n = args.concurrent
            timed = [(label, *concurrent(n, thread_args, cache, at_once))
                     for label, thread_args, at_once in (("at once, default threads", [], True), ("one after another, default threads", [], False),
                                                         ("at once, --threads 2", ["--threads", "2"], True), ("at once, --threads 1", ["--threads", "1"], True))]
            for label, seconds, used in timed:
                counts = ", ".join(f"{used.count(value)}x {value}" for value in sorted(set(used)))
                say(f"{n} runs of the example {label}: {seconds:.1f} s wall ({counts})")
    say(machine_line())
    if args.write:
        RESULTS.write_text("# Embedding targets (issue 12)\n\nGenerated by `python bench/embed_targets.py"
                           + (f" --only {args.only}" if args.only != parser.get_default("only") else "") + f"` on {time.strftime('%Y-%m-%d')}.\n\n"
                           + "\n".join(f"- {line}" for line in out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
