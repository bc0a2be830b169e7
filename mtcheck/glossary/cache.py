"""Build each glossary's matcher once per process, keyed by the glossary's content hash."""

from __future__ import annotations

from .loader import Glossary
from .matcher import GlossaryMatcher

_MATCHERS: dict[str, GlossaryMatcher] = {}


def cached_matcher(glossary: Glossary) -> GlossaryMatcher:
    matcher = _MATCHERS.get(glossary.digest)
    if matcher is None:
        matcher = GlossaryMatcher(glossary.entries)
        _MATCHERS[glossary.digest] = matcher
    return matcher
