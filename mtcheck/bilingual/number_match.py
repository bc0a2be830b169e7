"""Compare the numbers of a Chinese source with those of its English translation.

A source number is *matched* when the target holds the same value (1.6万 = "16,000" =
"16 thousand"), the same value rounded to fewer significant digits (16.35亿 = "1.6
billion"), or, for clock times, the 12-hour form (15点 = "3 pm"). Values are compared
as sets: translators often merge a value the source repeats.

What is left is reported in two ways:
- a *contradiction* pairs an unmatched source number with an unmatched target number
  that is plainly a mis-rendering of it: off by a power of ten (the 万/亿 trap: 2.9万 as
  "290,000"), one digit changed or two adjacent digits swapped (4806 as "4860"), or the
  only two unmatched percentages;
- a *missing* source number is one nothing in the target matches or contradicts.
Approximate source numbers (三十多, 近百, 十几), 0 and 1, and small spelled-out ones (两)
are used for matching but never reported; "a dozen" in the target never contradicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .zh_numbers import DAY, HOUR, MONTH, PERCENT, YEAR, NumberMention, source_numbers, target_numbers

MAGNITUDE, DIGITS, PERCENTAGE, MISSING = "magnitude", "digits", "percentage", "missing"
_SMALL = 3  # spelled-out source numbers below this (一, 两) are too often idiomatic to report


@dataclass(frozen=True)
class NumberMismatch:
    source: NumberMention
    target: NumberMention | None  # None when the number is missing from the target
    reason: str  # magnitude | digits | percentage | missing


def _significant(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def same_value(source: NumberMention, target: NumberMention) -> bool:
    s, t = source.value, target.value
    if s == t:
        return True
    if source.kind == HOUR and s > 12 and t == s - 12:
        return True
    if t and s and _significant(t) < _significant(s) and t.adjusted() == s.adjusted():
        places = _significant(t)
        return abs(s - t) * 2 <= Decimal(10) ** (s.adjusted() - places + 1)
    return False


def reportable(mention: NumberMention) -> bool:
    if mention.approximate or mention.value <= 1:
        return False  # 1例 "a patient", 1月 "January" is matched, but "a"/"one" often vanish
    return not mention.spelled or mention.value >= _SMALL or mention.kind in (MONTH, DAY)


def _digit_slip(a: Decimal, b: Decimal) -> bool:
    """One digit changed, or two adjacent digits swapped (4806 / 4860)."""
    x, y = format(a.normalize(), "f"), format(b.normalize(), "f")
    if len(x) != len(y) or len(x.replace(".", "")) < 2 or x == y:
        return False
    diffs = [i for i, (p, q) in enumerate(zip(x, y)) if p != q]
    if len(diffs) == 1:
        return x[diffs[0]].isdigit() and y[diffs[0]].isdigit()
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and x[diffs[0]] == y[diffs[1]] and x[diffs[1]] == y[diffs[0]]


def _power_of_ten_apart(a: Decimal, b: Decimal) -> bool:
    if a <= 0 or b <= 0 or a == b:
        return False
    ratio = (a / b) if a > b else (b / a)
    return ratio == ratio.to_integral_value() and str(int(ratio)).rstrip("0") == "1"


def _relation(source: NumberMention, target: NumberMention, percents: tuple[int, int]) -> str | None:
    if target.approximate or source.kind in (MONTH, DAY) or target.kind == MONTH:
        return None
    if _power_of_ten_apart(source.value, target.value) and YEAR not in (source.kind, target.kind):
        return MAGNITUDE
    if not target.spelled and _digit_slip(source.value, target.value):
        return DIGITS
    if source.kind == PERCENT and target.kind == PERCENT and percents == (1, 1):
        return PERCENTAGE
    return None


def compare_numbers(source: str, target: str) -> list[NumberMismatch]:
    """Contradicting and missing source numbers, in source order."""
    in_source = source_numbers(source)
    in_target = target_numbers(target)
    unmatched_source = [s for s in in_source if reportable(s) and not any(same_value(s, t) for t in in_target)]
    unmatched_target = [t for t in in_target if not any(same_value(s, t) for s in in_source)]
    percents = (sum(s.kind == PERCENT for s in unmatched_source), sum(t.kind == PERCENT for t in unmatched_target))
    mismatches: list[NumberMismatch] = []
    used: set[int] = set()
    for s in unmatched_source:
        pair = None
        for index, t in enumerate(unmatched_target):
            if index in used:
                continue
            reason = _relation(s, t, percents)
            if reason:
                pair = (index, reason)
                break
        if pair is None:
            mismatches.append(NumberMismatch(s, None, MISSING))
        else:
            used.add(pair[0])
            mismatches.append(NumberMismatch(s, unmatched_target[pair[0]], pair[1]))
    return mismatches
