"""RP: repeated words and phrases ("record record", "research and research")."""

from __future__ import annotations

import re
from operator import eq
from typing import Iterable

from ..context import Document, make_finding
from ..models import Applicability, Edit, Finding, Fix, Segment, Severity
from ..registry import Rule, register_rule, segment_check
from ..textutil import ignorecase_key

register_rule(Rule(
    "RP001", "repeated-word", "fluency", Severity.ERROR,
    "The same word twice in a row (\"record record\").",
    "MT sometimes emits a word twice when the source has a reduplicated or two-character word "
    "(创纪录 → \"record record\"). Grammatical doubles such as \"had had\" and \"that that\" are allowed.",
    fixable=True,
))
register_rule(Rule(
    "RP002", "repeated-phrase", "fluency", Severity.ERROR,
    "The same phrase of two to four words twice in a row.",
    "A multi-word phrase repeated back to back (\"the supply side the supply side\").",
    fixable=True,
))
register_rule(Rule(
    "RP003", "self-coordination", "mistranslation", Severity.ERROR,
    "A word or phrase coordinated with itself (\"research and research\", \"cross disciplinary and cross disciplinary\").",
    "\"X and X\" usually means the source coordinated two different terms that MT rendered "
    "with the same English word (产学研 → \"production, research and research\"; 交叉学科 and 跨学科 "
    "→ \"cross disciplinary and cross disciplinary\"). Intensifying idioms (\"again and again\", "
    "\"more and more\", \"better and better\") are allowed. The fix keeps one copy; check the source "
    "for the second term.",
    fixable=True,
))

ALLOWED_DOUBLES = {"had", "that", "bye", "ha", "no", "so", "chop", "tut", "knock", "wait", "very", "now", "well", "is", "do"}
IDIOMS = {
    "again", "more", "less", "over", "on", "round", "around", "by", "through", "back", "up", "down", "out",
    "years", "hours", "days", "weeks", "months", "miles", "ages", "times", "tons", "on and on", "side",
    "off", "in", "ever", "further", "farther", "worse", "higher", "lower", "deeper", "wider",
}
_REPEATED_WORD = re.compile(r"\b([^\W\d_]+(?:'[^\W\d_]+)?)(\s+)(\1)\b", re.IGNORECASE)
_REPEATED_PHRASE = re.compile(r"\b((?:[^\W\d_]+[ ,]+){1,3}[^\W\d_]+)(\s+)(\1)\b", re.IGNORECASE)
_SELF_COORD = re.compile(r"\b((?:[^\W\d_][\w-]*\s+){0,2}[^\W\d_][\w-]*)(\s+and\s+)(\1)\b", re.IGNORECASE)


_LETTER_RUN = re.compile(r"[^\W\d_]+")


# Prefilters: cheap necessary conditions for the three patterns above, over the
# case keys of maximal letter runs (see textutil.ignorecase_key). A segment that fails
# one cannot match that pattern, so the pattern is not run; one that passes is checked
# by the pattern itself, so findings are exactly those of the patterns alone.


# ASCII letters stay, every other byte becomes a space: on an ASCII key,
# key.encode().translate(_NON_LETTERS_TO_SPACE).split() gives the runs of _LETTER_RUN
# (as bytes), without a regex match per run.
_NON_LETTERS_TO_SPACE = bytes(code if chr(code).isascii() and chr(code).isalpha() else ord(" ") for code in range(256))


def _letter_runs(key: str) -> list:
    """The maximal letter runs of a case key: bytes on an ASCII key, str otherwise (the
    prefilters below only compare runs with each other)."""
    if key.isascii():
        return key.encode("ascii").translate(_NON_LETTERS_TO_SPACE).split()
    return _LETTER_RUN.findall(key)


def _may_repeat_word(runs: list, text: str) -> bool:
    """RP001 needs a letter run equal to the next one (or, after an apostrophe, the one after)."""
    if any(map(eq, runs, runs[1:])):
        return True
    return "'" in text and any(map(eq, runs, runs[2:]))


def _may_repeat_phrase(runs: list) -> bool:
    """RP002 needs k = 2..4 consecutive letter runs followed by the same k runs."""
    pairs = list(zip(runs, runs[1:]))
    if len(set(pairs)) == len(pairs):
        return False  # no two consecutive runs occur twice
    for k in (2, 3, 4):
        # runs[i + j] == runs[i + k + j] for j < k: k consecutive hits among the pairs k apart.
        if b"\x01" * k in bytes(map(eq, runs, runs[k:])):
            return True
    return False


def _may_self_coordinate(key: str) -> bool:
    """RP003 needs a whitespace-delimited "and" whose next chunk starts with a letter run
    that also occurs in one of the three chunks before the "and"."""
    if "and" not in key:
        return False
    chunks = key.split()
    for index in range(1, len(chunks) - 1):
        if chunks[index] != "and":
            continue
        first = _LETTER_RUN.match(chunks[index + 1])
        if first and first.group() in _LETTER_RUN.findall(" ".join(chunks[max(0, index - 3):index])):
            return True
    return False


def _is_idiom(unit: str) -> bool:
    unit = unit.lower()
    if unit in IDIOMS:
        return True
    # Comparatives repeat for emphasis: "faster and faster", "bigger and bigger".
    return " " not in unit and len(unit) > 4 and unit.endswith(("er", "ier")) and unit not in {"power", "order", "number", "paper", "water", "partner", "consumer", "manufacturer", "computer", "after", "matter"}


def _drop_second(segment: Segment, match: re.Match, code: str, message: str, applicability: Applicability, doc: Document) -> Finding:
    start, end = match.start(), match.end()
    kept = match.group(1)
    fix = Fix((Edit(start, end, kept),), applicability, f'Keep one "{kept}"')
    return make_finding(code, segment, start, end, message, suggestions=(kept,), fix=fix, options=doc.run.options)


@segment_check("RP001", "RP002", "RP003")
def check_repetition(segment: Segment, doc: Document) -> Iterable[Finding]:
    text = segment.target
    run = doc.run
    key = ignorecase_key(text)
    runs = _letter_runs(key)
    if run.wants("RP001") and _may_repeat_word(runs, text):
        for match in _REPEATED_WORD.finditer(text):
            word = match.group(1)
            if word.lower() in ALLOWED_DOUBLES or match.group(1) != match.group(3) and not match.group(1).lower() == match.group(3).lower():
                continue
            if "\n" in match.group(2):
                continue
            yield _drop_second(segment, match, "RP001", f'repeated word "{word}"', Applicability.SAFE, doc)
    if run.wants("RP002") and _may_repeat_phrase(runs):
        for match in _REPEATED_PHRASE.finditer(text):
            phrase = match.group(1)
            tokens = phrase.lower().replace(",", " ").split()
            if len(set(tokens)) == 1 or "\n" in match.group(2):
                continue  # a single repeated word is RP001's
            yield _drop_second(segment, match, "RP002", f'repeated phrase "{phrase}"', Applicability.SAFE, doc)
    if run.wants("RP003") and _may_self_coordinate(key):
        for match in _SELF_COORD.finditer(text):
            unit = match.group(1)
            if _is_idiom(unit) or unit.lower().split()[0] in {"and", "or"}:
                continue
            yield _drop_second(
                segment, match, "RP003",
                f'"{unit}" is coordinated with itself: the source probably names two different things',
                Applicability.UNSAFE, doc,
            )
