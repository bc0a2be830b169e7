"""What the sense gate embeds, as plain strings and spans (no model needed here).

For a candidate hit: its sentence, the sentence with the fix applied, its context, and
two spans in a window of the segment (the hit as written, and the suggested rendering
in its place). The fixed texts also carry the fixes of the other candidates of the segment
("siblings"), so that the hits of one sentence share one fixed version.
For a glossary entry: its exemplar sentences, and the spans of the
entry's renderings inside them, with the wrong rendering swapped into the intended
exemplars ("Xiaomi sold more phones" -> "Millet sold more phones": how the
mistranslation reads) so that token vectors compare like with like.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ..glossary.matcher import APPROVED, WRONG, GlossaryMatcher
from ..fixer import apply_edits
from ..models import Edit, GlossaryEntry
from ..senses import SENTENCE_CHARS, SenseCandidate
from ..textutil import cut_around, sentence_at, sentence_spans, sentences_near, transfer_case
from .encoder import Span

CONTEXT_CHARS = 250  # of the segment, each side of the hit's sentence
CONTEXT_MAX = 700  # the whole context, with the neighbouring segments (~150 tokens)
WINDOW_CHARS = 200  # of the segment, each side of the hit, for its token vectors


@dataclass(frozen=True)
class CandidateTexts:
    sentence: str
    fixed: str  # the sentence with the suggested rendering in place of the hit (and of its siblings)
    context: tuple[str, ...]  # sentences of the segment near the sentence and of the neighbouring segments; () if none
    term: Span  # the hit, in a window of its segment
    name: Span  # the suggested rendering in its place, in the same window with the siblings' fixes


def candidate_texts(candidate: SenseCandidate, siblings: Sequence[SenseCandidate] = ()) -> CandidateTexts:
    """The texts of `candidate`. `siblings` (the candidates of its segment, in order of
    start) have their fixes applied too in the fixed sentence and the fixed window, so that
    a sentence with several suspect renderings has one fixed version, which reads the way
    `mtcheck fix` leaves it, and runs through the model once instead of once per hit. Only
    the siblings near the hit are read (binary searches), so a segment's candidates cost
    what their sentences and windows hold, not each other's count."""
    target = candidate.segment.target
    hit_start, hit_end = candidate.start, candidate.end
    start, end = sentence_at(target, hit_start)
    if not (start <= hit_start and hit_end <= end):
        start, end = 0, len(target)
    start, end = cut_around(target, start, end, hit_start, hit_end, SENTENCE_CHARS)  # as candidate_sentence
    replacement = candidate.replacement
    left, right = _window(target, hit_start, hit_end)
    near = siblings[bisect_left(siblings, min(start, left), key=_start):bisect_left(siblings, max(end, right), key=_start)]
    others = {(s.start, s.end, s.replacement) for s in near
              if s.segment is candidate.segment and (s.end <= hit_start or s.start >= hit_end)}
    sentence = target[start:end]
    fixed, _ = _with_fixes(target, start, end, (hit_start, hit_end, replacement), others)
    context = context_sentences(target, start, end, candidate.context)
    window = target[left:right]
    offset = hit_start - left
    named, named_offset = _with_fixes(target, left, right, (hit_start, hit_end, replacement), others)
    return CandidateTexts(
        sentence=sentence.strip(), fixed=fixed.strip(), context=context,
        term=(window, offset, offset + hit_end - hit_start),
        name=(named, named_offset, named_offset + len(replacement)),
    )


def _start(candidate: SenseCandidate) -> int:
    return candidate.start


def context_sentences(target: str, start: int, end: int, neighbours: str) -> tuple[str, ...]:
    """The sentences around target[start:end] (the hit's sentence): those of the segment
    within CONTEXT_CHARS of it on either side, then those of the neighbouring segments,
    whole, up to CONTEXT_MAX characters in all (at least one). The gate embeds each
    sentence on its own, as it embeds the sentences that hold hits, so that a context costs
    no model run of its own when its sentences are embedded anyway (the neighbours of a
    dense document), and combines them into one context vector."""
    before, after = sentences_near(target, start, end, CONTEXT_CHARS)
    # A sentence longer than CONTEXT_MAX keeps its part nearest the hit.
    candidates = [*(target[max(a, b - CONTEXT_MAX):b].strip() for a, b in before),
                  *(target[a:min(b, a + CONTEXT_MAX)].strip() for a, b in after),
                  *(neighbours[a:min(b, a + CONTEXT_MAX)].strip() for a, b in sentence_spans(neighbours))]
    picked, total = [], 0
    for sentence in candidates:
        if not sentence:
            continue
        if picked and total + len(sentence) > CONTEXT_MAX:
            break
        picked.append(sentence)
        total += len(sentence) + 1
    return tuple(picked)


def _with_fixes(target: str, left: int, right: int, fix: tuple[int, int, str], others) -> tuple[str, int]:
    """target[left:right] with `fix` and those of the `others` (which do not overlap it)
    that lie wholly inside applied (fixer.apply_edits: of overlapping others the first is
    kept); and where the replacement of `fix` starts in the result."""
    own = Edit(fix[0] - left, fix[1] - left, fix[2])
    inside = [Edit(s - left, e - left, r) for s, e, r in others if left <= s and e <= right]
    outcome = apply_edits(target[left:right], [own, *inside])
    shift = sum(len(edit.replacement) - (edit.end - edit.start) for edit in outcome.applied if edit.end <= own.start and edit != own)
    return outcome.text, own.start + shift


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
