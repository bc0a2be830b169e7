"""A target that is mostly not English is an input error (exit 2) with a hint, not a clean pass."""

from __future__ import annotations

import pytest

from mtcheck.errors import InputError
from mtcheck.language import MIN_LETTERS, cjk_share, require_english_target

from .formats_util import GLOSSARY, invoke

# Written for this test.
CHINESE = ["小米集团今天发布了新款手机，销量很好。", "雷军说，公司将继续投资线上线下渠道和大数据技术。"]
ENGLISH = ["Xiaomi released a new phone today and sales were good.", "Lei Jun said the company will keep investing."]


@pytest.mark.parametrize(
    "texts,share,letters",
    [
        (["abc"], 0.0, 3),
        (["小米"], 1.0, 2),
        (["ab小米"], 0.5, 4),
        (["12, 34!"], 0.0, 0),
        (["カナ한글"], 1.0, 4),
    ],
)
def test_cjk_share(texts, share, letters):
    assert cjk_share(texts) == (share, letters)


@pytest.mark.parametrize(
    "texts,rejected",
    [
        (CHINESE * 3, True),
        (ENGLISH, False),
        (["小米" * (MIN_LETTERS // 4)], False),  # too short to judge
        (["Xiaomi (小米) and Huawei (华为) opened 16,000 stores in Beijing (北京)."] * 5, False),  # mixed lines are fine
        (ENGLISH + CHINESE * 4, True),  # judged over the whole input
    ],
)
def test_require_english_target(texts, rejected):
    if rejected:
        with pytest.raises(InputError, match="mostly not English"):
            require_english_target(texts, where="f.txt")
    else:
        require_english_target(texts, where="f.txt")


def test_chinese_file_as_target_is_exit_2_with_a_source_hint(tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text("\n".join(CHINESE * 3) + "\n", encoding="utf-8")
    result = invoke(["check", str(path), "--no-embed", "--no-default-glossary", "--glossary", GLOSSARY])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "zh.txt" in result.stderr and "mostly not English" in result.stderr and "--source" in result.stderr


def test_english_file_still_checks(tmp_path):
    path = tmp_path / "en.txt"
    path.write_text("They set a record record.\n" + "\n".join(ENGLISH) + "\n", encoding="utf-8")
    assert invoke(["check", str(path), "--no-embed", "--no-default-glossary", "--glossary", GLOSSARY]).exit_code == 1


def test_line_count_mismatch_mentions_align(tmp_path):
    target = tmp_path / "mt.txt"
    target.write_text("\n".join(ENGLISH) + "\n", encoding="utf-8")
    source = tmp_path / "zh.txt"
    source.write_text(CHINESE[0] + "\n", encoding="utf-8")
    result = invoke(["check", str(target), "--source", str(source), "--no-embed"])
    assert result.exit_code == 2 and "--align" in result.stderr and result.stderr.count("\n") == 1
