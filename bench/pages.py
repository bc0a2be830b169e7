"""Recall and precision of mtcheck's term findings on real web pages of machine translation.

Reads a labelled page set (default ../shared/eval/pages-dev: third-party pages, read in place and
never copied into the project). Each page is one plain-text file, checked as one document through
the library API; `gold.tsv` labels every occurrence of the trap words as `error` (a mistranslation,
with its correct rendering) or `ok` (a correct use of the same words). See ../shared/eval/README.md.

Scoring, per mode (with the sense gate, and glossary only `--no-embed`):
- a *term finding* is a finding of a rule in --rules (default: the glossary rules GL and the
  brand-use rule BR), mapped to character offsets of the page file;
- TP: a term finding that overlaps an `error` span; FP: one that overlaps only `ok` spans;
  *unlabelled*: one that overlaps no labelled span (listed with --show, counted separately:
  only the trap words are labelled, so these are neither confirmed nor refuted);
- precision = TP / (TP + FP); strict precision = TP / all term findings;
- recall = share of `error` spans overlapped by at least one term finding;
- clean pages (pages.tsv kind=clean) must have no term finding at all.

Run:  python bench/pages.py [--pages DIR] [--modes gate,no-embed] [--show] [--out FILE]
Writes bench/results/pages.md (aggregate numbers and per-term counts only; no page text).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT.parent / "shared" / "eval" / "pages-dev"
RESULTS = ROOT / "bench" / "results" / "pages.md"
MODES = {"gate": {"embed": True}, "no-embed": {"embed": False}}

sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class GoldSpan:
    file: str
    start: int
    end: int
    text: str
    label: str  # error | ok
    correct: str
    term: str  # trap-word group from the note's [tag]; the span's own text for [other]


@dataclass(frozen=True)
class TermFinding:
    file: str
    start: int
    end: int
    text: str
    rule: str
    suggestion: str
    confidence: float


def read_gold(pages: Path) -> tuple[dict[str, str], list[GoldSpan]]:
    with open(pages / "pages.tsv", encoding="utf-8", newline="") as handle:
        kinds = {row["file"]: row["kind"] for row in csv.DictReader(handle, delimiter="\t")}
    spans = []
    with open(pages / "gold.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            tag = re.match(r"\[([^\]]+)\]", row.get("note") or "")
            spans.append(GoldSpan(
                file=row["file"], start=int(row["start_char"]), end=int(row["end_char"]), text=row["span_text"],
                label=row["label"], correct=row.get("correct_rendering") or "",
                term=(tag.group(1) if tag and tag.group(1) != "other" else row["span_text"]).lower(),
            ))
    return kinds, spans


def line_offsets(text: str) -> list[int]:
    """Character offset of the start of each line (1-based line N at index N-1)."""
    from mtcheck.readers.decoding import split_lines

    offsets, position = [], 0
    for line in split_lines(text):
        offsets.append(position)
        position += len(line)
    return offsets


def term_findings(path: Path, options, rules: tuple[str, ...]) -> list[TermFinding]:
    from mtcheck import check_file
    from mtcheck.readers.decoding import decode_file

    offsets = line_offsets(decode_file(str(path), None).text)
    result = check_file(str(path), options)
    found = []
    for finding in result.findings:
        if not finding.rule.startswith(rules):
            continue
        base = offsets[finding.line - 1]
        found.append(TermFinding(
            file=path.name, start=base + finding.start, end=base + finding.end, text=finding.text,
            rule=finding.rule, suggestion=finding.suggestions[0] if finding.suggestions else "",
            confidence=finding.confidence,
        ))
    return found


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(kinds: dict[str, str], gold: list[GoldSpan], findings: list[TermFinding]) -> dict:
    gold_by_file: dict[str, list[GoldSpan]] = defaultdict(list)
    for span in gold:
        gold_by_file[span.file].append(span)
    outcome: dict[str, list] = {"tp": [], "fp": [], "unlabelled": [], "clean": []}
    found_errors: set[GoldSpan] = set()
    flagged_ok: set[GoldSpan] = set()
    for finding in findings:
        hit = [span for span in gold_by_file[finding.file] if overlaps(finding.start, finding.end, span.start, span.end)]
        errors = [span for span in hit if span.label == "error"]
        if kinds.get(finding.file) == "clean":
            outcome["clean"].append(finding)
        if errors:
            outcome["tp"].append(finding)
            found_errors.update(errors)
        elif hit:
            outcome["fp"].append(finding)
            flagged_ok.update(hit)
        else:
            outcome["unlabelled"].append(finding)
    error_spans = [span for span in gold if span.label == "error"]
    tp, fp = len(outcome["tp"]), len(outcome["fp"])
    total = tp + fp + len(outcome["unlabelled"])
    per_term: dict[str, Counter] = defaultdict(Counter)
    for span in gold:
        counts = per_term[span.term]
        counts[span.label] += 1
        if span.label == "error" and span in found_errors:
            counts["found"] += 1
        if span.label == "ok" and span in flagged_ok:
            counts["flagged_ok"] += 1
    return {
        "tp": tp, "fp": fp, "unlabelled": len(outcome["unlabelled"]), "findings": total,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "strict_precision": tp / total if total else 1.0,
        "recall": len(found_errors) / len(error_spans) if error_spans else 1.0,
        "errors": len(error_spans), "found": len(found_errors),
        "clean_findings": len(outcome["clean"]),
        "clean_pages_flagged": len({finding.file for finding in outcome["clean"]}),
        "per_term": per_term, "outcome": outcome,
        "missed": [span for span in error_spans if span not in found_errors],
        "flagged_ok": sorted(flagged_ok, key=lambda span: (span.file, span.start)),
    }


def run_mode(pages: Path, kinds: dict[str, str], gold: list[GoldSpan], mode: str, rules: tuple[str, ...]) -> tuple[dict, float]:
    from mtcheck import CheckOptions

    options = CheckOptions(**MODES[mode])
    started = time.perf_counter()
    findings = [finding for name in sorted(kinds) for finding in term_findings(pages / "texts" / name, options, rules)]
    return score(kinds, gold, findings), time.perf_counter() - started


def markdown(pages: Path, results: dict[str, dict], kinds: dict[str, str]) -> str:
    garbled = sum(kind == "garbled" for kind in kinds.values())
    lines = [
        "# Term findings on real machine-translated web pages",
        "",
        f"`python bench/pages.py` on `{pages.name}` ({len(kinds)} pages: {garbled} garbled MT, "
        f"{len(kinds) - garbled} clean English). Precision = TP / (TP + FP) over findings on labelled "
        "spans; strict precision also counts findings on unlabelled text as wrong. Recall over the "
        "`error` spans. Clean pages must have no term finding.",
        "",
        "| mode | precision | strict precision | recall | TP | FP | unlabelled | errors found | findings on clean pages |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, result in results.items():
        lines.append(
            f"| {mode} | {result['precision']:.3f} | {result['strict_precision']:.3f} | {result['recall']:.3f} | "
            f"{result['tp']} | {result['fp']} | {result['unlabelled']} | {result['found']}/{result['errors']} | "
            f"{result['clean_findings']} ({result['clean_pages_flagged']} pages) |"
        )
    modes = list(results)
    lines += ["", "Per trap word (gold counts; found = error spans found, flagged ok = correct uses flagged):", ""]
    header = "| term | errors | ok | " + " | ".join(f"found ({mode}) | flagged ok ({mode})" for mode in modes) + " |"
    lines += [header, "|---|---:|---:|" + "---:|---:|" * len(modes)]
    terms = sorted(results[modes[0]]["per_term"], key=lambda term: (-results[modes[0]]["per_term"][term]["error"], term))
    for term in terms:
        base = results[modes[0]]["per_term"][term]
        cells = " | ".join(f"{results[mode]['per_term'][term]['found']} | {results[mode]['per_term'][term]['flagged_ok']}" for mode in modes)
        lines.append(f"| {term} | {base['error']} | {base['ok']} | {cells} |")
    return "\n".join(lines) + "\n"


def show(result: dict, mode: str) -> None:
    print(f"\n## {mode}: missed error spans")
    for span in result["missed"]:
        print(f"  {span.file}:{span.start}-{span.end} {span.text!r} -> {span.correct!r} [{span.term}]")
    print(f"## {mode}: flagged ok spans")
    for span in result["flagged_ok"]:
        print(f"  {span.file}:{span.start}-{span.end} {span.text!r} [{span.term}]")
    print(f"## {mode}: findings on unlabelled text")
    for finding in result["outcome"]["unlabelled"]:
        print(f"  {finding.file}:{finding.start}-{finding.end} {finding.rule} {finding.text!r} -> {finding.suggestion!r} ({finding.confidence:.2f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="labelled page set (pages.tsv, gold.tsv, texts/)")
    parser.add_argument("--modes", default="gate,no-embed", help="comma-separated: gate, no-embed")
    parser.add_argument("--rules", default="GL,BR", help="rule-code prefixes that count as term findings")
    parser.add_argument("--show", action="store_true", help="print missed spans, flagged correct uses and unlabelled findings")
    parser.add_argument("--out", type=Path, default=RESULTS, help="markdown results file ('-' for none)")
    args = parser.parse_args(argv)
    if not (args.pages / "gold.tsv").is_file():
        print(f"pages.py: no gold.tsv in {args.pages} (pass --pages DIR)", file=sys.stderr)
        return 2
    kinds, gold = read_gold(args.pages)
    rules = tuple(code.strip() for code in args.rules.split(",") if code.strip())
    results = {}
    for mode in (mode.strip() for mode in args.modes.split(",") if mode.strip()):
        result, seconds = run_mode(args.pages, kinds, gold, mode, rules)
        results[mode] = result
        print(f"{mode}: P {result['precision']:.3f} (strict {result['strict_precision']:.3f}) R {result['recall']:.3f} "
              f"TP {result['tp']} FP {result['fp']} unlabelled {result['unlabelled']} "
              f"clean-page findings {result['clean_findings']} [{seconds:.1f} s]")
        if args.show:
            show(result, mode)
    if str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(args.pages, results, kinds), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
