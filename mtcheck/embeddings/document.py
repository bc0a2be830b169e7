"""The sense gate's document-level decision: each candidate's own log-odds, combined with
its lexical cues (mtcheck.cues) and with the other occurrences of its entry in the same
document (mtcheck.discourse), become SenseDecisions with evidence."""

from __future__ import annotations

from typing import Sequence

from ..cues import find_cues
from ..discourse import DocumentModel, Judged, document_logits, effective_features
from ..senses import SenseCandidate, SenseDecision
from .calibration import sigmoid

CUE_EVIDENCE_MIN_LOGIT = 0.25


def decide_documents(candidates: Sequence[SenseCandidate], own_logits: Sequence[float], model: DocumentModel,
                     evidence: Sequence[tuple[str, ...]]) -> list[SenseDecision]:
    cues = [find_cues(candidate) for candidate in candidates]
    judged = [Judged((candidate.segment.file, candidate.entry), own, c.features(), c.veto, c.defines_word)
              for candidate, own, c in zip(candidates, own_logits, cues)]
    with_cues, carried = document_logits(judged, model)
    decisions = []
    for own, logit, c, step, notes in zip(own_logits, with_cues, cues, carried, evidence):
        extra = list(notes)
        # Only the cues that moved the log-odds: a cue with weight 0 in the fitted model, or a
        # document-wide one that a veto zeroes, is a fact about the text, not evidence here.
        features = effective_features(c.features(), c.veto)
        described = c.describe({name for name, value in features.items() if value and model.cue_weights.get(name, 0.0)})
        if described and abs(logit - own) >= CUE_EVIDENCE_MIN_LOGIT:
            share = logit - own
            extra.append(f"cues: {'; '.join(described)} ({'for' if share > 0 else 'against'}, {share:+.1f} logit)")
        if step.evidence:
            extra.append(step.evidence)
        decisions.append(SenseDecision(sigmoid(step.logit), tuple(extra), threshold=model.threshold))
    return decisions
