"""One sense per discourse (Gale, Church & Yarowsky 1992), as a document-level step over
the sense gate's per-occurrence log-odds.

Two stages, both over plain numbers:
1. `cue_logit`: an occurrence's own log-odds (the embedding combiner's) combined with the
   lexical cues of mtcheck.cues, by a logistic layer fitted on real pages
   (bench/fit_discourse.py writes mtcheck/embeddings/document_calibration.json);
2. `one_sense_per_discourse`: per document and glossary entry, the occurrences decided
   confidently vote for the document's sense: for the name when their log-odds are at
   least `confident` and no literal cue vetoes them, for the ordinary word when their
   log-odds are at most -`confident` (talking about the word, "the name means millet",
   votes for neither). The side with more votes (the name on a tie) is the document
   prior, its voters' mean log-odds.
   - Name prior: each other occurrence moves toward it by `carry`, unless a literal cue
     vetoes it ("millet porridge") or its own log-odds are at most `veto` (strong
     evidence for the ordinary word). A confident occurrence is never pulled down.
   - Ordinary-word prior (a recipe page with one "millet" in its table of contents):
     each occurrence that is not itself a literal voter moves toward it by
     `literal_carry`, unless its own log-odds are at least -`veto` (strong evidence for
     the name).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Hashable, Mapping, Sequence

from .cues import DOCUMENT_FEATURES

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
    carry: float  # 0..1: how far a carried occurrence moves toward the document's name prior
    threshold: float  # report at probability >= threshold
    literal_carry: float = 0.0  # 0..1: how far it moves toward the document's ordinary-word prior

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
            literal_carry=float(data.get("literal_carry", 0.0)),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Occurrence:
    group: Hashable  # (document, glossary entry)
    logit: float  # the occurrence's log-odds with its cues
    veto: str = ""  # why it is strongly literal ("" when not)
    about_word: bool = False  # talks about the word ("means millet", quoted): votes for no sense


@dataclass(frozen=True)
class Carried:
    logit: float
    evidence: str = ""  # how the document changed the decision ("" when it did not)


@dataclass(frozen=True)
class Judged:
    """One ambiguous occurrence as the document model sees it: plain values."""

    group: Hashable  # (document, glossary entry)
    own: float  # the embedding combiner's log-odds
    features: Mapping[str, float]  # mtcheck.cues features
    veto: str = ""  # the cues' literal veto ("" when none)
    defines_word: bool = False  # the occurrence defines the word ("Xiaomi means 'millet'")


def zeroed(features: Mapping[str, float], names: Sequence[str]) -> dict[str, float]:
    """The features with those named set to 0.0 (the others as they are)."""
    return {name: (0.0 if name in names else value) for name, value in features.items()}


def effective_features(features: Mapping[str, float], veto: str) -> Mapping[str, float]:
    """The cues the layer weighs: without the document-wide ones when the sentence vetoes."""
    return zeroed(features, DOCUMENT_FEATURES) if veto else features


def document_logits(judged: Sequence[Judged], model: DocumentModel) -> tuple[list[float], list[Carried]]:
    """Each occurrence's log-odds with its cues, and after the document step. Defining the
    word ("Xiaomi means millet", the word in quotes) keeps an occurrence below the
    threshold outright: no cue or document can make it a finding. An occurrence whose
    sentence vetoes the name ("a farm that grows millet") gets no document-wide cues, as it
    gets no carry from the document step."""
    below = logit_of(model.threshold) - 0.01
    with_cues = []
    for item in judged:
        logit = model.cue_logit(item.own, effective_features(item.features, item.veto))
        with_cues.append(min(logit, below) if item.defines_word else logit)
    occurrences = [Occurrence(item.group, logit, item.veto, bool(item.features.get("metalinguistic")))
                   for item, logit in zip(judged, with_cues)]
    carried = one_sense_per_discourse(occurrences, confident=model.confident, veto=model.veto, carry=model.carry,
                                      literal_carry=model.literal_carry)
    return with_cues, carried


@dataclass(frozen=True)
class _Side:
    """The confident voters of one document entry for one sense: their clipped log-odds."""

    logits: Mapping[int, float]  # occurrence index -> clipped log-odds
    total: float

    @classmethod
    def of(cls, occurrences: Sequence[Occurrence], voters: Sequence[int]) -> "_Side":
        logits = {i: clip_logit(occurrences[i].logit) for i in voters}
        return cls(logits, sum(logits.values()))

    def __len__(self) -> int:
        return len(self.logits)

    def others(self, index: int) -> tuple[int, float]:
        """How many voters other than `index`, and their mean log-odds (0.0 when none)."""
        own = self.logits.get(index)
        count = len(self.logits) - (own is not None)
        return count, ((self.total - (own or 0.0)) / count if count else 0.0)


def _votes(occurrences: Sequence[Occurrence], members: Sequence[int], confident: float) -> tuple[_Side, _Side]:
    """The members voting for the name, and those voting for the ordinary word."""
    named = [i for i in members if not occurrences[i].veto and occurrences[i].logit >= confident]
    literal = [i for i in members if not occurrences[i].about_word and occurrences[i].logit <= -confident]
    return _Side.of(occurrences, named), _Side.of(occurrences, literal)


def one_sense_per_discourse(occurrences: Sequence[Occurrence], *, confident: float, veto: float, carry: float,
                            literal_carry: float = 0.0) -> list[Carried]:
    """Each occurrence's log-odds after the document step (see the module docstring).
    Linear in the number of occurrences: each document entry's votes are summed once."""
    groups: dict[Hashable, list[int]] = {}
    for index, occurrence in enumerate(occurrences):
        groups.setdefault(occurrence.group, []).append(index)
    votes = {group: _votes(occurrences, members, confident) for group, members in groups.items()}
    result = []
    for index, occurrence in enumerate(occurrences):
        named, literal = votes[occurrence.group]
        own = clip_logit(occurrence.logit)
        if len(literal) > len(named):
            voter = index in literal.logits
            result.append(Carried(own) if voter else _toward_literal(own, *literal.others(index), veto, literal_carry))
        else:
            result.append(_toward_name(own, occurrence, *named.others(index), confident, veto, carry))
    return result


def _toward_name(own: float, occurrence: Occurrence, peers: int, prior: float, confident: float, veto: float,
                 carry: float) -> Carried:
    if not peers or own >= confident:
        return Carried(own)
    if occurrence.veto:
        return Carried(own, f"not carried by {peers} confident occurrence(s) in the document: {occurrence.veto}")
    if own <= veto:
        return Carried(own, f"not carried by {peers} confident occurrence(s) in the document: own evidence strongly literal")
    carried = own + carry * (prior - own)
    if carried <= own:
        return Carried(own)
    return Carried(carried, f"one sense per discourse: {peers} confident occurrence(s) of the term in the document "
                            f"(mean confidence {1 / (1 + math.exp(-prior)):.2f}, {carried - own:+.1f} logit)")


def _toward_literal(own: float, peers: int, prior: float, veto: float, literal_carry: float) -> Carried:
    if not peers or literal_carry <= 0.0 or own >= -veto:
        return Carried(own)
    carried = own + literal_carry * (prior - own)
    if carried >= own:
        return Carried(own)
    return Carried(carried, f"one sense per discourse: {peers} occurrence(s) of the term in the document are confidently "
                            f"the ordinary word (mean confidence {1 / (1 + math.exp(-prior)):.2f}, {carried - own:+.1f} logit)")
