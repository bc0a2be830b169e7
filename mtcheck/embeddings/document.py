"""The sense gate's document-level decision: each candidate's own log-odds, combined with
its lexical cues (mtcheck.cues) and with the other occurrences of its entry in the same
document (mtcheck.discourse), become SenseDecisions with evidence."""

from __future__ import annotations

from typing import Sequence

from ..cues import find_cues
from ..discourse import DocumentModel, Occurrence, logit_of, one_sense_per_discourse
from ..senses import SenseCandidate, SenseDecision
from .calibration import sigmoid

CUE_EVIDENCE_MIN_LOGIT = 0.25


def decide_documents(candidates: Sequence[SenseCandidate], own_logits: Sequence[float], model: DocumentModel,
                     evidence: Sequence[tuple[str, ...]]) -> list[SenseDecision]:
    cues = [find_cues(candidate) for candidate in candidates]
    # Talking about the word ("the name Xiaomi means millet", the word in quotes) vetoes it
    # outright: no cue or document can make it a finding.
    below = logit_of(model.threshold) - 0.01
    with_cues = [min(model.cue_logit(own, c.features()), below) if c.metalinguistic else model.cue_logit(own, c.features())
                 for own, c in zip(own_logits, cues)]
    occurrences = [Occurrence((candidate.segment.file, candidate.entry), logit, c.veto)
                   for candidate, logit, c in zip(candidates, with_cues, cues)]
    carried = one_sense_per_discourse(occurrences, confident=model.confident, veto=model.veto, carry=model.carry)
    decisions = []
    for own, logit, c, step, notes in zip(own_logits, with_cues, cues, carried, evidence):
        extra = list(notes)
        described = c.describe()
        if described and abs(logit - own) >= CUE_EVIDENCE_MIN_LOGIT:
            share = logit - own
            extra.append(f"cues: {'; '.join(described)} ({'for' if share > 0 else 'against'}, {share:+.1f} logit)")
        if step.evidence:
            extra.append(step.evidence)
        decisions.append(SenseDecision(sigmoid(step.logit), tuple(extra), threshold=model.threshold))
    return decisions
