"""The sense gate's interface, and the lexical gate used when embeddings are off.

A glossary entry is *ambiguous* when its wrong rendering is also ordinary English
("millet" the cereal vs 小米 Xiaomi). Each hit of such an entry becomes a
SenseCandidate; a gate returns, for each, the probability that the occurrence is the
mistranslation, and the evidence that decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

from .models import GlossaryEntry, Segment
from .textutil import cut_around, sentence_at

# A sentence longer than this (a segment with no sentence ends) is cut to about this many
# characters around the hit: the embedding model reads about 256 tokens (1,000 to 1,200
# characters of English) and would not see a hit further in, and every cue and text built
# from the sentence then costs what the cut holds, not the whole segment, per hit.
SENTENCE_CHARS = 1000


@dataclass(frozen=True)
class SenseCandidate:
    segment: Segment
    start: int
    end: int
    entry: GlossaryEntry
    sentence: str  # the sentence holding the hit (candidate_sentence: cut around it when long)
    context: str  # neighbouring text (previous and next segments)
    replacement: str  # the suggested rendering, case already transferred
    approved_elsewhere: int  # occurrences of the entry's approved rendering in the document
    related_names: int  # other glossary names of the same kind in the same sentence
    names_in_document: int = 0  # distinct company/brand/product entries whose approved rendering the document uses
    errors_in_document: int = 0  # distinct entries with an unambiguous mistranslation in the document


def candidate_sentence(text: str, hit_start: int, hit_end: int) -> tuple[int, int]:
    """The (start, end) of the sentence of `text` that holds the hit, cut to about
    SENTENCE_CHARS characters around the hit when it is longer."""
    start, end = sentence_at(text, hit_start)
    return cut_around(text, start, end, hit_start, min(hit_end, end), SENTENCE_CHARS)


@dataclass(frozen=True)
class SenseDecision:
    probability: float  # P(the occurrence is the mistranslation)
    evidence: tuple[str, ...] = ()
    threshold: float | None = None  # this decision's reporting threshold when not the gate's


class SenseGate(Protocol):
    name: str

    def judge(self, candidates: Sequence[SenseCandidate]) -> list[SenseDecision]: ...


_TOKEN = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset(
    "the a an of and or to in on at for with by from as is are was were be been it its this that these those "
    "has have had will would can could not but also than then their they them he she his her we our you your "
    "which who what when where there more most very into over after before about such".split()
)


def _bag(text: str) -> set[str]:
    return {token.rstrip("s") for token in _TOKEN.findall(text.lower()) if token not in _STOP and len(token) > 2}


@lru_cache(maxsize=4096)
def _sense_words(intended_sense: tuple[str, ...], literal_sense: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The words only the intended exemplars use, and those only the literal ones use
    (computed once per glossary entry)."""
    intended = _bag(" ".join(intended_sense))
    literal = _bag(" ".join(literal_sense))
    return frozenset(intended - literal), frozenset(literal - intended)


def literal_words(entry: GlossaryEntry) -> frozenset[str]:
    """The words only the entry's literal exemplars use."""
    return _sense_words(entry.intended_sense, entry.literal_sense)[1]


class LexicalSenseGate:
    """No-model fallback: word overlap with the sense exemplars plus document signals.

    Its probabilities are deliberately modest (0.15..0.6): without embeddings mtcheck
    reports ambiguous hits as low-confidence warnings.
    """

    name = "lexical"

    def judge(self, candidates: Sequence[SenseCandidate]) -> list[SenseDecision]:
        return [self._judge_one(candidate) for candidate in candidates]

    def _judge_one(self, candidate: SenseCandidate) -> SenseDecision:
        words = _bag(candidate.sentence + " " + candidate.context) - _bag(candidate.segment.target[candidate.start:candidate.end])
        intended, literal = _sense_words(candidate.entry.intended_sense, candidate.entry.literal_sense)
        intended_overlap = len(words & intended)
        literal_overlap = len(words & literal)
        score = 0.4
        evidence = [f"lexical overlap intended={intended_overlap} literal={literal_overlap}"]
        score += 0.06 * min(intended_overlap, 3) - 0.08 * min(literal_overlap, 3)
        if candidate.approved_elsewhere:
            score += 0.1
            evidence.append(f"approved rendering {candidate.entry.preferred!r} appears {candidate.approved_elsewhere}x in the document")
        if candidate.related_names:
            score += 0.1
            evidence.append(f"{candidate.related_names} related name(s) in the sentence")
        return SenseDecision(max(0.15, min(0.6, score)), tuple(evidence))
