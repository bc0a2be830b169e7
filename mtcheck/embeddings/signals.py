"""The signals the embedding sense gate combines, as pure functions over unit vectors.

Sentence level (any sentence-transformers model), for the sentence as written (S), with
the fix applied (F), its context (C), the document (D) and the entry's intended (I) and
literal (L) exemplar sentences (F has the fixes of the segment's other candidates
applied too: texts.candidate_texts):
- exemplar margin: max cos(S,I) - max cos(S,L); mean margin: the same with means;
- context margin (C instead of S) and document margin (D against the exemplar centroids);
- substitution gains: cos(F,C) - cos(S,C), and margin(F) - margin(S);
- document facts (0/1): the approved rendering occurs in the document; other company,
  brand, product or media names occur in the sentence.
Token level (backends with `encode_spans`), per view (last layer, last two layers), for
the contextual vector t of the hit and n of the suggested rendering in its place:
- token margin: max cos(t, wrong rendering in intended exemplars) - max cos(t, in literal
  exemplars), also with means and with the mean of the two nearest;
- name fit (substitution test): max and mean cos(n, approved rendering in intended exemplars);
- `usage_input`: t minus the literal and intended centroids, projected by the calibration
  onto a direction fitted on the dev set ("usage score").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..senses import SenseCandidate

SENTENCE_SIGNALS: dict[str, str] = {
    "sentence_margin": "exemplar margin",
    "sentence_mean_margin": "exemplar mean margin",
    "context_margin": "context margin",
    "document_margin": "document margin",
    "substitution_context_gain": "substitution gain vs context",
    "substitution_sense_gain": "substitution gain vs exemplars",
    "approved_elsewhere": "approved rendering elsewhere",
    "related_names": "related names in sentence",
    "no_context": "no context",
}
TOKEN_SIGNALS: dict[str, str] = {
    "token_margin": "token sense margin",
    "token_mean_margin": "token mean margin",
    "token_top2_margin": "token top-2 margin",
    "name_fit": "name fit after fix",
    "name_mean_fit": "name mean fit after fix",
}
USAGE_SIGNAL = "usage_score"
LABELS = {**SENTENCE_SIGNALS, USAGE_SIGNAL: "usage score"}


def view_name(name: str, view: int) -> str:
    return name if view == 0 else f"{name}_v{view}"


def token_signal_names(views: int) -> tuple[str, ...]:
    return tuple(view_name(name, view) for view in range(views) for name in TOKEN_SIGNALS)


for _view in range(2):
    for _name, _label in TOKEN_SIGNALS.items():
        LABELS[view_name(_name, _view)] = _label + ("" if _view == 0 else f" (layers -2..-1)")


# What each signal needs embedded beyond the sentence (and the document vector, built from
# what is embedded): the sentence with the fix (F), the context (C), the hit's token
# vectors in its window (term) and the suggested rendering's in its place (name). A gate
# embeds only the inputs of the signals its combiner uses (inputs_for).
FIXED, CONTEXT, TERM, NAME = "fixed", "context", "term", "name"
INPUTS: dict[str, tuple[str, ...]] = {
    "context_margin": (CONTEXT,),
    "substitution_context_gain": (FIXED, CONTEXT),
    "substitution_sense_gain": (FIXED,),
    "no_context": (CONTEXT,),
    USAGE_SIGNAL: (TERM,),
}
for _name in TOKEN_SIGNALS:
    for _view in range(2):
        INPUTS[view_name(_name, _view)] = (NAME,) if _name.startswith("name_") else (TERM,)
ALL_INPUTS = frozenset((FIXED, CONTEXT, TERM, NAME))


def inputs_for(features) -> frozenset[str]:
    """The inputs (FIXED, CONTEXT, TERM, NAME) that the signals `features` are computed from."""
    return frozenset(part for feature in features for part in INPUTS.get(feature, ()))


@dataclass(frozen=True)
class SenseVectors:
    """An entry's exemplar vectors: sentence rows (k, dim); token rows (k, views, hidden) or None."""

    intended: object
    literal: object
    intended_tokens: object = None
    literal_tokens: object = None
    name_tokens: object = None

    @property
    def has_tokens(self) -> bool:
        return all(rows is not None and len(rows) for rows in (self.intended_tokens, self.literal_tokens))


@dataclass(frozen=True)
class CandidateVectors:
    """A candidate's vectors: sentence-level (dim,), token-level (views, hidden) or None."""

    sentence: object
    fixed: object
    context: object  # None without context text
    document: object
    term: object = None
    name: object = None


def _unit(vector):
    import numpy as np

    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _margin(vector, intended, literal) -> float:
    return float((intended @ vector).max() - (literal @ vector).max())


def sentence_signals(vectors: CandidateVectors, sense: SenseVectors, *, approved_elsewhere: int, related_names: int,
                     inputs: frozenset[str] = ALL_INPUTS) -> dict[str, float]:
    """Sentence-level signals; those whose inputs were not embedded (not in `inputs`) are left out."""
    s, f, c = vectors.sentence, vectors.fixed, vectors.context
    intended, literal = sense.intended, sense.literal
    values = {
        "sentence_margin": _margin(s, intended, literal),
        "sentence_mean_margin": float((intended @ s).mean() - (literal @ s).mean()),
        "document_margin": float(vectors.document @ _unit(intended.mean(axis=0)) - vectors.document @ _unit(literal.mean(axis=0))),
        "approved_elsewhere": 1.0 if approved_elsewhere else 0.0,
        "related_names": 1.0 if related_names else 0.0,
    }
    if FIXED in inputs:
        values["substitution_sense_gain"] = _margin(f, intended, literal) - _margin(s, intended, literal)
    if CONTEXT in inputs:
        values["no_context"] = 1.0 if c is None else 0.0
        values["context_margin"] = 0.0 if c is None else _margin(c, intended, literal)
        if FIXED in inputs:
            values["substitution_context_gain"] = 0.0 if c is None else float(f @ c - s @ c)
    return values


def _top2(values) -> float:
    import numpy as np

    return float(np.sort(values)[-2:].mean())


def token_signals(vectors: CandidateVectors, sense: SenseVectors) -> dict[str, float]:
    """Token-level signals; those the entry's exemplars cannot support are left out."""
    values: dict[str, float] = {}
    for view in range(vectors.term.shape[0]):
        term = vectors.term[view]
        if sense.has_tokens:
            to_intended = sense.intended_tokens[:, view] @ term
            to_literal = sense.literal_tokens[:, view] @ term
            values[view_name("token_margin", view)] = float(to_intended.max() - to_literal.max())
            values[view_name("token_mean_margin", view)] = float(to_intended.mean() - to_literal.mean())
            values[view_name("token_top2_margin", view)] = _top2(to_intended) - _top2(to_literal)
        if vectors.name is not None and sense.name_tokens is not None and len(sense.name_tokens):
            fit = sense.name_tokens[:, view] @ vectors.name[view]
            values[view_name("name_fit", view)] = float(fit.max())
            values[view_name("name_mean_fit", view)] = float(fit.mean())
    return values


def usage_input(vectors: CandidateVectors, sense: SenseVectors):
    """The hit's token vectors relative to the exemplar centroids, all views concatenated."""
    import numpy as np

    if not sense.has_tokens:
        return None
    parts = []
    for view in range(vectors.term.shape[0]):
        term = vectors.term[view]
        parts.append(term - sense.literal_tokens[:, view].mean(axis=0))
        parts.append(term - sense.intended_tokens[:, view].mean(axis=0))
    return np.concatenate(parts).astype(np.float32)


def describe(name: str, value: float, candidate: SenseCandidate) -> str:
    """A signal as evidence text: "exemplar margin +0.21", "approved rendering elsewhere 2x"."""
    label = LABELS.get(name, name)
    if name == "approved_elsewhere":
        return f"{label} {candidate.approved_elsewhere}x"
    if name == "related_names":
        return f"{label} {candidate.related_names}"
    if name == "no_context":
        return label
    return f"{label} {value:+.2f}"
