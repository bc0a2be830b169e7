"""What the sense gate embeds, as plain strings and spans (no model needed here).

For a candidate hit: its sentence, the sentence with the fix applied, its context, and
two spans in a window of the segment (the hit as written, and the suggested rendering
in its place). For a glossary entry: its exemplar sentences, and the spans of the
entry's renderings inside them, with the wrong rendering swapped into the intended
exemplars ("Xiaomi sold more phones" -> "Millet sold more phones": how the
mistranslation reads) so that token vectors compare like with like.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from ..glossary.matcher import APPROVED, WRONG, GlossaryMatcher
from ..models import GlossaryEntry
from ..senses import SenseCandidate
from ..textutil import sentence_at, transfer_case
from .encoder import Span

CONTEXT_CHARS = 250  # of the segment, each side of the hit's sentence
CONTEXT_MAX = 700  # the whole context, with the neighbouring segments (~150 tokens)
WINDOW_CHARS = 200  # of the segment, each side of the hit, for its token vectors


@dataclass(frozen=True)
class CandidateTexts:
    sentence: str
    fixed: str  # the sentence with the suggested rendering in place of the hit
    context: str  # the rest of the segment near the sentence and the neighbouring segments; "" if none
    term: Span  # the hit, in a window of its segment
    name: Span  # the suggested rendering in its place, in the same window


def candidate_texts(candidate: SenseCandidate) -> CandidateTexts:
    target = candidate.segment.target
    hit_start, hit_end = candidate.start, candidate.end
    start, end = sentence_at(target, hit_start)
    if not (start <= hit_start and hit_end <= end):
        start, end = 0, len(target)
    replacement = candidate.replacement
    sentence = target[start:end]
    fixed = target[start:hit_start] + replacement + target[hit_end:end]
    around = (target[max(0, start - CONTEXT_CHARS):start].strip(), target[end:end + CONTEXT_CHARS].strip())
    context = " ".join(part for part in (*around, candidate.context.strip()) if part)[:CONTEXT_MAX]
    left, right = _window(target, hit_start, hit_end)
    window = target[left:right]
    offset = hit_start - left
    named = window[:offset] + replacement + window[hit_end - left:]
    return CandidateTexts(
        sentence=sentence.strip(), fixed=fixed.strip(), context=context,
        term=(window, offset, offset + hit_end - hit_start),
        name=(named, offset, offset + len(replacement)),
    )


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """[left, right) around text[start:end], cut at spaces, at most WINDOW_CHARS each side."""
    left = max(0, start - WINDOW_CHARS)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    right = min(len(text), end + WINDOW_CHARS)
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return left, right


@dataclass(frozen=True)
class ExemplarTexts:
    intended: tuple[str, ...]
    literal: tuple[str, ...]
    intended_spans: tuple[Span, ...]  # the wrong rendering in intended exemplars (swapped in)
    literal_spans: tuple[Span, ...]  # the wrong rendering in literal exemplars
    name_spans: tuple[Span, ...]  # the approved rendering in intended exemplars

    @property
    def texts(self) -> tuple[str, ...]:
        return self.intended + self.literal

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.intended_spans + self.literal_spans + self.name_spans


@lru_cache(maxsize=4096)
def exemplar_texts(entry: GlossaryEntry) -> ExemplarTexts:
    # Find renderings in exemplars whatever their case ("Millet porridge ...").
    matcher = GlossaryMatcher([dataclasses.replace(entry, case_sensitive=False, whole_word=True)])
    intended_spans, name_spans = [], []
    for text in entry.intended_sense:
        hit = _first(matcher, text, (WRONG, APPROVED))
        if hit is None or not entry.wrong:
            continue
        _, start, end = hit
        if not _is_approved(entry, text[start:end]):
            intended_spans.append(hit)
            continue
        name_spans.append(hit)
        wrong = entry.wrong[0] if entry.case_sensitive else transfer_case(text[start:end], entry.wrong[0])
        intended_spans.append((text[:start] + wrong + text[end:], start, start + len(wrong)))
    literal_spans = [hit for hit in (_first(matcher, text, (WRONG,)) for text in entry.literal_sense) if hit is not None]
    return ExemplarTexts(entry.intended_sense, entry.literal_sense, tuple(intended_spans), tuple(literal_spans), tuple(name_spans))


def _is_approved(entry: GlossaryEntry, found: str) -> bool:
    """Is `found` an approved rendering ("Apple"), rather than a wrong one ("apple")?"""
    if entry.case_sensitive:
        return found in entry.approved
    folded = " ".join(found.casefold().replace("-", " ").split())
    return any(folded == " ".join(name.casefold().replace("-", " ").split()) for name in entry.approved)


def _first(matcher: GlossaryMatcher, text: str, kinds: tuple[str, ...]) -> Span | None:
    for hit in matcher.find(text):
        if hit.kind in kinds:
            return (text, hit.start, hit.end)
    return None
