"""Does mtcheck stay linear? Ratios measured in one run (issue 12's targets).

    python bench/scaling.py                 # every part; writes bench/results/scaling.md
    python bench/scaling.py --only reports  # one part: reports, html, longline, dense, glossary
    python bench/scaling.py --quick         # smaller sizes (a smoke run, not the targets)

Every timing is the wall time of a whole `mtcheck check --no-embed --jobs 1` process (or
of a bare scanner process), so start-up is included, as a user sees it. mtcheck's modules
are byte-compiled first, as `pip install` leaves them (an editable install under
PYTHONDONTWRITEBYTECODE, as on this project's machine, would compile every module on
every start: about 60 ms a run).

- reports: each report format on 5k and 20k lines of bench/corpus.py MT text (ratio
  20k / 5k; linear is 4, target <= 4.5).
- html: 100k lines of the same text to HTML against JSON, whole runs (target < 2).
- longline: one line of 10 MB of the same text against ten lines of 1 MB (target <= 1.5).
- dense: 10k lines of garbled sentences with about three glossary findings a line
  (bench/dense.py, wrong renderings of the bundled glossary): mtcheck against codespell
  on the same file (segments/s; target: mtcheck at least as fast) and against a bare
  Python pyahocorasick scan with one automaton of the same glossary (target <= 5x).
- glossary: a 100k-entry user glossary (bench/corpus.py), load time on the second run
  (`timings` of the glossary stage; target <= 0.3 s).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import corpus_lines, glossary_csv, glossary_rows  # noqa: E402
from dense import dense_lines  # noqa: E402

RESULTS = HERE / "results" / "scaling.md"
FORMATS = ("terminal", "json", "markdown", "html", "csv", "sarif", "junit", "github", "jsonl")
BARE_SCAN = r"""
import sys, ahocorasick
from mtcheck.glossary.loader import load_glossaries
from mtcheck.textutil import normalize
automaton = ahocorasick.Automaton()
for entry in load_glossaries((), include_default=True).entries:
    for rendering in entry.wrong + entry.variants + entry.approved:
        automaton.add_word(normalize(rendering, False), rendering)
automaton.make_automaton()
hits = 0
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        for _ in automaton.iter(normalize(line, False)):
            hits += 1
print(hits)
"""


def mtcheck_command() -> list[str]:
    return [sys.executable, "-c", "from mtcheck.cli import console_main; console_main()"]


def timed_run(command: list[str], env: dict | None = None, ok: tuple[int, ...] = (0, 1)) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(command[:6])}... exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return seconds


def check_run(path: Path, folder: Path, fmt: str = "json", glossary: Path | None = None, extra: tuple[str, ...] = ()) -> float:
    command = mtcheck_command() + ["check", str(path), "--no-embed", "--jobs", "1", "--fail-on", "never", "--format", fmt, "-o", str(folder / f"report.{fmt}")]
    if glossary is not None:
        command += ["--glossary", str(glossary), "--no-default-glossary"]
    return timed_run(command + list(extra), env={"MTCHECK_CACHE_DIR": str(folder / "cache")})


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- the parts


def reports(folder: Path, quick: bool) -> list[str]:
    small, large = (1_000, 4_000) if quick else (5_000, 20_000)
    rows = glossary_rows(1_000)
    glossary = folder / "glossary.csv"
    glossary.write_text(glossary_csv(rows), encoding="utf-8")
    texts = {size: write_lines(folder / f"lines-{size}.txt", corpus_lines(size, rows)) for size in (small, large)}
    out = [f"### Reports: {small:,} and {large:,} lines, every format", "",
           f"| format | {small:,} lines s (best of 2) | {large:,} lines s (best of 2) | ratio (linear = {large / small:.0f}, target <= {large / small * 1.125:.1f}) |", "|---|---:|---:|---:|"]
    for fmt in FORMATS:
        # Best of two, the sizes interleaved: the machine is shared, and a single run can
        # land on a busy moment.
        runs = [(check_run(texts[small], folder, fmt, glossary), check_run(texts[large], folder, fmt, glossary)) for _ in range(2)]
        a, b = min(run[0] for run in runs), min(run[1] for run in runs)
        out.append(f"| {fmt} | {a:.2f} | {b:.2f} | {b / a:.2f} |")
        print(out[-1], file=sys.stderr)
    return out + [""]


def html(folder: Path, quick: bool) -> list[str]:
    size = 10_000 if quick else 100_000
    rows = glossary_rows(1_000)
    glossary = folder / "glossary.csv"
    glossary.write_text(glossary_csv(rows), encoding="utf-8")
    text = write_lines(folder / f"lines-{size}.txt", corpus_lines(size, rows))
    check_run(text, folder, "json", glossary)  # warm the caches, as any second run
    # Best of three, the formats interleaved, so that both see the same moments of a shared machine.
    runs = [(check_run(text, folder, "json", glossary), check_run(text, folder, "html", glossary)) for _ in range(3)]
    json_s, html_s = min(run[0] for run in runs), min(run[1] for run in runs)
    ratios = ", ".join(f"{h / j:.2f}" for j, h in runs)
    out = [f"### {size:,} lines to HTML and to JSON", "",
           f"Whole runs, best of 3: JSON {json_s:.1f} s, HTML {html_s:.1f} s: HTML / JSON = **{html_s / json_s:.2f}** "
           f"(target < 2; each pair alone: {ratios}).", ""]
    print(out[-2], file=sys.stderr)
    return out


def longline(folder: Path, quick: bool) -> list[str]:
    megabyte = 100_000 if quick else 1_000_000
    rows = glossary_rows(1_000)
    glossary = folder / "glossary.csv"
    glossary.write_text(glossary_csv(rows), encoding="utf-8")
    text = " ".join(corpus_lines(max(100, megabyte // 150), rows))
    while len(text) < megabyte:
        text += " " + text
    text = text[:megabyte].rsplit(" ", 1)[0]
    ten_lines = write_lines(folder / "ten-lines.txt", [text] * 10)
    one_line = write_lines(folder / "one-line.txt", [" ".join([text] * 10)])
    a = check_run(ten_lines, folder, "json", glossary)
    b = check_run(one_line, folder, "json", glossary)
    size = len(text) * 10 / 1e6
    out = ["### One long line", "", f"One line of {size:.1f} MB: {b:.1f} s; ten lines of {size / 10:.1f} MB (the same text): {a:.1f} s: "
           f"ratio **{b / a:.2f}** (target <= 1.5).", ""]
    print(out[-2], file=sys.stderr)
    return out


def dense(folder: Path, quick: bool) -> list[str]:
    count = 2_000 if quick else 10_000
    path = write_lines(folder / "dense.txt", dense_lines(count))
    check_run(path, folder)  # warm the caches, as any second run
    # Interleaved rounds, best of 3 each: on a shared machine the load moves between rounds.
    codespell = [sys.executable, "-m", "codespell_lib", str(path)] if _has("codespell_lib") else None
    rounds = [(check_run(path, folder), timed_run(codespell, ok=(0, 65)) if codespell else None,
               timed_run([sys.executable, "-c", BARE_SCAN, str(path)])) for _ in range(3)]
    mt, bare = min(r[0] for r in rounds), min(r[2] for r in rounds)
    cs = min(r[1] for r in rounds) if codespell else None
    out = [f"### Dense garbled text: {count:,} lines (bench/dense.py, about 3 findings a line), `--no-embed`", "",
           "| program | wall s (best of 3, interleaved) | segments/s |", "|---|---:|---:|",
           f"| mtcheck check --no-embed --jobs 1 (JSON report) | {mt:.2f} | {count / mt:,.0f} |"]
    if cs is not None:
        out.append(f"| codespell (its own dictionary) | {cs:.2f} | {count / cs:,.0f} |")
    out.append(f"| bare Python pyahocorasick scan, one automaton of the bundled glossary | {bare:.2f} | {count / bare:,.0f} |")
    out += ["", (f"mtcheck / codespell = **{mt / cs:.2f}** (target <= 1); " if cs else "codespell not installed; ")
            + f"mtcheck / bare scan = **{mt / bare:.2f}** (target <= 5).", ""]
    print("\n".join(out), file=sys.stderr)
    return out


def glossary(folder: Path, quick: bool) -> list[str]:
    entries = 20_000 if quick else 100_000
    path = folder / f"glossary-{entries}.csv"
    path.write_text(glossary_csv(glossary_rows(entries)), encoding="utf-8")
    text = write_lines(folder / "glossary-input.txt", corpus_lines(100, glossary_rows(1_000)))
    env = {"MTCHECK_CACHE_DIR": str(folder / "glossary-cache")}
    shutil.rmtree(folder / "glossary-cache", ignore_errors=True)
    script = ("import sys, time; from mtcheck.engine import build_context; from mtcheck.options import CheckOptions\n"
              "from mtcheck.registry import load_builtin_checks; load_builtin_checks()\n"
              "started = time.perf_counter(); context = build_context(CheckOptions(glossaries=(sys.argv[1],), use_default_glossary=False, embed=False)); "
              "loaded = time.perf_counter(); context.matcher; print(loaded - started, time.perf_counter() - loaded)")
    loads = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, env={**os.environ, **env}, check=True)
        loads.append(tuple(float(value) for value in done.stdout.split()))
    whole = [check_run(text, folder, "json", path) for _ in range(2)]
    out = [f"### A {entries:,}-entry user glossary", "",
           "| run | glossary load (parsed entries) s | matcher s |", "|---|---:|---:|"]
    out += [f"| {label} | {glossary_s:.2f} | {matcher_s:.2f} |" for label, (glossary_s, matcher_s) in zip(("first (cold caches)", "second", "third"), loads)]
    out += ["", f"Target: glossary load <= 0.3 s on the second run. Whole `check` of 100 lines with it: {whole[0]:.2f} s, then {whole[1]:.2f} s.", ""]
    print("\n".join(out), file=sys.stderr)
    return out


PARTS = {"reports": reports, "html": html, "longline": longline, "dense": dense, "glossary": glossary}


def machine_line() -> str:
    cpu = platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; 1-minute load average "
            f"{os.getloadavg()[0]:.1f} at the end (shared with other work: wall times are noisy, ratios less so).")


def publish(text: str, path: Path, write: bool = True) -> None:
    """Print a results page and, unless `write` is false (--no-write), save it to `path`."""
    print(text)
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"written {path}", file=sys.stderr)


def byte_compile() -> None:
    """Compile mtcheck's modules into __pycache__ (ignored by git), as an installed package has them."""
    import compileall

    compileall.compile_dir(str(HERE.parent / "mtcheck"), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    out = ["# Scaling: reports, long lines, dense text, large glossaries", "",
           f"Generated by `python bench/scaling.py{' --quick' if args.quick else ''}` on {time.strftime('%Y-%m-%d')}; "
           "wall time of whole `mtcheck check --no-embed --jobs 1` processes.", ""]
    byte_compile()
    with tempfile.TemporaryDirectory(prefix="mtcheck-scaling-") as name:
        for part in args.only or PARTS:
            out += PARTS[part](Path(name), args.quick)
    out += [machine_line(), ""]
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join(out), encoding="utf-8")
        print(f"written {RESULTS}", file=sys.stderr)
    else:
        print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
