"""How mtcheck's findings line up with professional MQM annotations of real zh-en MT.

Reads the development files in ../shared/eval/ (third-party data: read in place, never
copied into the project) and writes bench/results/mqm.md:

1. Span files (WMT23 news, WMT21 TED, WMT21 biomedical): every system output is checked
   with its source through the library API, one document per (system, doc).
   - precision: share of findings that land on a human-marked target error span (any
     category, any rater). A finding that covers the whole segment (missing key term or
     number, length outlier) counts as correct when the segment has any annotated error,
     target side or source side (omissions are marked in the source).
   - recall per category group (Accuracy/Mistranslation, Terminology, Name format): share
     of the annotated target spans (deduplicated over raters) that a span finding
     overlaps. Whole-segment findings are left out of recall.
2. Score file (WMT22 general MT): Kendall tau-b between MQM and a segment-level mtcheck
   score (100 minus weighted penalties per 100 words, mtcheck.scoring), next to the tau of
   COMETKiwi and chrF from the same file.

Run:  python bench/mqm_eval.py [--modes no-embed,default] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
RESULTS = ROOT / "bench" / "results" / "mqm.md"
SPAN_FILES = ("mqm-wmt23-zhen-dev.tsv", "mqm-wmt21ted-zhen-dev.tsv", "mqm-wmt21bio-zhen-dev.tsv")
SCORE_FILE = "mqm-wmt22-zhen-dev-scores.tsv"
GROUPS = {
    "Mistranslation": lambda category: category.startswith("Accuracy/Mistranslation"),
    "Terminology": lambda category: category.startswith("Terminology"),
    "Name format": lambda category: category.startswith(("Locale convention/Name format", "Locale_conventions/Name")),
}
MODES = {"no-embed": {"embed": False}, "default": {"embed": True}}

sys.path.insert(0, str(ROOT))
csv.field_size_limit(1 << 30)


@dataclass(frozen=True)
class Row:
    key: str  # unique segment id within the dataset
    document: str  # system + doc: one mtcheck document
    source: str
    target: str
    errors: tuple[dict, ...]
    data: dict


def read_rows(path: Path, limit: int | None = None) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rows.sort(key=lambda r: (r["system"], r["doc"], int(r["seg_id"]) if r["seg_id"].isdigit() else r["seg_id"]))
    if limit:
        rows = rows[:limit]
    out = []
    for number, row in enumerate(rows):
        errors = tuple(json.loads(row["errors_json"])) if row.get("errors_json") else ()
        out.append(Row(str(number), f"{row['system']}|{row['doc']}", row["source"], row["target"], errors, row))
    return out


def run_mtcheck(rows: list[Row], mode: str):
    from mtcheck.api import check_segments
    from mtcheck.models import Segment
    from mtcheck.options import CheckOptions

    segments = [Segment(id=row.key, target=row.target, source=row.source, file=row.document) for row in rows]
    started = time.perf_counter()
    result = check_segments(segments, CheckOptions(**MODES[mode]))
    return result, time.perf_counter() - started


def relevant_to_whole_segment(error: dict) -> bool:
    """Errors a whole-segment finding (missing term or number, length outlier) can mean:
    accuracy (omission, mistranslation, addition, untranslated), terminology, non-translation."""
    return error["category"].startswith(("Accuracy", "Terminology", "Non-translation"))


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end or (start == end == s) for s, e in spans)


def span_metrics(rows: list[Row], result) -> dict:
    by_key = {row.key: row for row in rows}
    target_spans = {row.key: [(e["start"], e["end"]) for e in row.errors if e.get("side") == "target" and e.get("start") is not None] for row in rows}
    per_rule: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, Counter] = {"span": Counter(), "whole": Counter()}
    span_findings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for finding in result.findings:
        row = by_key[finding.segment]
        whole = finding.start == 0 and finding.end == len(row.target)
        if whole:
            ok = any(relevant_to_whole_segment(e) for e in row.errors)
        else:
            ok = _overlaps(finding.start, finding.end, target_spans[row.key])
            span_findings[row.key].append((finding.start, finding.end))
        kind = "whole" if whole else "span"
        kinds[kind]["findings"] += 1
        kinds[kind]["correct"] += ok
        rule = f"{finding.rule} ({kind})"
        per_rule[rule]["findings"] += 1
        per_rule[rule]["correct"] += ok
    recall = {}
    for group, wanted in GROUPS.items():
        spans = {(row.key, e["start"], e["end"]) for row in rows for e in row.errors
                 if e.get("side") == "target" and e.get("start") is not None and wanted(e["category"])}
        found = sum(1 for key, s, e in spans if _overlaps(s, e, span_findings.get(key, ())))
        recall[group] = (found, len(spans))
    base = sum(1 for row in rows if any(relevant_to_whole_segment(e) for e in row.errors)) / max(len(rows), 1)
    return {"kinds": kinds, "per_rule": per_rule, "recall": recall, "base_rate": base}


def kendall(rows: list[dict], scores: list[float]) -> dict[str, tuple[float, int]]:
    from scipy.stats import kendalltau

    mqm = [float(r["mqm_score"]) for r in rows]
    out = {"mtcheck": kendalltau(scores, mqm).statistic}
    for column in ("COMETKiwi-src", "chrF-refA"):
        values = [(float(r[column]), m) for r, m in zip(rows, mqm) if r[column] not in ("", "None", "nan")]
        out[column] = kendalltau([v for v, _ in values], [m for _, m in values]).statistic
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default="no-embed,default")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows of each file (smoke runs)")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--skip-scores", action="store_true")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    lines = ["# mtcheck against MQM annotations (zh-en development splits)", ""]
    import mtcheck

    lines.append(f"mtcheck {mtcheck.__version__}; data: ../shared/eval (sha256 prefixes below); generated by `python bench/mqm_eval.py`.")
    lines.append("")
    lines += [
        "- **span precision**: share of span findings (a word or phrase of the target) that overlap a target span a rater marked "
        "as an error (any category, any rater).",
        "- **whole-segment precision**: findings that cover the whole segment (missing key term or number, length outlier) "
        "count as correct when the segment has an Accuracy, Terminology or Non-translation error on either side; "
        "compare it with the **base rate**, the share of all segments that have such an error.",
        "- **recall**: share of annotated target spans of the category (deduplicated over raters) that a span finding overlaps.",
        "",
        "| dataset | mode | segments | span findings | span precision | whole-segment findings | whole-segment precision | base rate | recall Mistranslation | recall Terminology | recall Name format | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rule_lines = ["", "## Precision per rule", "", "| dataset | mode | rule | findings | precision |", "|---|---|---|---|---|"]
    signature = ""
    for name in SPAN_FILES:
        path = EVAL / name
        rows = read_rows(path, args.limit)
        for mode in modes:
            result, seconds = run_mtcheck(rows, mode)
            signature = result.signature
            m = span_metrics(rows, result)
            recall = " | ".join(f"{_ratio(f, n)} ({f}/{n})" for f, n in m["recall"].values())
            label = f"{name} ({digest(path)})"
            span, whole = m["kinds"]["span"], m["kinds"]["whole"]
            lines.append(
                f"| {label} | {mode} | {len(rows)} | {span['findings']} | {_ratio(span['correct'], span['findings'])} | "
                f"{whole['findings']} | {_ratio(whole['correct'], whole['findings'])} | {m['base_rate']:.2f} | {recall} | {seconds:.0f} |"
            )
            for rule, counts in sorted(m["per_rule"].items()):
                rule_lines.append(f"| {name} | {mode} | {rule} | {counts['findings']} | {_ratio(counts['correct'], counts['findings'])} |")
            print(lines[-1], flush=True)
    lines.extend(rule_lines)
    if not args.skip_scores:
        path = EVAL / SCORE_FILE
        with path.open(encoding="utf-8", newline="") as handle:
            raw = list(csv.DictReader(handle, delimiter="\t"))
        raw.sort(key=lambda r: (r["system"], r["doc"], int(r["seg_id"]) if r["seg_id"].isdigit() else r["seg_id"]))
        if args.limit:
            raw = raw[: args.limit]
        rows = [Row(str(i), f"{r['system']}|{r['doc']}", r["source"], r["target"], (), r) for i, r in enumerate(raw)]
        lines += ["", f"## Segment ranking vs MQM: {SCORE_FILE} ({digest(path)}), {len(rows)} segments", "",
                  "Kendall tau-b with the MQM score (higher is better).", "",
                  "| mode | mtcheck score | COMETKiwi-src | chrF-refA | segments flagged | seconds |", "|---|---|---|---|---|---|"]
        for mode in modes:
            result, seconds = run_mtcheck(rows, mode)
            taus = kendall(raw, [s.score for s in result.scores])
            flagged = len({f.segment for f in result.findings})
            lines.append(f"| {mode} | {taus['mtcheck']:.3f} | {taus['COMETKiwi-src']:.3f} | {taus['chrF-refA']:.3f} | {flagged} | {seconds:.0f} |")
            print(lines[-1], flush=True)
    lines += ["", f"Signature of the last run: `{signature}`", ""]
    Path(args.output).write_text("\n".join(lines), encoding="utf-8")
    print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
