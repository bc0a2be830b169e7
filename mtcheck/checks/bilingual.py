"""BI: source-aware rules. Every rule needs the Chinese source and is a no-op on segments
without one (plain text without --source, tables without a source column).

Rules that look for something *missing* from the target (key terms, numbers, length,
similarity) also skip segments whose target line is only part of an aligned group
(`--align` joined one source line to several target lines: meta "align" ends "-N", N>1).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..context import Document, glossary_evidence, make_finding
from ..glossary.matcher import APPROVED, VARIANT, WRONG
from ..models import Applicability, Edit, Finding, Fix, GlossaryEntry, Segment, Severity
from ..registry import Rule, document_check, register_rule, segment_check
from ..senses import SenseCandidate, candidate_sentence
from ..textutil import starts_sentence, transfer_case

register_rule(Rule(
    "BI001", "key-term-missing", "terminology", Severity.WARNING,
    "A glossary source term is in the source but none of its approved renderings is in the target.",
    "Xbench's key term mismatch: the source holds a glossary term (十九大) and the target has neither "
    "an approved rendering nor a variant of it. When the target holds a known wrong rendering instead, "
    "GL001 reports that span and BI001 stays silent (one finding per problem); with GL001 disabled BI001 "
    "reports it there. Otherwise the finding covers the whole segment (the term may be paraphrased or "
    "omitted).",
    fixable=True, needs_source=True,
))
register_rule(Rule(
    "BI002", "cedict-calque", "mistranslation", Severity.ERROR,
    "A company or brand name in the source translated by its common meaning (小米 -> \"millet\").",
    "The source word has a company/brand sense and a common sense in CC-CEDICT (小米: Xiaomi / millet), "
    "the target holds the common gloss and not the name, and something marks the word as a name "
    "(the gloss capitalised mid-sentence, 集团/公司/手机 next to it in the source, \"company\" or \"phone\" "
    "after it in the target, or the name elsewhere in the document). The sense gate judges each hit; "
    "without embeddings hits are low-confidence warnings. Words covered by a glossary source term are "
    "left to GL001/BI001. Mis-casing of a name (\"HUAWEI\") is not a calque.",
    fixable=True, needs_source=True,
))
register_rule(Rule(
    "BI003", "number-mismatch", "accuracy", Severity.ERROR,
    "A number in the target contradicts the source (2.9万 as \"290,000\"), or a source number is missing.",
    "Numbers are read on both sides as values (1.6万 = 16,000, 十九大 = 19th, 百分之五 = 5%, \"1.6 million\", "
    "\"nineteenth\", month names) and compared. A target number off by a power of ten, with one digit "
    "changed or two swapped, is an error at that number; a source number with no match at all is a "
    "warning on the segment. Approximate counts (三十多, 十几) and \"a dozen\" are never reported.",
    fixable=True, needs_source=True,
))
register_rule(Rule(
    "BI004", "untranslated-han", "accuracy", Severity.ERROR,
    "Chinese characters left untranslated in the English target.",
    "Han characters in the target are usually text MT did not translate. Characters in parentheses right "
    "after a romanised name (\"Xiaomi (小米)\") are an accepted gloss and are skipped. Suggestions come "
    "from CC-CEDICT (name, then common gloss) or pypinyin.",
    needs_source=True,
))
register_rule(Rule(
    "BI005", "target-equals-source", "accuracy", Severity.ERROR,
    "The target is a copy of the source (nothing was translated).",
    "The target, ignoring case and surrounding space, equals a source that contains Chinese text.",
    needs_source=True,
))
register_rule(Rule(
    "BI006", "empty-target", "accuracy", Severity.ERROR,
    "The target is empty although the source is not.",
    "A table row or API segment with a source and an empty target: the translation is missing.",
    needs_source=True,
))
register_rule(Rule(
    "BI007", "length-ratio-outlier", "accuracy", Severity.WARNING,
    "The target is far shorter or longer than its source, compared with the rest of the document.",
    "The ratio of target to source characters is compared with the document's distribution (robust "
    "z-score of the log ratio beyond 3.5, documents of 8 or more segments): a much shorter target "
    "suggests an omission, a much longer one an addition or a hallucination.",
    needs_source=True,
))
register_rule(Rule(
    "BI008", "low-cross-lingual-similarity", "accuracy", Severity.WARNING,
    "Source and target mean different things (multilingual embeddings), far below the document's norm.",
    "Only with --cross-lingual-model: source and target are embedded with the named multilingual "
    "sentence-transformers model; a segment whose cosine similarity lies more than 3 robust standard "
    "deviations and 0.1 below the document's median is flagged as a possible omission or mistranslation.",
    needs_source=True,
))

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_GLOSSED_HAN = re.compile(r"[A-Za-z][\w'.-]*\s*[(（]\s*$")
# Source words next to a name that mark it as a company or brand.
_SOURCE_CUES = frozenset(
    "集团 公司 科技 手机 品牌 汽车 股份 控股 旗下 董事长 创始人 总裁 首席执行官 CEO 发布 推出 旗舰 门店 电视 "
    "有限公司 股价 市值 上市 车型 官方 平台".split()
)
_TARGET_CUES = re.compile(
    r"^(?:'s\b|\s+(?:company|group|technology|technologies|tech|phones?|smartphones?|mobile|brand|inc|corp|"
    r"corporation|co|ltd|stores?|chairman|ceo|founder|shares?|stock|tv|cars?|motors?|products?|devices?)\b)",
    re.IGNORECASE,
)
BI002_UNGATED_CAP = 0.6  # without embeddings calque hits are low-confidence warnings
BI002_GATED_SAFE = 0.9
LENGTH_Z = 3.5
LENGTH_MIN_SEGMENTS = 8
LENGTH_MIN_SOURCE = 20  # shorter sources vary too much in length to judge
LENGTH_MIN_SPREAD = 0.15  # log-ratio units: a uniform document flags nothing


# ---------------------------------------------------------------- shared helpers

def has_source(segment: Segment) -> bool:
    return bool(segment.source and segment.source.strip())


def complete_pair(segment: Segment) -> bool:
    """The target line carries the whole translation of its source (not a part of an
    aligned group split over several target lines)."""
    align = segment.meta.get("align", "")
    return not align or align.rsplit("-", 1)[-1] == "1"


def _whole(segment: Segment) -> tuple[int, int]:
    return 0, len(segment.target)


_SOURCE_TERMS: list[tuple[tuple[GlossaryEntry, ...], tuple]] = []  # (entries, terms), newest first
_EXTRA_WORDS: list[tuple[tuple[GlossaryEntry, ...], tuple]] = []  # (entries, words), newest first


def _by_identity(cache: list[tuple[object, tuple]], entries: tuple[GlossaryEntry, ...], build) -> tuple:
    """build(entries), cached by the identity of `entries`: an lru_cache would hash every
    entry of the glossary on each call (17 ms for 100k entries, calls per document or
    per segment)."""
    for known, value in cache:
        if known is entries:
            return value
    value = build(entries)
    cache.insert(0, (entries, value))
    del cache[8:]
    return value


def _source_terms(entries: tuple[GlossaryEntry, ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return _by_identity(_SOURCE_TERMS, entries, _collect_source_terms)


def _collect_source_terms(entries: tuple[GlossaryEntry, ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(source term, entry indices) for every glossary entry with source terms."""
    terms: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        for term in entry.source:
            terms.setdefault(term, []).append(index)
    return tuple((term, tuple(indices)) for term, indices in sorted(terms.items(), key=lambda item: -len(item[0])))


def _extra_words(doc: Document) -> tuple[str, ...]:
    """The words the segmenter keeps whole: the glossary's source terms and the calque-prone
    names (the same tuple for the same glossary, so the segmenter finds its tokenizer by
    identity for every segment)."""
    return _by_identity(_EXTRA_WORDS, doc.run.matcher.entries, _collect_extra_words)


def _collect_extra_words(entries: tuple[GlossaryEntry, ...]) -> tuple[str, ...]:
    return tuple(term for term, _ in _source_terms(entries)) + _calque_words()


@lru_cache(maxsize=1)
def _calque_words() -> tuple[str, ...]:
    from ..bilingual.calque_index import load_calque_index

    return load_calque_index().calque_prone()


def _tokens(doc: Document, text: str):
    from ..bilingual.segmenter import segment

    return segment(text, _extra_words(doc))


def _boundaries(tokens) -> set[int]:
    edges = {0}
    for token in tokens:
        edges.update((token.start, token.end))
    return edges


# ---------------------------------------------------------------- BI001 key terms

def _applicability(entry: GlossaryEntry) -> Applicability | None:
    if entry.autofix == "no":
        return None
    return Applicability.SAFE if entry.autofix == "safe" else Applicability.UNSAFE


@document_check("BI001")
def check_key_terms(doc: Document) -> Iterable[Finding]:
    run = doc.run
    terms = _source_terms(run.matcher.entries)
    if not terms:
        return
    for segment in doc.segments:
        if not has_source(segment) or not complete_pair(segment) or not segment.target.strip():
            continue
        wanted: dict[int, str] = {}
        edges = None
        for term, indices in terms:
            position = segment.source.find(term)
            if position < 0:
                continue
            edges = edges if edges is not None else _boundaries(_tokens(doc, segment.source))
            while position >= 0 and not (position in edges and position + len(term) in edges):
                position = segment.source.find(term, position + 1)
            if position >= 0:
                for index in indices:
                    wanted.setdefault(index, term)
        if not wanted:
            continue
        hits = doc.hits[segment.id]
        # Entries that share a source term (小米手机: "Xiaomi phone" and "Xiaomi phones")
        # are one key term: any of their renderings satisfies it.
        group: dict[str, set[int]] = {}
        for index, term in wanted.items():
            group.setdefault(term, set()).add(index)
        for index, term in wanted.items():
            entry = run.matcher.entries[index]
            siblings = group[term]
            if any(h.entry in siblings and h.kind in (APPROVED, VARIANT) for h in hits):
                continue
            if run.wants("GL001") and any(h.entry in siblings and h.kind == WRONG for h in hits):
                continue  # GL001 reports the wrong rendering on its span
            if index != min(siblings):
                continue  # one finding per missing term
            wrong = [h for h in hits if h.entry == index and h.kind == WRONG]
            yield from _key_term_findings(doc, segment, entry, term, wrong)


def _key_term_findings(doc: Document, segment: Segment, entry: GlossaryEntry, term: str, wrong) -> Iterable[Finding]:
    options = doc.run.options
    evidence = (f"source term {term}", *glossary_evidence(entry))
    if not wrong:
        start, end = _whole(segment)
        renderings = " / ".join(f'"{r}"' for r in entry.approved)
        yield make_finding(
            "BI001", segment, start, end, f"source term {term} is not rendered as {renderings}",
            suggestions=entry.approved, confidence=0.7, evidence=evidence, options=options,
        )
        return
    for hit in wrong:
        text = segment.target[hit.start:hit.end]
        replacement = transfer_case(text, entry.preferred)
        applicability = _applicability(entry)
        fix = Fix((Edit(hit.start, hit.end, replacement),), applicability, f'Replace with "{replacement}"') if applicability else None
        yield make_finding(
            "BI001", segment, hit.start, hit.end, f'source term {term} is rendered "{text}": use "{replacement}"',
            suggestions=tuple(dict.fromkeys(transfer_case(text, r) for r in entry.approved)),
            fix=fix, severity=entry.severity, evidence=evidence, options=options,
        )


# ---------------------------------------------------------------- BI002 calques

def _literal_pattern(literals: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(l).replace(r"\ ", r"[\s-]+") for l in sorted(literals, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})(?:e?s)?\b", re.IGNORECASE)


def _count(pattern: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(pattern)}(?!\w)", text, re.IGNORECASE))


def _calque_signals(segment: Segment, tokens, index: int, start: int, end: int, name_in_doc: int) -> list[str]:
    target = segment.target
    signals = []
    if target[start].isupper() and not starts_sentence(target, start):
        signals.append(f'"{target[start:end]}" is capitalised mid-sentence')
    neighbours = {tokens[i].word for i in (index - 1, index + 1) if 0 <= i < len(tokens)}
    cues = sorted(neighbours & _SOURCE_CUES)
    if cues:
        signals.append(f"source context {''.join(cues)}")
    after = _TARGET_CUES.match(target[end:])
    if after:
        signals.append(f'followed by "{after.group().strip()}"')
    if name_in_doc:
        signals.append(f"the name appears {name_in_doc}x in the document")
    return signals


@document_check("BI002")
def check_calques(doc: Document) -> Iterable[Finding]:
    run = doc.run
    segments = [s for s in doc.segments if has_source(s) and s.target.strip()]
    if not segments:
        return
    from ..bilingual.calque_index import load_calque_index  # only with a source: a start-up cost

    calques = load_calque_index()
    calque_words = set(_calque_words())
    glossary_terms = {term for term, _ in _source_terms(run.matcher.entries)}
    all_targets = "\n".join(s.target for s in doc.segments)
    pending: list[tuple[SenseCandidate, list[str], str]] = []
    for position, segment in enumerate(doc.segments):
        if not has_source(segment) or not segment.target.strip():
            continue
        tokens = _tokens(doc, segment.source)
        occupied = [(h.start, h.end) for h in doc.hits[segment.id]]
        seen: set[str] = set()
        for index, token in enumerate(tokens):
            word = token.word
            if word not in calque_words or word in glossary_terms or word in seen:
                continue
            seen.add(word)
            sense = calques.get(word)
            occurrences = sum(t.word == word for t in tokens)
            if _count(sense.name, segment.target) >= occurrences:
                continue
            name_in_doc = _count(sense.name, all_targets)
            for match in _literal_pattern(sense.literals).finditer(segment.target):
                start, end = match.span()
                if any(start < e and s < end for s, e in occupied):
                    continue  # a glossary entry covers this span
                signals = _calque_signals(segment, tokens, index, start, end, name_in_doc)
                if not signals:
                    continue
                entry = GlossaryEntry(
                    approved=(sense.name,), wrong=(match.group().lower(),), source=(word,),
                    intended_sense=(sense.gloss,), literal_sense=sense.literals,
                    domain="company", autofix="unsafe", origin=f"CC-CEDICT {word}",
                )
                pending.append((_calque_candidate(doc, position, start, end, entry, name_in_doc), signals, word))
    if not pending:
        return
    decisions = run.gate.judge([candidate for candidate, _, _ in pending])
    threshold = getattr(run.gate, "threshold", None)
    for (candidate, signals, word), decision in zip(pending, decisions):
        if threshold is None:
            confidence = min(BI002_UNGATED_CAP, max(decision.probability, 0.3 + 0.1 * len(signals)))
            severity, applicability = Severity.WARNING, Applicability.UNSAFE
        elif decision.probability < threshold:
            continue
        else:
            confidence, severity = decision.probability, None
            applicability = Applicability.SAFE if decision.probability >= BI002_GATED_SAFE else Applicability.UNSAFE
        yield _calque_finding(doc, candidate, word, signals, decision, confidence, severity, applicability)


def _calque_candidate(doc: Document, position: int, start: int, end: int, entry: GlossaryEntry, name_in_doc: int) -> SenseCandidate:
    segment = doc.segments[position]
    sentence_start, sentence_end = candidate_sentence(segment.target, start, end)
    neighbours = [doc.segments[i].target for i in (position - 1, position + 1) if 0 <= i < len(doc.segments)]
    return SenseCandidate(
        segment=segment, start=start, end=end, entry=entry,
        sentence=segment.target[sentence_start:sentence_end],
        context=" ".join(text[:400] for text in neighbours),
        replacement=transfer_case(segment.target[start:end], entry.preferred),
        approved_elsewhere=name_in_doc, related_names=0,
    )


def _calque_finding(doc, candidate, word, signals, decision, confidence, severity, applicability) -> Finding:
    segment, entry = candidate.segment, candidate.entry
    text = segment.target[candidate.start:candidate.end]
    replacement = candidate.replacement
    return make_finding(
        "BI002", segment, candidate.start, candidate.end,
        f'literal translation "{text}" of {word} ({entry.intended_sense[0]}): use "{replacement}"',
        suggestions=(replacement,),
        fix=Fix((Edit(candidate.start, candidate.end, replacement),), applicability, f'Replace with "{replacement}"'),
        confidence=confidence, severity=severity,
        evidence=(entry.origin, f"sense gate ({doc.run.gate.name})", *signals, *decision.evidence),
        options=doc.run.options,
    )


# ---------------------------------------------------------------- BI003 numbers

def _inside_source_term(doc: Document, source: str, start: int, end: int) -> bool:
    if not doc.run.wants("BI001"):
        return False
    for term, _ in _source_terms(doc.run.matcher.entries):
        position = source.find(term, max(0, end - len(term)))
        while 0 <= position <= start:
            if position + len(term) >= end:
                return True
            position = source.find(term, position + 1)
    return False

def _format_value(mention) -> str:
    from .numbers import format_number

    return format_number(mention.value) + ("%" if mention.kind == "percent" else "")


@segment_check("BI003")
def check_numbers(segment: Segment, doc: Document) -> Iterable[Finding]:
    if not has_source(segment) or not segment.target.strip():
        return
    from ..bilingual.number_match import MISSING, compare_numbers  # only with a source: a start-up cost

    options = doc.run.options
    missing = []
    for mismatch in compare_numbers(segment.source, segment.target):
        source = mismatch.source
        expected = _format_value(source)
        explained = "" if source.text.replace(",", "") == expected.replace(",", "").rstrip("%") else f" = {expected}"
        if mismatch.reason == MISSING:
            # BI001 reports a missing key term (十九大) as a whole.
            if complete_pair(segment) and not _inside_source_term(doc, segment.source, source.start, source.end):
                missing.append(f"{source.text}{explained}")
            continue
        target = mismatch.target
        fix = Fix((Edit(target.start, target.end, expected),), Applicability.UNSAFE, f'Write "{expected}"')
        yield make_finding(
            "BI003", segment, target.start, target.end,
            f'"{target.text}" contradicts the source {source.text}{explained} ({mismatch.reason})',
            suggestions=(expected,), fix=fix, confidence=0.9 if mismatch.reason == "magnitude" else 0.8,
            evidence=(f"source number {source.text}", f"{mismatch.reason} mismatch"), options=options,
        )
    if missing:
        start, end = _whole(segment)
        listed = ", ".join(dict.fromkeys(missing))
        yield make_finding(
            "BI003", segment, start, end, f"source number(s) {listed} missing from the translation",
            severity=Severity.WARNING, confidence=0.6, evidence=tuple(f"source number {m}" for m in missing), options=options,
        )


# ---------------------------------------------------------------- BI004-BI006 untranslated, copied, empty

def han_suggestions(text: str) -> tuple[str, ...]:
    """English for a run of Chinese characters: CC-CEDICT's name, its common gloss, else
    the capitalised pinyin (a name with no English form)."""
    from ..bilingual.cedict import load_cedict

    cedict = load_cedict()
    found = [sense.name for sense in cedict.names(text)[:1]] + list(cedict.literals(text)[:1])
    if not found:
        from pypinyin import lazy_pinyin

        found = ["".join(lazy_pinyin(text)).capitalize()]
    return tuple(dict.fromkeys(found))


@segment_check("BI004", "BI005", "BI006")
def check_untranslated(segment: Segment, doc: Document) -> Iterable[Finding]:
    if not has_source(segment):
        return
    run = doc.run
    target = segment.target
    if not target.strip():
        if run.wants("BI006"):
            yield make_finding("BI006", segment, 0, len(target), "the translation is empty", options=run.options)
        return
    copied = target.strip().casefold() == segment.source.strip().casefold() and _HAN.search(target)
    if copied and run.wants("BI005"):
        yield make_finding("BI005", segment, 0, len(target), "the target is a copy of the source: nothing was translated", options=run.options)
        return  # a copied segment is one problem, not one per run of Han characters
    if run.wants("BI004"):
        for match in _HAN.finditer(target):
            closing = target[match.end():match.end() + 1] in (")", "）")
            if closing and _GLOSSED_HAN.search(target[:match.start()]):
                continue
            yield make_finding(
                "BI004", segment, match.start(), match.end(), f'untranslated Chinese "{match.group()}" in the translation',
                suggestions=han_suggestions(match.group()), options=run.options,
            )


# ---------------------------------------------------------------- BI007 length ratio, BI008 similarity

def _han_free_length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


@document_check("BI007")
def check_length_ratio(doc: Document) -> Iterable[Finding]:
    pairs = [s for s in doc.segments if has_source(s) and complete_pair(s) and s.target.strip() and _han_free_length(s.source) >= LENGTH_MIN_SOURCE]
    if len(pairs) < LENGTH_MIN_SEGMENTS:
        return
    import math

    from ..bilingual.robust import robust_z_scores  # only with sources: a start-up cost

    ratios = [math.log(_han_free_length(s.target) / _han_free_length(s.source)) for s in pairs]
    median = sorted(ratios)[len(ratios) // 2]
    for segment, ratio, z in zip(pairs, ratios, robust_z_scores(ratios, LENGTH_MIN_SPREAD)):
        if abs(z) <= LENGTH_Z:
            continue
        what = "short" if z < 0 else "long"
        hint = "an omission" if z < 0 else "an addition"
        yield make_finding(
            "BI007", segment, 0, len(segment.target),
            f"the target is unusually {what} for its source ({math.exp(ratio):.2f} target characters per source "
            f"character, document median {math.exp(median):.2f}): possibly {hint}",
            confidence=0.6, evidence=(f"robust z {z:.1f}",), options=doc.run.options,
        )


@document_check("BI008")
def check_cross_lingual(doc: Document) -> Iterable[Finding]:
    pairs = [s for s in doc.segments if has_source(s) and complete_pair(s) and s.target.strip()]
    if not pairs:
        return
    from ..bilingual.similarity import cosine_similarities, encoder_for, low_similarity  # only with sources

    encoder = encoder_for(doc.run.options)
    if encoder is None:
        return
    similarities = cosine_similarities(encoder, [s.source for s in pairs], [s.target for s in pairs])
    for outlier in low_similarity(similarities):
        segment = pairs[outlier.index]
        yield make_finding(
            "BI008", segment, 0, len(segment.target),
            f"source and target are far less similar than the rest of the document (cosine {outlier.similarity:.2f}, "
            f"median {outlier.median:.2f}): possible omission or mistranslation",
            confidence=0.6, evidence=(f"cross-lingual model {doc.run.options.cross_lingual_model or 'injected'}", f"robust z {outlier.z:.1f}"),
            options=doc.run.options,
        )
