"""Chinese and English number reading (zh_numbers) and their comparison (number_match)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from mtcheck.bilingual.number_match import DIGITS, MAGNITUDE, MISSING, PERCENTAGE, compare_numbers
from mtcheck.bilingual.zh_numbers import (
    CARDINAL, DAY, MONTH, ORDINAL, PERCENT, YEAR, parse_chinese_integer, source_numbers, target_numbers, words_value,
)


@pytest.mark.parametrize("text, value", [
    ("十九", 19), ("十", 10), ("二十", 20), ("一百零五", 105), ("两千", 2000), ("三万六千", 36000),
    ("一亿二千万", 120_000_000), ("十万", 100_000), ("两千零五", 2005), ("九千九百九十九", 9999),
])
def test_chinese_integers(text, value):
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize("text", ["万一", "千万", "三四", ""])
def test_not_positional_numerals(text):
    assert parse_chinese_integer(text) is None


@pytest.mark.parametrize("source, expected", [
    ("员工1.6万人", [(Decimal(16000), CARDINAL)]),
    ("员工2.9万人", [(Decimal(29000), CARDINAL)]),
    ("专利4806项", [(Decimal(4806), CARDINAL)]),
    ("营收3亿元", [(Decimal(300_000_000), CARDINAL)]),
    ("投资2.5万亿元", [(Decimal(2_500_000_000_000), CARDINAL)]),
    ("党的十九大报告", [(Decimal(19), ORDINAL)]),
    ("十八届三中全会", [(Decimal(18), ORDINAL)]),
    ("第三季度", [(Decimal(3), ORDINAL)]),
    ("增长百分之五", [(Decimal(5), PERCENT)]),
    ("增速5.2%", [(Decimal("5.2"), PERCENT)]),
    ("2017年10月29日", [(Decimal(2017), YEAR), (Decimal(10), MONTH), (Decimal(29), DAY)]),
    ("一九九八年", [(Decimal(1998), YEAR)]),
    ("一直以来，万一，千方百计，十分重要", []),
    ("G20峰会和COVID-19疫情", []),
])
def test_source_numbers(source, expected):
    assert [(m.value, m.kind) for m in source_numbers(source)] == expected


def test_approximate_source_numbers_are_marked():
    mentions = source_numbers("三十多家企业，近50人")
    assert [(m.value, m.approximate) for m in mentions] == [(Decimal(30), True), (Decimal(50), True)]


@pytest.mark.parametrize("target, expected", [
    ("more than 16,000 employees", [Decimal(16000)]),
    ("16 thousand employees", [Decimal(16000)]),
    ("300 million yuan", [Decimal(300_000_000)]),
    ("the 19th National Congress", [Decimal(19)]),
    ("the nineteenth congress", [Decimal(19)]),
    ("twenty-nine thousand staff", [Decimal(29000)]),
    ("two and a half million parts", [Decimal(2_500_000)]),
    ("On October 29, 2017", [Decimal(10), Decimal(29), Decimal(2017)]),
    ("You may leave.", []),
    ("a dozen people", [Decimal(12)]),
])
def test_target_numbers(target, expected):
    assert [m.value for m in target_numbers(target)] == expected


def test_words_value_rejects_non_numbers():
    assert words_value("twenty-nine thousand") == (Decimal(29000), False)
    assert words_value("nineteenth") == (Decimal(19), True)
    assert words_value("millet") is None


@pytest.mark.parametrize("source, target, expected", [
    # Matches: nothing reported.
    ("员工1.6万人", "16,000 staff", []),
    ("员工1.6万人", "16 thousand staff", []),
    ("员工2.9万人", "29,000 staff", []),
    ("专利4806项", "4806 patents", []),
    ("营收1.5亿元", "revenue of 150 million yuan", []),
    ("收入16.35亿元", "revenue of 1.6 billion yuan", []),  # rounded
    ("党的十九大", "the 19th CPC National Congress", []),
    ("2017年10月29日", "On October 29, 2017", []),
    ("下午3点", "at 3 pm", []),
    ("15时", "at 3 p.m.", []),
    ("十几个人", "a dozen people", []),
    ("未来十年内", "within the next decade", []),
    ("增长百分之五", "grew by 5 percent", []),
    ("收治了1例患者", "admitted a patient", []),
    # Contradictions, reported at the target number.
    ("员工2.9万人", "290,000 staff", [("2.9万", "290,000", MAGNITUDE)]),
    ("营收1.5亿元", "revenue of 1.5 million yuan", [("1.5亿", "1.5 million", MAGNITUDE)]),
    ("专利4806项", "4,860 patents", [("4806", "4,860", DIGITS)]),
    ("增速5.2%", "grew 5.6%", [("5.2", "5.6%", DIGITS)]),
    ("增速5.2%，利润增长8%", "grew 6.5% with profit up 8%", [("5.2", "6.5%", PERCENTAGE)]),
    # Missing.
    ("新增2895项", "many new ones", [("2895", None, MISSING)]),
])
def test_compare_numbers(source, target, expected):
    found = [(m.source.text, m.target.text if m.target else None, m.reason) for m in compare_numbers(source, target)]
    assert found == expected


_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Write 1..99,999,999 in Chinese numerals (the inverse being tested)."""
    def below_10000(x: int, leading: bool) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = x // unit % 10
            if digit:
                if zero and out:
                    out += "零"
                out += ("" if (unit == 10 and digit == 1 and not out and leading) else _DIGITS[digit]) + name
                zero = False
            elif out or not leading:
                zero = True
        return out
    high, low = divmod(n, 10000)
    if not high:
        return below_10000(low, True)
    text = below_10000(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10000(low, False).lstrip("零")
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    assert parse_chinese_integer(to_chinese(n)) == n


@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("万", 10_000), ("亿", 100_000_000)]))
def test_magnitudes_match_their_english_digits(n, magnitude):
    suffix, factor = magnitude
    assert compare_numbers(f"共{n}{suffix}人", f"{n * factor:,} people") == []
