"""Options for a check run, independent of how they were given (CLI, config file, API)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Severity


@dataclass(frozen=True)
class CheckOptions:
    glossaries: tuple[str, ...] = ()
    use_default_glossary: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity_overrides: tuple[tuple[str, str], ...] = ()  # (rule code, severity)
    fail_on: Severity = Severity.ERROR
    min_confidence: float = 0.0
    # Embedding layer (sense gate, fix verification).
    embed: bool = True
    model: str | None = None  # None: the bundled all-MiniLM-L6-v2
    backend: str = "torch"
    # Bilingual mode.
    cross_lingual_model: str | None = None
    # Translation files and CI (docs/formats.md, docs/ci.md).
    include_fuzzy: bool = False  # also check fuzzy PO entries / XLIFF fuzzy-match and initial targets
    baseline: str | None = None  # report only findings not in this baseline file
    # Processes for large documents (mtcheck.parallel); 1: this process only, 0: one per CPU.
    jobs: int = 1
    # CPU threads of the embedding runtime; 0: automatic (mtcheck.embeddings.threads).
    threads: int = 0
    extra: tuple[tuple[str, object], ...] = field(default=())

    def severity_for(self, code: str, default: Severity) -> Severity:
        for rule, severity in self.severity_overrides:
            if rule == code:
                return Severity.parse(severity)
        return default
