"""NU: literal number and date forms ("On the 29 day", "16 thousand", "the 04 edition")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from ..context import Document, make_finding
from ..models import Applicability, Edit, Finding, Fix, Segment, Severity
from ..registry import Rule, register_rule, segment_check
from ..textutil import ignorecase_key

register_rule(Rule(
    "NU001", "bare-day-number", "locale", Severity.ERROR,
    "A day of the month written as a cardinal (\"On the 29 day\").",
    "29日 rendered word by word gives \"the 29 day\"; English uses an ordinal: \"on the 29th\".",
    fixable=True,
))
register_rule(Rule(
    "NU002", "digits-with-magnitude-word", "locale", Severity.WARNING,
    "Digits followed by \"thousand\" or \"ten thousand\" (\"16 thousand\", \"5 ten thousand\").",
    "Chinese counts in 千 and 万; MT keeps the magnitude as a word. English writes 16,000 and 50,000. "
    "\"million\" and \"billion\" after digits are normal English and are not flagged; \"hundred million\" "
    "(亿) becomes \"N00 million\".",
    fixable=True,
))
register_rule(Rule(
    "NU003", "zero-padded-number", "locale", Severity.WARNING,
    "A zero-padded number before a noun (\"the 04 edition\").",
    "Chinese newspapers number pages 01, 02 ... (第04版 is page 4). A zero-padded number in running "
    "English text is a copied layout code; write \"page 4\" or \"the fourth edition\".",
    fixable=True,
))

_DAY = re.compile(r"\b(the\s+)(\d{1,2})\s+day\b(\s+of\b)?", re.IGNORECASE)
_MAGNITUDE = re.compile(r"\b(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)\s+(ten\s+thousand|hundred\s+million|thousand|hundred)\b(?!s)", re.IGNORECASE)
_PADDED = re.compile(r"\b(the\s+)?0(\d)\s+(edition|page|issue|section|version|session|plenary)\b", re.IGNORECASE)
_FACTORS = {"thousand": 1000, "ten thousand": 10000, "hundred": 100}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}".rstrip("0").rstrip(".")


def magnitude_replacement(number: str, word: str) -> str:
    value = Decimal(number.replace(",", ""))
    word = " ".join(word.lower().split())
    if word == "hundred million":
        return f"{format_number(value * 100)} million"
    return format_number(value * _FACTORS[word])


@segment_check("NU001", "NU002", "NU003")
def check_numbers(segment: Segment, doc: Document) -> Iterable[Finding]:
    text = segment.target
    options = doc.run.options
    # Each pattern needs a literal word (or the digit 0): skip it when the word is absent.
    key = ignorecase_key(text)
    if doc.run.wants("NU001") and "day" in key:
        for match in _DAY.finditer(text):
            day = int(match.group(2))
            if not 1 <= day <= 31:
                continue
            start = match.start(2)
            replacement = ordinal(day) + (" day of" if match.group(3) else "")
            fix = Fix((Edit(start, match.end(), replacement),), Applicability.SAFE, f'Write "{replacement}"')
            yield make_finding("NU001", segment, start, match.end(), f'day written as "{text[start:match.end()]}": write "the {replacement}"',
                               suggestions=(replacement,), fix=fix, options=options)
    if doc.run.wants("NU002") and ("thou" in key or "hundred" in key):
        for match in _MAGNITUDE.finditer(text):
            replacement = magnitude_replacement(match.group(1), match.group(2))
            fix = Fix((Edit(match.start(), match.end(), replacement),), Applicability.SAFE, f'Write "{replacement}"')
            yield make_finding("NU002", segment, match.start(), match.end(), f'"{match.group()}" is written "{replacement}" in English',
                               suggestions=(replacement,), fix=fix, options=options)
    if doc.run.wants("NU003") and "0" in text:
        for match in _PADDED.finditer(text):
            number, noun = int(match.group(2)), match.group(3).lower()
            suggestions = (f"page {number}", f"the {ordinal(number)} edition") if noun in {"edition", "page"} else (f"the {ordinal(number)} {noun}", f"{noun} {number}")
            fix = Fix((Edit(match.start(), match.end(), suggestions[0]),), Applicability.UNSAFE, f'Write "{suggestions[0]}"')
            yield make_finding("NU003", segment, match.start(), match.end(), f'zero-padded number in "{match.group()}": write "{suggestions[0]}"',
                               suggestions=suggestions, fix=fix, options=options)
