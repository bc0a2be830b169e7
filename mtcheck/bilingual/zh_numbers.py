"""Numbers in Chinese source text and in English target text, as comparable values.

Chinese: Arabic digits with 万/亿 magnitudes (1.6万 = 16,000, 3亿 = 300,000,000), Chinese
numerals (十九 = 19, 两千 = 2,000, 一九九八年 = 1998), percentages (百分之五, 5%), ordinals
(第三, 十九大 = 19th congress, 十八届), dates (10月29日) and approximate counts (三十多,
近百, 十几: kept for matching, never reported). English: digits with thousands separators
and scale words ("16,000", "1.6 million", "300 million"), number words up to the
billions ("twenty-nine thousand"), ordinals ("19th", "nineteenth"), month names,
percentages and "a dozen" (approximate).

Each mention keeps its character span so that checks can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CARDINAL, ORDINAL, PERCENT, YEAR, MONTH, DAY, HOUR = "cardinal", "ordinal", "percent", "year", "month", "day", "hour"


@dataclass(frozen=True)
class NumberMention:
    value: Decimal
    kind: str
    text: str
    start: int
    end: int
    approximate: bool = False
    spelled: bool = False  # written in Chinese numerals / English words, not digits


# ---------------------------------------------------------------- Chinese numerals

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_MAGNITUDES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8, "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3, "百": 10**2}
# Full-width digits and signs, one character to one so that offsets stay valid.
_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


def parse_chinese_integer(text: str) -> int | None:
    """十九 -> 19, 两千零五 -> 2005, 三万六千 -> 36000, 一亿二千万 -> 120000000; None if malformed."""
    if not text or text[0] in "百千万亿":
        return None
    total = 0  # completed 亿 / 万 sections
    section = 0  # value below the current big unit
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0 and _CN_DIGITS[ch] != 0:
                return None  # two digits in a row ("三四"): not a positional numeral
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CN_SMALL_UNITS[ch]
            digit = None
        elif ch in _CN_BIG_UNITS:
            section += digit or 0
            digit = None
            unit = _CN_BIG_UNITS[ch]
            if section == 0:
                return None
            total = (total + section) * unit if unit > 10_000 else total + section * unit
            section = 0
        else:
            return None
    return total + section + (digit or 0)


def parse_chinese_digits(text: str) -> int | None:
    """Digit-by-digit numerals (一九九八 -> 1998, 二〇一七 -> 2017)."""
    if len(text) < 2 or any(ch not in _CN_DIGITS for ch in text):
        return None
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))


_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MAG = "|".join(sorted(_MAGNITUDES, key=len, reverse=True))
_CN_NUMERAL = r"[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇○一二三四五六七八九]+)?"
_SOURCE_NUMBER = re.compile(rf"(?P<arabic>{_ARABIC})(?P<mag>{_MAG})?|(?P<cn>{_CN_NUMERAL})")
# Measure words and units: a Chinese numeral followed by one of these is a quantity, not
# part of a word (一直, 三农, 万一, 千方百计).
_MEASURES = set(
    "个名家人位年月日号天次项条件种台辆元块米吨岁倍届期批所座架艘场股份只头匹张本部套层户支篇幅首枚颗棵粒间栋列趟周时分秒里亩斤克度"
    "成轮代季集款类组队节门例宗起处片段句字页章省市县区国大"
)
_APPROX_AFTER = ("多", "余", "几", "来", "左右", "上下", "以上", "以下")
_APPROX_BEFORE = ("近", "约", "大约", "超过", "逾", "数", "几", "上", "近百", "将近")
_NOT_QUANTITY = ("十分",)  # "very"
_CODE_BEFORE = re.compile(r"[A-Za-z][-_.]?$")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _chinese_value(token: str, after: str) -> tuple[Decimal | None, bool]:
    """Value of a Chinese-numeral token and whether it is approximate (三四个)."""
    if "点" in token:
        whole, _, fraction = token.partition("点")
        integer = parse_chinese_integer(whole) if whole else None
        digits = "".join(str(_CN_DIGITS[ch]) for ch in fraction)
        return (Decimal(f"{integer}.{digits}") if integer is not None else None), False
    integer = parse_chinese_integer(token)
    if integer is not None:
        return Decimal(integer), False
    by_digits = parse_chinese_digits(token)
    if by_digits is not None and after.startswith("年") and len(token) == 4:
        return Decimal(by_digits), False
    if by_digits is not None:
        return None, True  # 三四个 "three or four"
    return None, False


def _kind(before: str, after: str, value: Decimal, chinese: bool) -> str:
    if before.endswith("百分之") or after.startswith(("%", "个百分点")):
        return PERCENT
    if before.endswith("第"):
        return ORDINAL
    if after.startswith("年") and 1000 <= value <= 2200 and value == int(value):
        return YEAR
    if after.startswith("月") and 1 <= value <= 12:
        return MONTH
    if after.startswith(("日", "号")) and 1 <= value <= 31:
        return DAY
    if after.startswith(("点", "时")) and 0 <= value <= 24 and not after.startswith("时期"):
        return HOUR
    if after.startswith(("届", "中全会")) or (chinese and after.startswith("大") and value >= 10):
        return ORDINAL  # 十八届三中全会, 十九大: the 19th (National Congress)
    return CARDINAL


def source_numbers(text: str) -> list[NumberMention]:
    """Every number in Chinese text, with its value, kind and span."""
    text_w = text.translate(_WIDTH)
    mentions: list[NumberMention] = []
    for match in _SOURCE_NUMBER.finditer(text_w):
        before, after = text_w[max(0, match.start() - 3):match.start()], text_w[match.end():match.end() + 3]
        approximate = after.startswith(_APPROX_AFTER) or before.endswith(_APPROX_BEFORE)
        if match.group("arabic"):
            value = _decimal(match.group("arabic"))
            if value is None:
                continue
            if match.group("mag"):
                value *= _MAGNITUDES[match.group("mag")]
            chinese = False
            if _CODE_BEFORE.search(before):
                continue  # part of a code or name: G20, COVID-19, iPhone14
        else:
            token = match.group("cn")
            if token.startswith("百分之"):
                continue
            if text_w.startswith(_NOT_QUANTITY, match.start()):
                continue
            value, vague = _chinese_value(token, after)
            if value is None:
                continue
            prefixed = before.endswith(("第", "百分之"))
            unit = after[1:] if after.startswith(("多", "余", "来")) else after
            if not prefixed and (not unit or unit[0] not in _MEASURES) and not after.startswith("%"):
                continue  # part of a word or idiom
            approximate = approximate or vague
            chinese = True
        kind = _kind(before, after, value, chinese)
        mentions.append(NumberMention(value, kind, text[match.start():match.end()], match.start(), match.end(), approximate, chinese))
    return mentions


# ---------------------------------------------------------------- English

_UNITS_EN = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS_EN = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_SCALES_EN = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "hundredth": 100,
}
_MONTHS_EN = {name: i for i, name in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
_MONTH_ABBREVIATIONS = {name[:3]: i for name, i in _MONTHS_EN.items() if name != "may"} | {"sept": 9}

_NUMBER_WORD = "|".join(sorted(list(_UNITS_EN) + list(_TENS_EN) + list(_SCALES_EN) + list(_ORDINALS_EN), key=len, reverse=True))
_WORD_SEQUENCE = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE)
_DIGITS_EN = re.compile(
    rf"(?<!\w)(?<!\d\.)(?P<num>{_ARABIC})(?P<ord>st|nd|rd|th)?"
    r"(?P<pct>\s?%|\s+per\s?cent\b|\s+percent\b)?"
    r"(?P<scale>[\s-]+(?:ten[\s-]+thousand|hundred[\s-]+million|thousand|million|billion|trillion|hundred)\b)?",
    re.IGNORECASE,
)
_MONTH_EN = re.compile(r"\b(" + "|".join(_MONTHS_EN) + r"|(?:" + "|".join(_MONTH_ABBREVIATIONS) + r")\.)", re.IGNORECASE)
_DOZEN = re.compile(r"\b(?:a\s+)?dozen\b(?!s)", re.IGNORECASE)
# Words that stand for a number in idiomatic English (十年 "a decade", 3倍 "three times" or
# "thrice"): used for matching only, never reported as contradicting.
_IDIOM_VALUES = {"decade": 10, "century": 100, "twice": 2, "double": 2, "doubled": 2, "thrice": 3, "triple": 3,
                 "tripled": 3, "half": Decimal("0.5"), "pair": 2, "couple": 2}
_IDIOM = re.compile(r"\b(" + "|".join(_IDIOM_VALUES) + r")\b", re.IGNORECASE)
_AND_A_HALF = re.compile(
    rf"\b(?P<whole>\d+|{'|'.join(sorted(_UNITS_EN, key=len, reverse=True))})\s+and\s+a\s+half\s+(?P<scale>thousand|million|billion|trillion)\b",
    re.IGNORECASE,
)
_EN_SCALE = {"ten thousand": 10_000, "hundred million": 10**8, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12, "hundred": 100}


def words_value(phrase: str) -> tuple[Decimal, bool] | None:
    """"twenty-nine thousand" -> (29000, False); "nineteenth" -> (19, True); None if not a number."""
    tokens = [t for t in re.split(r"[\s-]+", phrase.lower()) if t and t != "and"]
    total, current, ordinal = 0, 0, False
    for index, token in enumerate(tokens):
        if token in _ORDINALS_EN:
            if index != len(tokens) - 1:
                return None
            ordinal = True
            value = _ORDINALS_EN[token]
            if value == 100:
                current = max(current, 1) * 100
            else:
                current += value
        elif token in _UNITS_EN:
            current += _UNITS_EN[token]
        elif token in _TENS_EN:
            current += _TENS_EN[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in _SCALES_EN:
            total += max(current, 1) * _SCALES_EN[token]
            current = 0
        else:
            return None
    return Decimal(total + current), ordinal


def target_numbers(text: str) -> list[NumberMention]:
    """Every number in English text: digits (with scale words), number words, ordinals,
    month names, percentages and "a dozen"."""
    mentions: list[NumberMention] = []
    taken: list[tuple[int, int]] = []

    def add(mention: NumberMention) -> None:
        if any(mention.start < end and start < mention.end for start, end in taken):
            return
        taken.append((mention.start, mention.end))
        mentions.append(mention)

    for match in _AND_A_HALF.finditer(text):
        whole = match.group("whole").lower()
        number = Decimal(whole) if whole.isdigit() else Decimal(_UNITS_EN[whole])
        value = (number + Decimal("0.5")) * _EN_SCALE[match.group("scale").lower()]
        add(NumberMention(value, CARDINAL, match.group(), match.start(), match.end(), spelled=not whole.isdigit()))
    for match in _DIGITS_EN.finditer(text):
        value = _decimal(match.group("num"))
        if value is None:
            continue
        kind = CARDINAL
        if match.group("pct"):
            kind = PERCENT
        elif match.group("ord"):
            kind = ORDINAL
        elif 1000 <= value <= 2200 and "," not in match.group("num") and value == int(value):
            kind = YEAR
        if match.group("scale"):
            value *= _EN_SCALE[" ".join(match.group("scale").lower().replace("-", " ").split())]
        add(NumberMention(value, kind, match.group(), match.start(), match.end()))
    for match in _DOZEN.finditer(text):
        add(NumberMention(Decimal(12), CARDINAL, match.group(), match.start(), match.end(), approximate=True, spelled=True))
    for match in _WORD_SEQUENCE.finditer(text):
        parsed = words_value(match.group())
        if parsed is None:
            continue
        value, ordinal = parsed
        percent = re.match(r"\s+(?:per\s?cent|percent)\b", text[match.end():], re.IGNORECASE)
        kind = PERCENT if percent else ORDINAL if ordinal else CARDINAL
        add(NumberMention(value, kind, match.group(), match.start(), match.end(), spelled=True))
    for match in _IDIOM.finditer(text):
        value = Decimal(_IDIOM_VALUES[match.group(1).lower()])
        add(NumberMention(value, CARDINAL, match.group(), match.start(), match.end(), approximate=True, spelled=True))
    for match in _MONTH_EN.finditer(text):
        word = match.group(1).lower().rstrip(".")
        if word == "may" and not re.match(r"\s+\d", text[match.end():]) and match.group(1)[0] != "M":
            continue  # the verb "may"
        number = _MONTHS_EN.get(word) or _MONTH_ABBREVIATIONS.get(word)
        if number:
            add(NumberMention(Decimal(number), MONTH, match.group(), match.start(), match.end(), spelled=True))
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions
