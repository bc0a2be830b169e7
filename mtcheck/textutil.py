"""Small text helpers shared by checks: offset-preserving normalisation, word
boundaries, sentence spans, case transfer."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

# Characters folded to one form for matching. Every mapping is one character to one
# character so that offsets into the normalised text are offsets into the original.
_FOLD = {
    "-": " ",
    "\u2010": " ",  # hyphen
    "\u2011": " ",  # non-breaking hyphen
    "\u2013": " ",  # en dash
    "\u00a0": " ",  # no-break space
    "\t": " ",
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
}


@lru_cache(maxsize=4096)
def _fold_char(ch: str, case_sensitive: bool) -> str:
    ch = _FOLD.get(ch, ch)
    if not case_sensitive:
        lowered = ch.lower()
        if len(lowered) == 1:
            ch = lowered
    return ch


_FOLD_TABLE = str.maketrans(_FOLD)
_FINAL_SIGMA_CONTEXT = "\u03a3"  # str.lower() maps it by context; the per-character path does not


def normalize(text: str, case_sensitive: bool = False) -> str:
    """Fold hyphens/dashes to spaces, curly apostrophes to straight and (unless
    case-sensitive) case, keeping the length so offsets stay valid."""
    if text.isascii():
        # The only ASCII characters _FOLD maps are "-" and tab, and ASCII lower-casing
        # keeps the length: str.replace and str.lower are ~10x faster than str.translate.
        if "-" in text or "\t" in text:
            text = text.replace("-", " ").replace("\t", " ")
        return text if case_sensitive else text.lower()
    folded = text.translate(_FOLD_TABLE)
    if case_sensitive:
        return folded
    lowered = folded.lower()
    # Same result as lowering character by character whenever no character lowers to
    # several (only U+0130 does, which changes the length) and no capital sigma is
    # present (whose lower case str.lower() picks by context).
    if len(lowered) == len(folded) and _FINAL_SIGMA_CONTEXT not in folded:
        return lowered
    return "".join(_fold_char(ch, case_sensitive) for ch in text)


def ignorecase_key(text: str) -> str:
    """Lower-case `text` for cheap prefilters in front of re.IGNORECASE patterns.

    Two strings that an IGNORECASE backreference treats as equal (re compares the
    simple lower case of each character) get equal keys, and the key keeps length,
    whitespace, word and letter classes, so positions and tokens line up with `text`.
    """
    if text.isascii():
        return text.lower()
    return text.replace("\u0130", "i").lower().replace("\u03c2", "\u03c3")


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is not glued to letters or digits on either side."""
    if start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start]):
        return False
    if end < len(text) and is_word_char(text[end]) and is_word_char(text[end - 1]):
        return False
    return True


def ascii_word_flags(text: str) -> bytes | None:
    """For ASCII text, one byte per character (1: a word character), with a 0 before and
    after: text[start:end] is at word boundaries exactly when neither
    `flags[start] & flags[start + 1]` nor `flags[end] & flags[end + 1]` is set
    (at_word_boundaries without a function call per test). None for other text."""
    if not text.isascii():
        return None
    return b"\0" + text.encode("ascii").translate(_ASCII_WORD_FLAGS) + b"\0"


_ASCII_WORD_FLAGS = bytes(is_word_char(chr(code)) for code in range(256))


_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)


def words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with offsets: letters/digits, keeping internal apostrophes."""
    return [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


# For word_count on ASCII text: letters and digits become "a", apostrophes stay, the
# rest becomes a space (bytes.translate and bytes.count run in C, with no match objects).
_ASCII_WORD_CLASSES = bytes(
    ord("a") if chr(code).isalnum() else ord("'") if code == ord("'") else ord(" ") for code in range(256)
)


def word_count(text: str) -> int:
    """len(words(text)), without building the tuples.

    On ASCII text a word starts at a letter or digit that follows a space-class byte,
    or that follows an apostrophe which itself does not follow a letter or digit
    (after one, the apostrophe joins two runs into one word: "don't"), or that starts
    the text.
    """
    if not text.isascii():
        return len(_WORD_RE.findall(text))
    classes = text.encode("ascii").translate(_ASCII_WORD_CLASSES)
    return (
        classes.count(b" a") + classes.count(b" 'a") + classes.count(b"''a")
        + classes.startswith(b"a") + classes.startswith(b"'a")
    )


# A sentence ends at . ! ? (or their CJK forms) followed by space/quote and an
# upper-case letter, digit or quote; abbreviations such as "Mr." or "U.S." are kept.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "inc", "ltd", "co", "no", "jr", "sr", "e.g", "i.e", "u.s", "u.k"}
_SENTENCE_END_RE = re.compile(r"[.!?\u3002\uff01\uff1f]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u4e00-\u9fff])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split a segment into sentence (start, end) spans, without losing characters."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=64)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """sentence_spans, computed once per text (every glossary hit of a segment asks for its
    sentence; a str caches its hash, so a repeated look-up costs no rescan)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        last_word = _last_word(text, start, match.start()).lower().rstrip(".")
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        end = match.end()
        spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return tuple(spans)


def _last_word(text: str, start: int, end: int) -> str:
    """text[start:end].split()[-1] (or ""), reading back from `end` only as far as that word."""
    j = end
    while j > start and text[j - 1].isspace():
        j -= 1
    i = j
    while i > start and not text[i - 1].isspace():
        i -= 1
    return text[i:j]


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The (start, end) of the sentence of `text` that holds `offset` (a binary search)."""
    spans = _sentence_spans(text)
    index = bisect.bisect_right(spans, (offset, _AFTER_ANY_END)) - 1
    if index >= 0:
        start, end = spans[index]
        if start <= offset < end or offset == end == len(text):
            return start, end
    return 0, len(text)


_AFTER_ANY_END = float("inf")


def cut_around(text: str, start: int, end: int, hit_start: int, hit_end: int, limit: int) -> tuple[int, int]:
    """text[start:end] (which holds text[hit_start:hit_end]) when it is at most `limit`
    characters long; else the part of it of about `limit` characters around the hit, as
    centred as the span allows, cut at spaces."""
    if end - start <= limit:
        return start, end
    half = max(0, (limit - (hit_end - hit_start)) // 2)
    left = max(start, hit_start - half)
    right = max(hit_end, min(end, left + limit))
    left = min(hit_start, max(start, right - limit))
    if left > start and not text[left - 1].isspace():  # inside a word: start after it
        space = text.find(" ", left, hit_start)
        left = space + 1 if space >= 0 else left
    if right < end and not (text[right].isspace() or text[right - 1].isspace()):  # inside a word: end before it
        space = text.rfind(" ", hit_end, right)
        right = space if space >= 0 else right
    return left, right


def sentences_near(text: str, start: int, end: int, reach: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The sentences of `text` around text[start:end] (a sentence): those that end within
    `reach` characters before `start`, nearest first, and those that start within `reach`
    after `end`, in order. Binary searches: a long segment costs only the sentences near."""
    spans = _sentence_spans(text)
    before = []
    for index in range(bisect.bisect_right(spans, (start, _AFTER_ANY_END)) - 1, -1, -1):
        a, b = spans[index]
        if b > start:  # the sentence itself (or one overlapping it)
            continue
        if b <= start - reach:
            break
        before.append((a, b))
    after = []
    for index in range(bisect.bisect_left(spans, (end, -1)), len(spans)):
        a, b = spans[index]
        if a >= end + reach:
            break
        after.append((a, b))
    return before, after


def transfer_case(original: str, replacement: str) -> str:
    """Give `replacement` the case pattern of `original` when the replacement is
    all lower-case (a common noun); proper names keep their own casing."""
    if not original or not replacement:
        return replacement
    if replacement != replacement.lower():
        # A name keeps its own casing, but a capitalised original capitalises a
        # lower-case first word ("The nineteen major" -> "The 19th ...").
        if original[0].isupper() and replacement[0].islower():
            return replacement[0].upper() + replacement[1:]
        return replacement
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def starts_sentence(text: str, offset: int) -> bool:
    """Is `offset` the first word of a sentence (only spaces, quotes or brackets before it)?"""
    i = offset - 1
    while i >= 0 and (text[i].isspace() or text[i] in "\"'\u201c\u2018([<"):
        i -= 1
    return i < 0 or text[i] in ".!?:\u3002\uff01\uff1f"


@lru_cache(maxsize=64)  # asked once per mis-cased name in a segment: count its letters once
def mostly_upper(text: str) -> bool:
    """More than 80% of the letters (at least 12) are capitals: a headline."""
    if text.isascii():
        letters = text.encode("ascii").translate(None, _ASCII_NON_LETTERS)
        upper = len(letters.translate(None, _ASCII_LOWER))
        return len(letters) >= 12 and upper / len(letters) > 0.8
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


_ASCII_NON_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
