"""Chinese word segmentation with jieba, quiet and initialised on first use.

The tokenizer is a private `jieba.Tokenizer` (jieba's global one is left alone) whose
dictionary also holds the glossary's source terms (十九大, 线上线下) and CC-CEDICT's
calque-prone company and brand names (小米, 吉利), so that each comes out as one word.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Iterable

_LOCK = threading.Lock()
_TOKENIZERS: dict[frozenset[str], "object"] = {}
_WORD_FREQUENCY = 200_000  # high enough that an added term beats jieba's own splits


@dataclass(frozen=True)
class Token:
    word: str
    start: int
    end: int


def _quiet_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


def tokenizer(extra_words: Iterable[str] = ()):
    """A jieba Tokenizer with `extra_words` added, cached per word set."""
    key = frozenset(word for word in extra_words if word and not word.isspace())
    with _LOCK:
        cached = _TOKENIZERS.get(key)
        if cached is not None:
            return cached
        jieba = _quiet_jieba()
        built = jieba.Tokenizer()
        built.initialize()
        for word in sorted(key):
            built.add_word(word, freq=_WORD_FREQUENCY)
        _TOKENIZERS[key] = built
        return built


def segment(text: str, extra_words: Iterable[str] = ()) -> list[Token]:
    """Words of `text` with their character offsets (whitespace and punctuation included,
    as jieba returns them)."""
    if not text:
        return []
    return [Token(word, start, end) for word, start, end in tokenizer(extra_words).tokenize(text)]
