"""Benchmark the sense gate on bench/data/sense-dev.tsv: precision, recall and calibration.

    python bench/sense_gate.py [--glossary CSV] [--bundled-only]

Modes, each measured end to end through mtcheck (one document per labelled row, GL001 on
the marked occurrence counts as "flagged"):
- glossary only (no gate): every hit of an ambiguous entry is reported (what --no-embed
  shows, as warnings);
- lexical gate: the --no-embed confidence, read as a decision at 0.5;
- embedding: the default invocation with the shipped calibration (test split; the dev split
  is in-sample and shown for reference);
- embedding, sentence-level only: the combiner used with other models and backends.
Cross-validation on the dev split (stratified 5-fold and leave-one-term-out) refits the
whole calibration per fold (bench/fit_sense_gate.py). Each signal is measured alone (ROC
AUC on dev) and by ablation. Writes bench/results/sense_gate.md, sense_gate.json and the
reliability plot sense_gate_reliability.png.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_sense_gate as fitting  # noqa: E402
from sense_data import EXTRA_GLOSSARY, Row, bench_glossary, flagged, load_rows, marked_candidates  # noqa: E402

from mtcheck.embeddings.calibration import load_calibration  # noqa: E402
from mtcheck.embeddings.gate import EmbeddingSenseGate  # noqa: E402
from mtcheck.embeddings.signals import LABELS, USAGE_SIGNAL  # noqa: E402
from mtcheck.options import CheckOptions  # noqa: E402
from mtcheck.senses import LexicalSenseGate  # noqa: E402

RESULTS = Path(__file__).parent / "results"
BINS = 10


def scores(y: np.ndarray, flagged_: np.ndarray) -> dict:
    tp = int((flagged_ & (y == 1)).sum())
    fp = int((flagged_ & (y == 0)).sum())
    fn = int((~flagged_ & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": int(len(y)), "tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def calibration_error(y: np.ndarray, p: np.ndarray) -> dict:
    """Expected calibration error over BINS equal-width bins, and the Brier score."""
    edges = np.linspace(0, 1, BINS + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, BINS - 1)
    ece = sum(abs(p[which == b].mean() - y[which == b].mean()) * (which == b).sum() for b in range(BINS) if (which == b).any()) / len(y)
    return {"ece": round(float(ece), 3), "brier": round(float(np.mean((p - y) ** 2)), 3)}


def auc(y: np.ndarray, values: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    keep = ~np.isnan(values)
    return round(float(roc_auc_score(y[keep], values[keep])), 3) if len(set(y[keep])) == 2 else float("nan")


def end_to_end(rows: list[Row], options: CheckOptions, glossary) -> np.ndarray:
    found = flagged(rows, options, glossary)
    return np.array([found[row.id] is not None for row in rows])


def gate_probabilities(rows: list[Row], gate, glossary) -> tuple[np.ndarray, np.ndarray]:
    """Labels and the gate's probabilities for the rows whose marked occurrence reaches it."""
    candidates = marked_candidates(rows, glossary)
    kept = [row for row in rows if row.id in candidates]
    decisions = gate.judge([candidates[row.id] for row in kept])
    return np.array([row.positive for row in kept], dtype=int), np.array([d.probability for d in decisions])


def gated(rows: list[Row], gate, threshold: float, no_gate: CheckOptions, glossary) -> np.ndarray:
    """Flags when `gate` decides the rows' marked occurrences at `threshold`; rows whose
    occurrence is decided without the gate (a longer unambiguous entry) keep the glossary's flag."""
    candidates = marked_candidates(rows, glossary)
    kept = [row for row in rows if row.id in candidates]
    probability = dict(zip([row.id for row in kept], (d.probability for d in gate.judge([candidates[row.id] for row in kept]))))
    plain = end_to_end(rows, no_gate, glossary)
    return np.array([probability[row.id] >= threshold if row.id in probability else bool(flag) for row, flag in zip(rows, plain)])


def reliability_plot(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    edges = np.linspace(0, 1, BINS + 1)
    for label, (y, p) in curves.items():
        which = np.clip(np.digitize(p, edges[1:-1]), 0, BINS - 1)
        xs = [p[which == b].mean() for b in range(BINS) if (which == b).sum() >= 3]
        ys = [y[which == b].mean() for b in range(BINS) if (which == b).sum() >= 3]
        ax.plot(xs, ys, marker="o", label=f"{label} (n={len(y)})")
    ax.set_xlabel("predicted P(mistranslation)")
    ax.set_ylabel("observed share of mistranslations")
    ax.set_title("Sense gate reliability (bins of 0.1, >= 3 occurrences)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def signal_table(dev: fitting.Measured, gate) -> list[dict]:
    """Each signal alone (dev ROC AUC) and the CV effect of dropping each family."""
    y = dev.labels
    combiner = gate.calibration.token
    usage_scores = np.array([np.nan if (s := combiner.usage_score(m.usage_input)) is None else s for m in dev.measurements])
    rows = []
    for name in fitting.TOKEN_FEATURES:
        values = usage_scores if name == USAGE_SIGNAL else dev.matrix([name])[:, 0]
        rows.append({"signal": name, "label": LABELS.get(name, name), "dev_auc": auc(y, values), "note": "in-sample direction" if name == USAGE_SIGNAL else ""})
    return rows


FAMILIES = {
    "sentence vs exemplars": ("sentence_margin", "sentence_mean_margin"),
    "document context": ("context_margin", "document_margin", "no_context"),
    "approved elsewhere + related names": ("approved_elsewhere", "related_names"),
    "substitution (sentence and token level)": ("substitution_context_gain", "substitution_sense_gain", "name_fit", "name_mean_fit", "name_fit_v1", "name_mean_fit_v1"),
    "token sense margins": ("token_margin", "token_mean_margin", "token_top2_margin", "token_margin_v1", "token_mean_margin_v1", "token_top2_margin_v1"),
    "usage score": (USAGE_SIGNAL,),
}


def ablations(dev: fitting.Measured, threshold: float) -> list[dict]:
    y = dev.labels
    result = []
    for family, names in {"(all signals)": (), **FAMILIES}.items():
        features = tuple(name for name in fitting.TOKEN_FEATURES if name not in names)
        oof = fitting.cross_validated(dev, features)
        result.append({"without": family, "cv_auc": auc(y, oof), **scores(y, oof >= threshold)})
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--glossary", help="measure with this glossary alone (default: bundled + bench/data/sense-extra.csv)")
    parser.add_argument("--bundled-only", action="store_true", help="measure with the bundled glossaries alone")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    glossary = bench_glossary(args.glossary, args.bundled_only)
    extra = () if args.glossary or args.bundled_only else (str(EXTRA_GLOSSARY),)
    glossary_options = dict(glossaries=(args.glossary,) if args.glossary else extra, use_default_glossary=not args.glossary)
    rows = load_rows()
    splits = {"dev": [r for r in rows if r.split == "dev"], "test": [r for r in rows if r.split == "test"]}
    labels = {name: np.array([r.positive for r in part], dtype=int) for name, part in splits.items()}
    calibration = load_calibration()
    table: list[dict] = []

    def add(mode: str, split: str, flags: np.ndarray, note: str = "") -> None:
        table.append({"mode": mode, "split": split, **scores(labels[split], flags), "note": note})
        print(f"{mode:48s} {split:5s} {table[-1]['precision']:.3f} {table[-1]['recall']:.3f}")

    no_gate = CheckOptions(embed=False, **glossary_options)
    for split, part in splits.items():
        add("glossary only (no gate; --no-embed warnings)", split, end_to_end(part, no_gate, glossary))
    lexical = LexicalSenseGate()
    for split, part in splits.items():
        add("lexical gate at p >= 0.5", split, gated(part, lexical, 0.5, no_gate, glossary))

    started = time.perf_counter()
    options = CheckOptions(**glossary_options)
    for split in ("test", "dev"):
        add("embedding (default)", split, end_to_end(splits[split], options, glossary), "in-sample" if split == "dev" else "")
    seconds = time.perf_counter() - started
    gate = EmbeddingSenseGate.from_options(options, glossary)
    sentence_gate = EmbeddingSenseGate.from_options(options, glossary)
    sentence_gate.token_combiner = None
    add("embedding, sentence-level only (other models)", "test", gated(splits["test"], sentence_gate, calibration.sentence.threshold, no_gate, glossary))
    curves = {
        "lexical gate, test": gate_probabilities(splits["test"], lexical, glossary),
        "embedding, test": gate_probabilities(splits["test"], gate, glossary),
    }

    dev, _ = fitting.measure(splits["dev"], glossary)
    threshold = calibration.token.threshold
    cv = {}
    for name, by_term in (("stratified 5-fold", False), ("leave-one-term-out", True)):
        oof = fitting.cross_validated(dev, fitting.TOKEN_FEATURES, by_term=by_term)
        cv[name] = {"auc": auc(dev.labels, oof), **scores(dev.labels, oof >= threshold), **calibration_error(dev.labels, oof)}
        print(f"CV {name}: {cv[name]}")
        if not by_term:
            curves["embedding, dev cross-validated"] = (dev.labels, oof)
    calibration_scores = {label: calibration_error(y, p) for label, (y, p) in curves.items()}
    reliability_plot(curves, RESULTS / "sense_gate_reliability.png")
    signals = signal_table(dev, gate)
    ablation = ablations(dev, threshold)
    result = {
        "table": table, "cv": cv, "calibration": calibration_scores, "signals": signals, "ablations": ablation,
        "threshold": threshold, "glossary": args.glossary or ("bundled" if args.bundled_only else "bundled + bench/data/sense-extra.csv"),
        "embedding_seconds_per_occurrence": round(seconds / len(rows), 4),
    }
    (RESULTS / "sense_gate.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "sense_gate.md").write_text(markdown(result), encoding="utf-8")
    print(f"wrote {RESULTS / 'sense_gate.md'}")
    return 0


def markdown(result: dict) -> str:
    lines = [
        "# Sense gate benchmark (bench/sense_gate.py)", "",
        f"Data: bench/data/sense-dev.tsv; glossary: {result['glossary']}; token-level threshold {result['threshold']}.", "",
        "| mode | split | n | precision | recall | F1 | FP | FN | note |", "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["table"]:
        lines.append(f"| {row['mode']} | {row['split']} | {row['n']} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['fp']} | {row['fn']} | {row['note']} |")
    for name, row in result["cv"].items():
        lines.append(f"| embedding, dev {name} | dev | {row['n']} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['fp']} | {row['fn']} | AUC {row['auc']}, ECE {row['ece']} |")
    lines += ["", "Calibration (gate candidates only):", "", "| curve | ECE | Brier |", "|---|---|---|"]
    lines += [f"| {label} | {v['ece']} | {v['brier']} |" for label, v in result["calibration"].items()]
    lines += ["", "Each signal alone (dev ROC AUC):", "", "| signal | evidence label | dev AUC |", "|---|---|---|"]
    lines += [f"| {s['signal']} | {s['label']} | {s['dev_auc']}{' (' + s['note'] + ')' if s['note'] else ''} |" for s in result["signals"]]
    lines += ["", "Ablations (dev, stratified 5-fold, shipped threshold):", "", "| without | CV AUC | precision | recall |", "|---|---|---|---|"]
    lines += [f"| {a['without']} | {a['cv_auc']} | {a['precision']:.3f} | {a['recall']:.3f} |" for a in result["ablations"]]
    lines += ["", f"Embedding mode, end to end: {result['embedding_seconds_per_occurrence'] * 1000:.0f} ms per labelled row on this machine (model loaded once).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
