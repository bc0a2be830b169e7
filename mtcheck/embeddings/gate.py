"""EmbeddingSenseGate: decides, with sentence embeddings, whether an ambiguous glossary
hit is the mistranslated name or term ("millet" for Xiaomi) or the ordinary word.

For the candidates of a document it embeds, in batches and each text once, what the
signals of each candidate's combiner are computed from (signals.inputs_for). With the
shipped combiners: the sentence, the sentence with the fix applied and the context (the
mean of its sentences' vectors: texts.context_sentences, _context_vector), and
for the token-level combiner the token vectors of the hit and of the suggested rendering
in their windows (a window's run also gives its text's sentence vector). The glossary's
sense exemplars come from the package's shipped vectors and the on-disk cache.
signals.py turns the vectors into named signals, the calibrated logistic regression
(calibration.py) turns those into a probability, and the signals that moved it most
become the finding's evidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..models import GlossaryEntry
from ..discourse import DocumentModel, load_document_model
from ..senses import SenseCandidate, SenseDecision
from .document import decide_documents
from .calibration import Calibration, Combiner, clip_logit, load_calibration, sigmoid
from .encoder import Encoder, ExemplarCache, get_encoder
from .model import ModelSpec, resolve_model
from .shipped import shipped_vectors
from .signals import (
    ALL_INPUTS, CONTEXT, FIXED, NAME, TERM, USAGE_SIGNAL, CandidateVectors, SenseVectors, describe, inputs_for,
    sentence_signals, token_signals, usage_input,
)
from .texts import CandidateTexts, candidate_texts, exemplar_texts

EVIDENCE_MIN_LOGIT = 0.25  # signals that moved the log-odds less than this are not listed
EVIDENCE_MAX = 4


@dataclass(frozen=True)
class Measurement:
    """One candidate's signal values, and its token vectors relative to the exemplars."""

    values: Mapping[str, float]
    usage_input: object = None


def _add_time(timings: dict[str, float] | None, stage: str, seconds: float) -> None:
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + seconds


class EmbeddingSenseGate:
    def __init__(
        self, encoder: Encoder, spec: ModelSpec, calibration: Calibration | None, *, backend: str = "torch",
        entries: Sequence[GlossaryEntry] = (), timings: dict[str, float] | None = None,
        use_disk_cache: bool = True, tokens: bool | None = None, document_model: DocumentModel | None = None,
    ):
        self.encoder = encoder
        self.spec = spec
        self.calibration = calibration
        # Without a calibration (when fitting one) the gate can measure but not judge.
        token_usable = calibration is not None and calibration.token_usable(spec.fingerprint, encoder.supports_spans)
        self.token_combiner = calibration.token if token_usable else None
        self.backend = backend
        self.name = f"embedding:{spec.name}"
        main = self.token_combiner or (calibration.sentence if calibration else None)
        self.threshold = main.threshold if main else None
        self.timings = timings
        self.use_disk_cache = use_disk_cache
        # Cues and one sense per discourse over the embedding log-odds (mtcheck/discourse.py);
        # fitted for the token combiner, so only used with it.
        self.document_model = document_model if self.token_combiner is not None else None
        self.tokens = encoder.supports_spans and (token_usable if tokens is None else tokens)
        self._entries = tuple(entry for entry in entries if entry.ambiguous)
        self._ready: set[GlossaryEntry] = set()
        self._senses: dict[GlossaryEntry, SenseVectors] = {}

    @classmethod
    def from_options(cls, options, glossary=None, timings: dict[str, float] | None = None) -> "EmbeddingSenseGate":
        """The gate for CheckOptions; resolves and loads the model (once per process)."""
        import os

        from ..parallel import available_cpus
        from .threads import busy_cpus, limit_threads, resolve_threads

        started = time.perf_counter()
        limit_threads(resolve_threads(options.threads, os.environ, available_cpus(), options.jobs, busy_cpus()))
        spec = resolve_model(options.model)
        calibration = load_calibration()
        encoder = get_encoder(options.backend, spec)
        _add_time(timings, "model-load", time.perf_counter() - started)
        entries = glossary.entries if glossary is not None else ()
        return cls(encoder, spec, calibration, backend=options.backend, entries=entries, timings=timings,
                   document_model=load_document_model())

    # -- embedding ---------------------------------------------------------------------

    def _timed(self, method, items):
        before = self.encoder.seconds
        try:
            return method(items)
        finally:
            _add_time(self.timings, "embed", self.encoder.seconds - before)

    def _prepare(self, entries: Sequence[GlossaryEntry]) -> None:
        """Embed the exemplars of `entries` (and, the first time, of the whole glossary),
        taking what it can from the package's shipped vectors and the on-disk cache."""
        if all(entry in self._ready for entry in entries):
            return
        pool = tuple(dict.fromkeys((*self._entries, *self._ready, *entries)))
        texts = [text for entry in pool for text in exemplar_texts(entry).texts]
        spans = [span for entry in pool for span in exemplar_texts(entry).spans] if self.tokens else []
        # The backend's recipe version is part of the key: vectors from an older export or
        # quantisation must not be mixed with the current backend's.
        tag = getattr(self.encoder.backend, "cache_tag", self.backend)
        if self.use_disk_cache and not self.encoder.known(texts, spans):
            # The package's own vectors of the bundled glossary (shipped.py), then the disk cache.
            shipped = shipped_vectors(self.spec.fingerprint, tag)
            self.encoder.remember(shipped.texts, shipped.spans)
        cache = ExemplarCache(self.spec, tag, texts, spans) if self.use_disk_cache and not self.encoder.known(texts, spans) else None
        if cache is not None:
            self.encoder.remember(*cache.load())
        if not self.encoder.known(texts, spans):
            with self.encoder.stage(self.encoder.missing(texts, spans)):
                self._timed(self.encoder.encode, texts)
                if spans:
                    self._timed(self.encoder.encode_spans, spans)
            if cache is not None:
                cache.save(self.encoder)
        self._ready.update(pool)

    def _sense(self, entry: GlossaryEntry) -> SenseVectors:
        if entry not in self._senses:
            ex = exemplar_texts(entry)
            tokens = self.tokens

            def spans(items):
                return self.encoder.encode_spans(items) if tokens and items else None

            self._senses[entry] = SenseVectors(
                intended=self.encoder.encode(ex.intended), literal=self.encoder.encode(ex.literal),
                intended_tokens=spans(ex.intended_spans), literal_tokens=spans(ex.literal_spans), name_tokens=spans(ex.name_spans),
            )
        return self._senses[entry]

    # -- measuring and judging -----------------------------------------------------------

    def measure(self, candidates: Sequence[SenseCandidate]) -> list[Measurement]:
        """Every signal of each candidate (see signals.py)."""
        if not candidates:
            return []
        self._prepare([candidate.entry for candidate in candidates])
        of_segment: dict[int, list[SenseCandidate]] = {}
        for candidate in candidates:
            of_segment.setdefault(id(candidate.segment), []).append(candidate)
        for group in of_segment.values():
            group.sort(key=lambda candidate: candidate.start)  # candidate_texts reads them by start
        texts = [candidate_texts(candidate, of_segment[id(candidate.segment)]) for candidate in candidates]
        needs = [self._inputs(candidate) for candidate in candidates]
        batch = ([t.sentence for t in texts] + [t.fixed for t, n in zip(texts, needs) if FIXED in n]
                 + [sentence for t, n in zip(texts, needs) if CONTEXT in n for sentence in t.context])
        span_batch = [t.term for t, n in zip(texts, needs) if TERM in n] + [t.name for t, n in zip(texts, needs) if NAME in n]
        spans = {}
        with self.encoder.stage(self.encoder.missing(batch, span_batch)):
            # Spans first: a backend that pools sentence vectors from the span runs gives the
            # sentence (and the sentence with the fix) of a one-sentence segment from its
            # window's run (Encoder.pools_texts), so that text runs through the model once.
            if span_batch:
                spans = dict(zip(span_batch, self._timed(self.encoder.encode_spans, span_batch)))
            sentences = dict(zip(batch, self._timed(self.encoder.encode, batch)))
        contexts = {}
        for t, n in zip(texts, needs):  # the hits of one segment share their context
            if t.context and CONTEXT in n and t.context not in contexts:
                contexts[t.context] = _context_vector(t.context, sentences)
        documents = _document_vectors(candidates, texts, sentences, contexts)
        measurements = []
        for candidate, text, need in zip(candidates, texts, needs):
            vectors = CandidateVectors(
                sentence=sentences[text.sentence], fixed=sentences[text.fixed] if FIXED in need else None,
                context=contexts.get(text.context) if CONTEXT in need else None,
                document=documents[candidate.segment.file],
                term=spans.get(text.term) if TERM in need else None, name=spans.get(text.name) if NAME in need else None,
            )
            sense = self._sense(candidate.entry)
            values = sentence_signals(vectors, sense, approved_elsewhere=candidate.approved_elsewhere,
                                      related_names=candidate.related_names, inputs=need)
            usage = None
            if TERM in need:
                values.update(token_signals(vectors, sense))
                usage = usage_input(vectors, sense)
            measurements.append(Measurement(values, usage))
        return measurements

    def _inputs(self, candidate: SenseCandidate) -> frozenset[str]:
        """What the gate embeds for `candidate` besides its sentence: the inputs of the
        signals its combiner uses (signals.inputs_for), or, without a calibration (a fit
        measuring every signal), all of them; token inputs only where the backend has spans."""
        needs = ALL_INPUTS if self.calibration is None else inputs_for(self.combiner_for(candidate.entry).features)
        return needs if self.tokens else needs - {TERM, NAME}

    def combiner_for(self, entry: GlossaryEntry) -> Combiner:
        """The token-level combiner where it is calibrated for the entry's kind, else the sentence-level one."""
        if self.token_combiner is not None and self.token_combiner.covers(entry.domain):
            return self.token_combiner
        return self.calibration.sentence

    def own_logits(self, candidates: Sequence[SenseCandidate]) -> list[tuple[Combiner, dict[str, float], float]]:
        """Per candidate: its combiner, signal values and own log-odds (before the document step)."""
        if self.calibration is None:
            raise RuntimeError("EmbeddingSenseGate.judge needs a calibration")
        combiners = [self.combiner_for(candidate.entry) for candidate in candidates]
        values = [_with_usage(combiner, m) for combiner, m in zip(combiners, self.measure(candidates))]
        return [(combiner, v, combiner.logit(v)) for combiner, v in zip(combiners, values)]

    def judge(self, candidates: Sequence[SenseCandidate]) -> list[SenseDecision]:
        measured = self.own_logits(candidates)
        if self.document_model is not None:
            return decide_documents(candidates, [own for _, _, own in measured], self.document_model,
                                    [self._evidence(c, combiner, v) for c, (combiner, v, _) in zip(candidates, measured)])
        logits = [own for _, _, own in measured]
        decisions = []
        for candidate, (combiner, v, own), (count, others) in zip(candidates, measured, _same_term_elsewhere(candidates, logits)):
            pooled = combiner.pooled_logit(own, others)
            evidence = self._evidence(candidate, combiner, v)
            if others is not None and abs(pooled - own) >= EVIDENCE_MIN_LOGIT:
                share = pooled - own
                evidence += (f"same term {count}x more in the document, mean confidence {sigmoid(others):.2f} "
                             f"({'for' if share > 0 else 'against'}, {share:+.1f} logit)",)
            decisions.append(SenseDecision(sigmoid(pooled), evidence, threshold=combiner.threshold))
        return decisions

    def _evidence(self, candidate: SenseCandidate, combiner: Combiner, values: Mapping[str, float]) -> tuple[str, ...]:
        contributions = combiner.contributions(values)
        ranked = sorted(contributions.items(), key=lambda item: -abs(item[1]))
        evidence = [
            f"{describe(name, values[name], candidate)} ({'for' if share > 0 else 'against'}, {share:+.1f} logit)"
            for name, share in ranked[:EVIDENCE_MAX] if name in values and abs(share) >= EVIDENCE_MIN_LOGIT
        ]
        if combiner is not self.token_combiner and self.token_combiner is not None:
            evidence.append(f"sentence-level signals only (token level calibrated for {', '.join(self.token_combiner.domains)} entries)")
        if self.spec.fingerprint != self.calibration.fingerprint:
            evidence.append(f"calibrated for {self.calibration.model}: confidence approximate with {self.spec.name}")
        return tuple(evidence)


def _with_usage(combiner: Combiner, measurement: Measurement) -> dict[str, float]:
    values = dict(measurement.values)
    score = combiner.usage_score(measurement.usage_input)
    if score is not None:
        values[USAGE_SIGNAL] = score
    return values


def _same_term_elsewhere(candidates: Sequence[SenseCandidate], logits: Sequence[float]) -> list[tuple[int, float | None]]:
    """For each candidate: how many other hits of its entry the document has, and their mean log-odds."""
    groups: dict[tuple[str, GlossaryEntry], list[int]] = {}
    for index, candidate in enumerate(candidates):
        groups.setdefault((candidate.segment.file, candidate.entry), []).append(index)
    result: list[tuple[int, float | None]] = []
    for index, candidate in enumerate(candidates):
        others = [logits[i] for i in groups[(candidate.segment.file, candidate.entry)] if i != index]
        result.append((len(others), sum(clip_logit(v) for v in others) / len(others) if others else None))
    return result


def _context_vector(context: tuple[str, ...], vectors: Mapping[str, object]):
    """A context's vector: the mean of its sentences' vectors, each weighted by its length
    (as mean pooling over the tokens of the joined text would weigh them), L2-normalised."""
    import numpy as np

    weights = np.array([len(sentence) for sentence in context], dtype=np.float32)
    mean = (np.stack([vectors[sentence] for sentence in context]) * weights[:, None]).sum(axis=0) / weights.sum()
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm > 0 else mean).astype(np.float32)


def _document_vectors(candidates: Sequence[SenseCandidate], texts: Sequence[CandidateTexts], vectors: Mapping[str, object],
                      contexts: Mapping[tuple[str, ...], object]) -> dict[str, object]:
    """Per file, the normalised mean of its candidates' sentence vectors and of the context
    vectors that were built (contexts are embedded only for the signals that use them)."""
    import numpy as np

    parts: dict[str, list] = {}
    for candidate, text in zip(candidates, texts):
        rows = parts.setdefault(candidate.segment.file, [])
        rows.append(vectors[text.sentence])
        if text.context in contexts:
            rows.append(contexts[text.context])
    result = {}
    for file, rows in parts.items():
        mean = np.mean(rows, axis=0)
        norm = float(np.linalg.norm(mean))
        result[file] = mean / norm if norm > 0 else mean
    return result
