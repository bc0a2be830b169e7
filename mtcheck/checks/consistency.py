"""CO: one concept rendered several ways in one document ("fusion", "convergence", "integration")."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from ..context import Document, glossary_evidence, make_finding
from ..glossary.matcher import APPROVED, VARIANT
from ..models import Applicability, Edit, Finding, Fix, Severity
from ..registry import Rule, document_check, register_rule
from ..textutil import transfer_case

register_rule(Rule(
    "CO001", "inconsistent-rendering", "consistency", Severity.WARNING,
    "One glossary concept rendered in several ways in one document.",
    "The glossary lists acceptable variants for some terms (融合: \"integration\", variants \"fusion\", "
    "\"convergence\"). Mixing them in one document reads as if they were different things; the rule "
    "flags every variant occurrence when the document also uses another rendering, and suggests the "
    "preferred one. Literal mistranslations beside their approved rendering (\"millet\" beside "
    "\"Xiaomi\") are reported by GL001, with the approved occurrences as evidence.",
    fixable=True,
))


@document_check("CO001")
def check_consistency(doc: Document) -> Iterable[Finding]:
    forms: dict[int, Counter] = {}
    occurrences: list[tuple[int, object, object]] = []
    for segment in doc.segments:
        for hit in doc.hits[segment.id]:
            if hit.kind not in (APPROVED, VARIANT) or not doc.entry(hit).variants:
                continue
            form = hit.pattern.casefold()
            forms.setdefault(hit.entry, Counter())[form] += 1
            if hit.kind == VARIANT:
                occurrences.append((hit.entry, segment, hit))
    for entry_index, segment, hit in occurrences:
        counts = forms[entry_index]
        if len(counts) < 2:
            continue
        entry = doc.entry(hit)
        text = segment.target[hit.start:hit.end]
        replacement = transfer_case(text, entry.preferred)
        others = ", ".join(f'"{form}" x{n}' for form, n in counts.most_common())
        yield make_finding(
            "CO001", segment, hit.start, hit.end,
            f'"{text}" and other renderings of one term are mixed in this document ({others}): use "{replacement}" throughout',
            suggestions=(replacement,),
            fix=Fix((Edit(hit.start, hit.end, replacement),), Applicability.UNSAFE, f'Replace with "{replacement}"'),
            evidence=glossary_evidence(entry), options=doc.run.options,
        )
