"""Chinese word segmentation with jieba, quiet and initialised on first use.

Each set of extra words gets a private `jieba.Tokenizer` (jieba's global one is left
alone) whose dictionary also holds the glossary's source terms (十九大, 线上线下) and
CC-CEDICT's calque-prone company and brand names (小米, 吉利), so that each comes out as
one word.

The tokenizer's prefix dictionary is filled as texts come: before a text is segmented,
the entries that start with one of its characters are added (from
mtcheck.bilingual.prefix_dictionary, kept on disk between runs), with the extra words
that start with it, just as `Tokenizer.add_word` adds them. jieba looks up only
substrings of the text it segments, so the words are exactly those of a tokenizer with
the whole dictionary loaded, without loading 500k entries for a few sentences.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .jieba_module import load_jieba

_LOCK = threading.Lock()
_TOKENIZERS: dict[frozenset[str], "LazyTokenizer"] = {}
_RECENT: list[tuple[tuple[str, ...], "LazyTokenizer"]] = []  # (extra_words as passed, its tokenizer), newest first
_WORD_FREQUENCY = 200_000  # high enough that an added term beats jieba's own splits


@dataclass(frozen=True)
class Token:
    word: str
    start: int
    end: int


@lru_cache(maxsize=1)
def prefix_dictionary():
    """jieba's dictionary, from the mtcheck disk cache (once per process)."""
    from ..glossary.cache import cache_dir
    from .prefix_dictionary import PrefixDictionary

    return PrefixDictionary(folder=cache_dir())


class LazyTokenizer:
    """A jieba Tokenizer whose prefix dictionary holds the groups of the characters seen
    so far, plus `words` (each with _WORD_FREQUENCY, as add_word would add it).
    `dictionary`: a PrefixDictionary, by default jieba's own from the disk cache."""

    def __init__(self, words: frozenset[str], dictionary=None):
        dictionary = dictionary if dictionary is not None else prefix_dictionary()
        self._dictionary = dictionary
        self._jieba = load_jieba().Tokenizer()
        self._jieba.FREQ = {}
        self._jieba.total = dictionary.total + _WORD_FREQUENCY * len(words)
        self._jieba.initialized = True  # the dictionary is filled below, never by jieba
        self._words: dict[str, list[str]] = {}
        for word in sorted(words):
            self._words.setdefault(word[0], []).append(word)
        self._loaded: set[str] = set()

    def _load(self, text: str) -> None:
        frequencies = self._jieba.FREQ
        for first in set(text).difference(self._loaded):
            frequencies.update(self._dictionary.group(first))
            words = self._words.get(first, ())
            for word in words:
                frequencies[word] = _WORD_FREQUENCY
            for word in words:
                for end in range(1, len(word)):
                    frequencies.setdefault(word[:end], 0)  # add_word's prefixes of the word
            self._loaded.add(first)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        with _LOCK:
            self._load(text)
        return list(self._jieba.tokenize(text))


def tokenizer(extra_words: Iterable[str] = ()) -> LazyTokenizer:
    """The tokenizer with `extra_words` added, cached per word set (and, for a tuple, by
    its identity: the rules pass the same tuple of thousands of words for every segment)."""
    with _LOCK:
        for known, cached in _RECENT:
            if known is extra_words:
                return cached
        key = frozenset(word for word in extra_words if word and not word.isspace())
        cached = _TOKENIZERS.get(key)
        if cached is None:
            cached = _TOKENIZERS[key] = LazyTokenizer(key)
        if isinstance(extra_words, tuple):
            _RECENT.insert(0, (extra_words, cached))
            del _RECENT[4:]
        return cached


def segment(text: str, extra_words: Iterable[str] = ()) -> list[Token]:
    """Words of `text` with their character offsets (whitespace and punctuation included,
    as jieba returns them)."""
    if not text:
        return []
    return [Token(word, start, end) for word, start, end in tokenizer(extra_words).tokenize(text)]
