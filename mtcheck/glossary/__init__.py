"""Glossaries: file formats, validation and the multi-term matcher."""

from .loader import (  # noqa: F401
    Glossary,
    GlossaryProblem,
    default_glossary_paths,
    lint_glossary,
    load_glossaries,
    load_glossary,
    load_glossary_any,
    read_glossary_rows,
)
