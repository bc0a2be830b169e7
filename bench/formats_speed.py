"""Throughput of the translation-file readers and of `fix` write-back, per format.

The garbled-MT sentences of bench/corpus.py (seeded, written for this project) are wrapped
into each format with N units; for each file the script times

- read: decode + parse + locate every target (`read_segments`);
- check: a glossary-only run (`--no-embed`, 500-entry synthetic glossary) on the segments;
- write: `fix` write-back of new targets for every 10th unit (the format's writer), with a
  check that the rewritten file reads back to the new targets.

Run `python bench/formats_speed.py [--units 2000 20000]`; results go to bench/results/formats.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_lines, glossary_csv, glossary_rows  # noqa: E402

from mtcheck import __version__, check_segments  # noqa: E402
from mtcheck.options import CheckOptions  # noqa: E402
from mtcheck.readers import FORMAT_WRITERS, read_segments  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "formats.md"


def po(lines: list[str]) -> str:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    body = "".join(f'\n#: news.py:{n}\nmsgid "msg-{n}"\nmsgstr "{line.replace(chr(34), chr(92) + chr(34))}"\n' for n, line in enumerate(lines, 1))
    return head + body


def xliff12(lines: list[str]) -> str:
    units = "".join(
        f'      <trans-unit id="u{n}"><source>s{n}</source><target state="translated">{escape(line)}</target></trans-unit>\n'
        for n, line in enumerate(lines, 1)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
            '  <file original="news" source-language="zh" target-language="en" datatype="plaintext">\n    <body>\n'
            f"{units}    </body>\n  </file>\n</xliff>\n")


def xliff20(lines: list[str]) -> str:
    units = "".join(
        f'    <unit id="u{n}"><segment state="translated"><source>s{n}</source><target>{escape(line)}</target></segment></unit>\n'
        for n, line in enumerate(lines, 1)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">\n'
            f'  <file id="f1">\n{units}  </file>\n</xliff>\n')


def tmx(lines: list[str]) -> str:
    units = "".join(
        f'    <tu tuid="u{n}"><tuv xml:lang="zh"><seg>s{n}</seg></tuv><tuv xml:lang="en"><seg>{escape(line)}</seg></tuv></tu>\n'
        for n, line in enumerate(lines, 1)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  <header srclang="zh"/>\n  <body>\n{units}  </body>\n</tmx>\n'


def json_nested(lines: list[str]) -> str:
    return json.dumps({"news": {f"item{n}": {"text": line} for n, line in enumerate(lines, 1)}}, ensure_ascii=False, indent=2) + "\n"


def markdown(lines: list[str]) -> str:
    return "# News\n\n" + "".join(f"{'- ' if n % 3 == 0 else ''}{line}\n\n" for n, line in enumerate(lines, 1))


FORMATS = {"po": (po, ".po"), "xliff-1.2": (xliff12, ".xlf"), "xliff-2.0": (xliff20, ".xlf"), "tmx": (tmx, ".tmx"), "json": (json_nested, ".json"), "markdown": (markdown, ".md")}


def timed(func):
    started = time.perf_counter()
    value = func()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    rows = glossary_rows(500)
    results = []
    for units in args.units:
        results.extend(measure(corpus_lines(units, rows), rows))
    write_results(results, args.units)


def measure(lines: list[str], rows: list[dict[str, str]]) -> list[tuple]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        glossary = Path(folder) / "glossary.csv"
        glossary.write_text(glossary_csv(rows), encoding="utf-8")
        options = CheckOptions(glossaries=(str(glossary),), use_default_glossary=False, embed=False)
        check_segments([], options)  # warm-up: glossary, matcher, rule modules
        for name, (build, extension) in FORMATS.items():
            path = Path(folder) / f"bench{extension}"
            text = build(lines)
            path.write_text(text, encoding="utf-8")
            read_segments(str(path))  # warm-up: imports
            segments, read_seconds = timed(lambda: read_segments(str(path)))
            result, check_seconds = timed(lambda: check_segments(segments, options))
            changes = {s.id: s.target.replace(" ", "  ", 1) + " Revised." for s in segments[::10]}
            new_text, write_seconds = timed(lambda: FORMAT_WRITERS[extension](text, str(path), changes))
            path.write_text(new_text, encoding="utf-8")
            after = {s.id: s.target for s in read_segments(str(path))}
            assert all(after[i] == t for i, t in changes.items()), name
            results.append((name, len(segments), len(text), len(result.findings), read_seconds, check_seconds, write_seconds, len(changes)))
            print(f"{name:10} {len(segments):6} units  read {read_seconds:6.2f}s  check {check_seconds:6.2f}s  write {write_seconds:6.2f}s", file=sys.stderr)
    return results


def write_results(results: list[tuple], sizes: list[int]) -> None:
    lines_out = [
        "# Translation-file formats: read, check and write-back speed",
        "",
        f"mtcheck {__version__}; Python {platform.python_version()} on {platform.machine()} ({platform.system()}); "
        f"{' and '.join(map(str, sizes))} units of bench/corpus.py MT text per file; glossary-only check with a 500-entry glossary; "
        "write = `fix` write-back of every 10th unit. Generated by `python bench/formats_speed.py`.",
        "",
        "| format | units | file KiB | findings | read s | read units/s | check s | write s (units changed) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, units, size, findings, read_s, check_s, write_s, changed in results:
        lines_out.append(f"| {name} | {units} | {size / 1024:.0f} | {findings} | {read_s:.2f} | {units / read_s:,.0f} | {check_s:.2f} | {write_s:.2f} ({changed}) |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines_out) + "\n", encoding="utf-8")
    print(f"written {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
