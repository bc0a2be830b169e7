"""The check pipeline: segments -> documents -> checks -> gate -> filtered findings -> RunResult."""

from __future__ import annotations

import time
from itertools import groupby
from typing import Sequence

from . import __version__
from .context import Document, RunContext
from .gcpause import gc_paused
from .glossary.loader import Glossary, load_glossaries
from .models import Finding, RunResult, Segment
from .options import CheckOptions
from .progress import stage
from .registry import CHECKS, RULES, load_builtin_checks, select_rules
from .scoring import segment_scores
from .suppressions import suppress_inline


def build_context(options: CheckOptions, glossary: Glossary | None = None) -> RunContext:
    load_builtin_checks()
    if glossary is None:
        with stage("glossary"):
            glossary = load_glossaries(options.glossaries, include_default=options.use_default_glossary)
    enabled = select_rules(options.select, options.ignore)
    timings: dict[str, float] = {}
    return RunContext(glossary=glossary, options=options, enabled=enabled, gate_factory=_gate_factory(options, glossary, timings), timings=timings)


def _gate_factory(options: CheckOptions, glossary: Glossary, timings: dict[str, float]):
    if not options.embed:
        return None

    def make():
        from .embeddings.gate import EmbeddingSenseGate

        return EmbeddingSenseGate.from_options(options, glossary=glossary, timings=timings)

    try:
        import importlib.util

        if importlib.util.find_spec("mtcheck.embeddings.gate") is None:
            return None
    except ModuleNotFoundError:
        return None
    return make


@gc_paused()
def run_checks(segments: Sequence[Segment], options: CheckOptions | None = None, context: RunContext | None = None) -> RunResult:
    """Check `segments` (from one or more files) and return every finding that passes the filters."""
    options = options or (context.options if context else CheckOptions())
    started = time.perf_counter()
    context = context or build_context(options)
    context.timings["setup"] = context.timings.get("setup", 0.0) + time.perf_counter() - started
    findings = reported_findings(segments, context)
    return assemble_result(segments, findings, signature(context), context.timings)


@gc_paused()
def reported_findings(segments: Sequence[Segment], context: RunContext) -> list[Finding]:
    """Every finding in `segments` that passes the filters, sorted: run_checks without
    the scores (what a Dask worker computes for one document, mtcheck.scaleout)."""
    options = context.options
    findings: list[Finding] = []
    check_started = time.perf_counter()
    with stage("checks", total=len(segments)) as bar:
        for _, group in groupby(segments, key=lambda segment: segment.file):
            document = list(group)
            findings.extend(check_document(document, context))
            bar.advance(len(document))
    context.timings["check"] = context.timings.get("check", 0.0) + time.perf_counter() - check_started
    # Filter first: a suppression is used only by a finding that would have been reported.
    findings = [f for f in findings if f.confidence >= options.min_confidence]
    findings = suppress_inline(segments, findings, context, reported=drop_nested)
    return sorted(drop_nested(findings), key=lambda f: f.sort_key)


def assemble_result(segments: Sequence[Segment], findings: Sequence[Finding], run_signature: str, timings: dict[str, float]) -> RunResult:
    """The RunResult of `findings` (filtered and sorted) over `segments`: scores and reference metrics added.

    run_checks ends here, and so does a run whose documents were checked elsewhere
    (mtcheck.scaleout on a Dask cluster)."""
    scores, overall = segment_scores(segments, [f for f in findings if f.category != "suppression"])  # SP001 is not a translation error
    return RunResult(
        segments=tuple(segments),
        findings=tuple(findings),
        signature=run_signature,
        scores=tuple(scores),
        overall_score=overall,
        timings=dict(timings),
        extras=_reference_extras(segments, findings),
    )


def _reference_extras(segments: Sequence[Segment], findings: Sequence[Finding]) -> dict:
    """sacrebleu metrics before/after fixes when any segment has a reference (mtcheck.metrics)."""
    if not any(segment.reference for segment in segments):
        return {}
    from .metrics import reference_metrics

    return {"metrics": reference_metrics(segments, findings)}


def check_document(segments: Sequence[Segment], context: RunContext) -> list[Finding]:
    """Every enabled check over one document, findings in check order (then segment order).

    With options.jobs > 1 and a large document, the segment-level checks run in forked
    workers (mtcheck.parallel) while this process runs the document-level ones; the
    findings and their order are the same either way.
    """
    document = Document(segments, context)
    checks = [check for check in CHECKS if any(context.wants(code) for code in check.rules)]
    # Findings only come from make_finding, which accepts registered rules only: with every
    # rule enabled (the default) there is nothing to filter, so skip the per-finding test.
    unfiltered = context.enabled.issuperset(RULES)
    segment_checks = [check for check in checks if check.scope != "document"]

    def check_segments(part: Sequence[Segment]) -> list[list[Finding]]:
        found: list[list[Finding]] = []
        for check in segment_checks:
            func = check.func
            if unfiltered:
                found.append([finding for segment in part for finding in func(segment, document)])
            else:
                found.append([finding for segment in part for finding in func(segment, document) if context.wants(finding.rule)])
        return found

    workers = None
    if segment_checks:
        from .parallel import SegmentWorkers, worker_count

        count = worker_count(context.options.jobs, len(segments))
        workers = SegmentWorkers(segments, check_segments, count) if count else None
    found_by: dict[int, list[Finding]] = {}  # check index -> its findings
    for index, check in enumerate(checks):
        if check.scope == "document":
            found = check.func(document)
            found_by[index] = list(found) if unfiltered else [f for f in found if context.wants(f.rule)]
    segment_indexes = [index for index, check in enumerate(checks) if check.scope != "document"]
    found_by.update(zip(segment_indexes, workers.results() if workers else check_segments(segments)))
    return [finding for index in range(len(checks)) for finding in found_by[index]]


def _priority(finding: Finding) -> int:
    """Term-level evidence (glossary, source terms) outranks pattern rules on the same span."""
    return 0 if finding.rule.startswith(("GL", "BI")) else 1


def drop_nested(findings: Sequence[Finding]) -> list[Finding]:
    """Keep one finding per problem: drop a finding whose span lies inside a longer finding's
    span in the same segment ("research and research" inside the glossary's
    "government, production, research and research"), or inside an equal span of a
    higher-priority rule ("line and line": the glossary entry, not the repetition rule)."""
    by_segment: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_segment.setdefault((finding.file, finding.segment), []).append(finding)
    kept: list[Finding] = []
    for group in by_segment.values():
        if len(group) == 1 or _disjoint(group):
            kept.extend(group)
            continue
        group.sort(key=lambda f: (-(f.end - f.start), _priority(f), f.start))
        kept.extend(_outermost(group) if len(group) < INDEXED_NESTING else _outermost_indexed(group))
    return kept


# From this many findings in one segment on, nesting is decided with an index (a long
# line full of hits), below it by comparing each finding with those kept before.
INDEXED_NESTING = 32


def _outermost(group: Sequence[Finding]) -> list[Finding]:
    """The findings of `group` (sorted longest first, then by priority) that no finding
    kept before covers."""
    chosen: list[Finding] = []
    for finding in group:
        if any(_covers(c, finding) for c in chosen):
            continue
        chosen.append(finding)
    return chosen


def _outermost_indexed(group: Sequence[Finding]) -> list[Finding]:
    """_outermost in n log n: a kept finding with a fix covers a shorter one whose span it
    contains (a prefix maximum of the ends of such findings over their starts, in a
    Fenwick tree), and one of equal length only on the same span with a higher priority
    (a dictionary of spans)."""
    starts = sorted({finding.start for finding in group})
    slot = {start: index + 1 for index, start in enumerate(starts)}
    tree = [-1] * (len(starts) + 1)  # tree[i]: the largest end among kept findings starting in its range

    def cover_end(start: int) -> int:
        i, best = slot[start], -1
        while i > 0:
            best = max(best, tree[i])
            i -= i & -i
        return best

    def add(finding: Finding) -> None:
        i = slot[finding.start]
        while i < len(tree):
            tree[i] = max(tree[i], finding.end)
            i += i & -i

    chosen: list[Finding] = []
    same_length: list[Finding] = []  # kept findings with a fix of the current length, not yet in the tree
    best_priority: dict[tuple[int, int], int] = {}  # span -> the highest priority kept there (current length)
    length = None
    for finding in group:
        if finding.end - finding.start != length:
            for kept in same_length:
                add(kept)
            same_length, best_priority, length = [], {}, finding.end - finding.start
        if cover_end(finding.start) >= finding.end:
            continue  # inside a longer finding that replaces its span
        priority = _priority(finding)
        span = (finding.start, finding.end)
        if best_priority.get(span, priority) < priority:
            continue  # the same span, taken by a higher-priority rule
        chosen.append(finding)
        if finding.fix is not None:
            same_length.append(finding)
            best_priority[span] = min(priority, best_priority.get(span, priority))
    return chosen


def _disjoint(group: Sequence[Finding]) -> bool:
    """True when no span of `group` touches another (then none can cover another)."""
    spans = sorted((f.start, f.end) for f in group)
    previous_end = -1
    for start, end in spans:
        if start <= previous_end or start == end:
            return False
        previous_end = end
    return True


def _covers(outer: Finding, inner: Finding) -> bool:
    """Does `outer` make `inner` redundant? Only a finding that replaces its span (it has a
    fix) absorbs what lies inside it; a whole-segment finding without a fix (a missing key
    term, a length outlier) leaves the span findings inside it alone."""
    if outer.fix is None or not (outer.start <= inner.start and inner.end <= outer.end):
        return False
    longer = (outer.end - outer.start) > (inner.end - inner.start)
    return longer or _priority(outer) < _priority(inner)


def signature(context: RunContext) -> str:
    """A sacrebleu-style signature: enough to reproduce the run."""
    options = context.options
    model = "none"
    if options.embed:
        model = options.model or "all-MiniLM-L6-v2(bundled)"
    rules = "all" if not (options.select or options.ignore) else f"select={','.join(options.select) or '*'};ignore={','.join(options.ignore) or '-'}"
    return (
        f"mtcheck:{__version__}|glossary:{len(context.glossary)}:{context.glossary.digest}"
        f"|embed:{model}|backend:{options.backend if options.embed else '-'}"
        f"|min-confidence:{options.min_confidence:g}|rules:{rules}"
    )
