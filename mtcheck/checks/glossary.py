"""GL: glossary rules — known literal mistranslations and mis-cased names."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..context import Document, glossary_evidence, make_finding
from ..glossary.matcher import APPROVED, WRONG, Hit
from ..models import Applicability, Edit, Finding, Fix, GlossaryEntry, Segment, Severity
from ..registry import Rule, document_check, register_rule
from ..senses import SenseCandidate, SenseDecision, candidate_sentence
from ..textutil import mostly_upper, sentence_at, transfer_case

register_rule(Rule(
    "GL001", "glossary-mistranslation", "mistranslation", Severity.ERROR,
    "A literal mistranslation listed in the glossary (\"millet\" for Xiaomi).",
    "The target contains a rendering the glossary lists as wrong for a name or term: MT translated "
    "the characters word by word (小米 → \"millet\", 十九大 → \"the nineteen major\", 线上线下 → "
    "\"line and line\"). When the wrong rendering is also ordinary English (millet the cereal), the "
    "sense gate decides from the sentence and document whether this occurrence is the mistranslation; "
    "without embeddings such hits are reported as low-confidence warnings.",
    fixable=True,
))
register_rule(Rule(
    "GL002", "term-casing", "casing", Severity.WARNING,
    "A known name written in the wrong case (\"HUAWEI\", \"people's Daily\").",
    "The glossary marks the entry case-sensitive and the target writes one of its approved renderings "
    "in another case. Text that is mostly upper case (headlines) is skipped.",
    fixable=True,
))

RELATED_DOMAINS = {"company", "brand", "product", "media"}
CONFIDENT = 0.9


def _applicability(entry: GlossaryEntry) -> Applicability | None:
    if entry.autofix == "no":
        return None
    return Applicability.SAFE if entry.autofix == "safe" else Applicability.UNSAFE


def _fix(segment: Segment, hit: Hit, replacement: str, applicability: Applicability | None, title: str) -> Fix | None:
    if applicability is None or replacement == segment.target[hit.start:hit.end]:
        return None
    return Fix((Edit(hit.start, hit.end, replacement),), applicability, title)


def _source_label(entry: GlossaryEntry) -> str:
    return f" for {entry.source[0]}" if entry.source else ""


def _mistranslation_message(entry: GlossaryEntry, text: str, replacement: str) -> str:
    return f'literal mistranslation "{text}"{_source_label(entry)}: use "{replacement}"'


def _glossary_evidence(entry: GlossaryEntry) -> tuple[str, ...]:
    """Where the entry comes from, and its note (shown in reports, kept out of the message)."""
    return glossary_evidence(entry, with_note=True)


def _related_names(doc: Document, segment: Segment, hit: Hit, index: "RelatedIndex") -> int:
    """How many other hits of company-like names start in the hit's sentence."""
    start, end = sentence_at(segment.target, hit.start)
    count = index.related[bisect_left(index.starts, end)] - index.related[bisect_left(index.starts, start)]
    return count - (doc.entry(hit).domain in RELATED_DOMAINS)  # the hit itself starts in its sentence


@dataclass(frozen=True)
class RelatedIndex:
    """A segment's hit starts (in order) and the running count of company-like hits before
    each: the hits of any span are counted with two binary searches, not a scan of all."""

    starts: list[int]
    related: list[int]

    @classmethod
    def of(cls, doc: Document, hits: Sequence[Hit]) -> "RelatedIndex":
        related = [0]
        for hit in hits:
            related.append(related[-1] + (doc.entry(hit).domain in RELATED_DOMAINS))
        return cls([hit.start for hit in hits], related)


def _names_in_document(doc: Document) -> int:
    """Distinct company, brand, product or media entries whose approved rendering the document uses."""
    return sum(1 for index, count in doc.approved_counts.items() if count and doc.run.matcher.entries[index].domain in RELATED_DOMAINS)


def _candidate(doc: Document, index: int, hit: Hit, related: RelatedIndex, names_in_document: int) -> SenseCandidate:
    segment = doc.segments[index]
    entry = doc.entry(hit)
    start, end = candidate_sentence(segment.target, hit.start, hit.end)
    neighbours = [doc.segments[i].target for i in (index - 1, index + 1) if 0 <= i < len(doc.segments)]
    return SenseCandidate(
        segment=segment,
        start=hit.start,
        end=hit.end,
        entry=entry,
        sentence=segment.target[start:end],
        context=" ".join(text[:400] for text in neighbours),
        replacement=transfer_case(segment.target[hit.start:hit.end], entry.preferred),
        approved_elsewhere=doc.approved_counts.get(hit.entry, 0),
        related_names=_related_names(doc, segment, hit, related),
        names_in_document=names_in_document,
        errors_in_document=doc.unambiguous_errors,
    )


@document_check("GL001", "GL002")
def check_glossary(doc: Document) -> Iterable[Finding]:
    run = doc.run
    pending: list[tuple[SenseCandidate, Hit]] = []
    # (entry, matched text) -> the words of its finding: a document repeats the same
    # mistranslations, and they are worded once.
    wording: dict[tuple[int, str], tuple] = {}
    names_in_document: int | None = None  # counted once, when the document has a candidate
    entries, wants_gl001, wants_gl002 = run.matcher.entries, run.wants("GL001"), run.wants("GL002")
    for index, segment in enumerate(doc.segments):
        hits = doc.hits[segment.id]
        related = None
        for hit in hits:
            entry = entries[hit.entry]
            text = segment.target[hit.start:hit.end]
            if hit.kind == WRONG and wants_gl001:
                if entry.literal_sense:  # ambiguous: the sense gate decides
                    related = related or RelatedIndex.of(doc, hits)
                    if names_in_document is None:
                        names_in_document = _names_in_document(doc)
                    pending.append((_candidate(doc, index, hit, related, names_in_document), hit))
                    continue
                key = (hit.entry, text)
                words = wording.get(key)
                if words is None:
                    words = wording[key] = _wording(entry, text)
                replacement, message, suggestions, evidence, title = words
                yield make_finding(
                    "GL001", segment, hit.start, hit.end, message, suggestions=suggestions,
                    fix=_fix(segment, hit, replacement, _applicability(entry), title),
                    severity=entry.severity, evidence=evidence, options=run.options,
                )
            elif hit.kind == APPROVED and entry.case_sensitive and wants_gl002:
                if text in entry.approved or mostly_upper(segment.target):
                    continue
                replacement = _best_casing(entry, text)
                yield make_finding(
                    "GL002", segment, hit.start, hit.end, f'"{text}" is written "{replacement}"',
                    suggestions=(replacement,),
                    fix=_fix(segment, hit, replacement, Applicability.SAFE, f'Write "{replacement}"'),
                    evidence=glossary_evidence(entry), options=run.options,
                )
    if pending:
        decisions = run.gate.judge([candidate for candidate, _ in pending])
        for (candidate, hit), decision in zip(pending, decisions):
            finding = _gated_finding(doc, candidate, hit, decision)
            if finding is not None:
                yield finding


def _wording(entry: GlossaryEntry, text: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...], str]:
    """The replacement, message, suggestions, evidence and fix title of a GL001 finding on `text`."""
    replacement = transfer_case(text, entry.preferred)
    return (replacement, _mistranslation_message(entry, text, replacement), _suggestions(entry, text),
            _glossary_evidence(entry), f'Replace with "{replacement}"')


def _gated_finding(doc: Document, candidate: SenseCandidate, hit: Hit, decision: SenseDecision) -> Finding | None:
    run = doc.run
    entry = candidate.entry
    threshold = decision.threshold if decision.threshold is not None else getattr(run.gate, "threshold", None)
    if threshold is None:
        # No model: report every ambiguous hit, as a warning with the gate's low confidence.
        severity, applicability = Severity.WARNING, Applicability.UNSAFE
    elif decision.probability < threshold:
        return None
    else:
        severity = entry.severity
        applicability = _applicability(entry)
        if applicability is Applicability.SAFE and decision.probability < CONFIDENT:
            applicability = Applicability.UNSAFE
    text = candidate.segment.target[hit.start:hit.end]
    return make_finding(
        "GL001", candidate.segment, hit.start, hit.end,
        _mistranslation_message(entry, text, candidate.replacement),
        suggestions=_suggestions(entry, text),
        fix=_fix(candidate.segment, hit, candidate.replacement, applicability, f'Replace with "{candidate.replacement}"'),
        confidence=decision.probability, severity=severity,
        evidence=(*_glossary_evidence(entry), f"sense gate ({run.gate.name})", *decision.evidence),
        options=run.options,
    )


def _suggestions(entry: GlossaryEntry, text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(transfer_case(text, rendering) for rendering in entry.approved))


def _best_casing(entry: GlossaryEntry, text: str) -> str:
    folded = text.casefold().replace("-", " ")
    for rendering in entry.approved:
        if rendering.casefold().replace("-", " ") == folded:
            return rendering
    return entry.preferred
