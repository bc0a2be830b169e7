"""One sense per discourse (Gale, Church & Yarowsky 1992), as a document-level step over
the sense gate's per-occurrence log-odds.

Two stages, both over plain numbers:
1. `cue_logit`: an occurrence's own log-odds (the embedding combiner's) combined with the
   lexical cues of mtcheck.cues, by a logistic layer fitted on real pages
   (bench/fit_discourse.py writes mtcheck/embeddings/document_calibration.json);
2. `one_sense_per_discourse`: per document and glossary entry, the occurrences decided
   confidently (log-odds >= `confident`, no literal veto) form the document prior, their
   mean log-odds. Each other occurrence moves toward that prior by `carry`, unless a
   literal cue vetoes it ("the name means millet", "millet porridge") or its own
   log-odds are at most `veto` (strong evidence for the ordinary word). The step only
   raises: a confident occurrence is never pulled down by weak ones.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Hashable, Mapping, Sequence

# Fitted with the token combiner of the embedding gate, so it ships beside its calibration.
CALIBRATION_FILE = Path(__file__).parent / "embeddings" / "document_calibration.json"
LOGIT_LIMIT = 8.0


def clip_logit(value: float) -> float:
    return max(-LOGIT_LIMIT, min(LOGIT_LIMIT, value))


def logit_of(probability: float) -> float:
    p = min(1 - 1e-6, max(1e-6, probability))
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class DocumentModel:
    own: float  # weight of the occurrence's own (embedding) log-odds
    cue_weights: Mapping[str, float]  # weight per mtcheck.cues feature
    intercept: float
    confident: float  # log-odds from which an occurrence informs the others
    veto: float  # own log-odds at or below which an occurrence is not carried
    carry: float  # 0..1: how far a carried occurrence moves toward the document prior
    threshold: float  # report at probability >= threshold

    def cue_logit(self, own: float, features: Mapping[str, float]) -> float:
        return self.own * clip_logit(own) + sum(w * features.get(name, 0.0) for name, w in self.cue_weights.items()) + self.intercept

    def to_json(self) -> str:
        data = asdict(self)
        data["cue_weights"] = dict(self.cue_weights)
        return json.dumps(data, indent=1, sort_keys=True) + "\n"


def load_document_model(path: str | Path | None = None) -> DocumentModel | None:
    """The shipped document model, or None when the file is missing or unreadable
    (the gate then decides each occurrence on its own)."""
    try:
        data = json.loads(Path(path or CALIBRATION_FILE).read_text(encoding="utf-8"))
        return DocumentModel(
            own=float(data["own"]), cue_weights={str(k): float(v) for k, v in data["cue_weights"].items()},
            intercept=float(data["intercept"]), confident=float(data["confident"]), veto=float(data["veto"]),
            carry=float(data["carry"]), threshold=float(data["threshold"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Occurrence:
    group: Hashable  # (document, glossary entry)
    logit: float  # the occurrence's log-odds with its cues
    veto: str = ""  # why it is strongly literal ("" when not)


@dataclass(frozen=True)
class Carried:
    logit: float
    evidence: str = ""  # how the document changed the decision ("" when it did not)


def one_sense_per_discourse(occurrences: Sequence[Occurrence], *, confident: float, veto: float, carry: float) -> list[Carried]:
    """Each occurrence's log-odds after the document step (see the module docstring)."""
    groups: dict[Hashable, list[int]] = {}
    for index, occurrence in enumerate(occurrences):
        groups.setdefault(occurrence.group, []).append(index)
    result = []
    for index, occurrence in enumerate(occurrences):
        own = clip_logit(occurrence.logit)
        peers = [clip_logit(occurrences[i].logit) for i in groups[occurrence.group]
                 if i != index and not occurrences[i].veto and occurrences[i].logit >= confident]
        if not peers or own >= confident:
            result.append(Carried(own))
            continue
        prior = sum(peers) / len(peers)
        if occurrence.veto:
            result.append(Carried(own, f"not carried by {len(peers)} confident occurrence(s) in the document: {occurrence.veto}"))
            continue
        if own <= veto:
            result.append(Carried(own, f"not carried by {len(peers)} confident occurrence(s) in the document: own evidence strongly literal"))
            continue
        carried = own + carry * (prior - own)
        if carried <= own:
            result.append(Carried(own))
            continue
        result.append(Carried(carried, f"one sense per discourse: {len(peers)} confident occurrence(s) of the term in the document "
                                       f"(mean confidence {1 / (1 + math.exp(-prior)):.2f}, {carried - own:+.1f} logit)"))
    return result
