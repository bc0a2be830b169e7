"""How MT spells a Chinese name it does not know: pinyin, in the spacings and casings it uses.

A name MT has no English for comes out as pinyin, and not always one way: 金山云 is
"Jinshanyun", "Jin Shan Yun", "Jin Shanyun" or "Jinshan Yun"; a name with a generic ending
keeps the name in pinyin and translates the ending (联想集团 "Lianxiang Group", 集微网
"Jiwei Network"). A person's name is written surname first, and that spelling ("Lei Jun",
"Dong Mingzhu") is the right one: only the joined and the syllable-by-syllable forms are wrong.

Pure functions over plain strings; `syllables_of` reads pypinyin (lazily, build time only).
"""

from __future__ import annotations

import re
from typing import Sequence

MAX_NAME_SYLLABLES = 4
_HAN = re.compile(r"[\u3400-\u9fff]+")

# Generic endings of a name and the English MT puts for them (the English is the name's own
# word in most approved names: Kingsoft Cloud, Lenovo Group, Bank of ...).
ENDINGS: dict[str, tuple[str, ...]] = {
    "云": ("Cloud",),
    "网": ("Network", "Net"),
    "科技": ("Technology", "Science and Technology"),
    "集团": ("Group",),
    "公司": ("Company",),
    "手机": ("mobile phone", "phone"),
    "汽车": ("Automobile", "Auto"),
    "电子": ("Electronics",),
    "电器": ("Electric Appliance", "Electrical Appliances"),
    "控股": ("Holdings",),
    "股份": ("Shares",),
    "智能": ("Intelligent",),
    "通信": ("Communications",),
    "通讯": ("Communications",),
    "半导体": ("Semiconductor",),
    "微电子": ("Microelectronics",),
    "证券": ("Securities",),
    "保险": ("Insurance",),
    "资本": ("Capital",),
    "传媒": ("Media",),
    "医药": ("Pharmaceutical", "Medicine"),
    "能源": ("Energy",),
    "地产": ("Real Estate",),
    "物流": ("Logistics",),
    "航空": ("Airlines", "Aviation"),
    "视频": ("Video",),
    "音乐": ("Music",),
    "地图": ("Map",),
    "新闻": ("News",),
    "财经": ("Finance",),
    "日报": ("Daily",),
}


# The commonest Chinese surnames, in pinyin. "Wang Yi" (网易 spelt out) is first of all a
# person's name, so a two-syllable spelling that starts with one of these is not listed.
SURNAMES = frozenset("""
wang li zhang liu chen yang huang zhao zhou wu xu sun ma hu zhu guo he luo gao lin zheng liang xie
tang song han deng peng cao zeng tian xiao pan yuan cai jiang yu du ye cheng wei su lu ding ren yao
shen zhong cui tan fan liao shi jin jia xia fu fang zou xiong bai meng qin qiu hou yin xue yan duan
lei long tao mao hao gu gong shao wan qian dai kong chang kang yi qiao lai wen hong xin ke zhuang ge
bao niu qi an mo ou yue
""".split())


def looks_like_a_person(spelling: str) -> bool:
    """A surname and a one-syllable given name, spelt as a person's name: "Wang Yi", "Zhong Jian"."""
    words = spelling.lower().split()
    return len(words) == 2 and words[0] in SURNAMES and len(words[1]) <= 6


def syllables_of(headword: str) -> list[str] | None:
    """Toneless pinyin, one syllable per character (ü as u), or None for a headword that is not
    all Chinese characters."""
    if not _HAN.fullmatch(headword):
        return None
    from pypinyin import Style, lazy_pinyin

    syllables = [s.replace("v", "u") for s in lazy_pinyin(headword, style=Style.NORMAL)]
    if len(syllables) != len(headword) or not all(s.isalpha() and s.isascii() for s in syllables):
        return None
    return syllables


def _cap(syllables: Sequence[str]) -> str:
    return "".join(syllables).lower().capitalize()


def name_spellings(syllables: Sequence[str], person: bool = False) -> list[str]:
    """The pinyin spellings MT writes for a name: joined and one word per syllable, and for
    three syllables the two name-like splits (Jin Shanyun, Jinshan Yun), for four the halves
    (Xinlang Weibo). For a person only the spellings that are not surname-first: joined
    (Leijun) and, from three syllables, one word per syllable (Dong Ming Zhu)."""
    s = [syllable.lower() for syllable in syllables]
    if not 2 <= len(s) <= MAX_NAME_SYLLABLES:
        return []
    found = [_cap(s)]
    if not person or len(s) >= 3:
        if len(s) <= 3:
            found.append(" ".join(_cap([x]) for x in s))
    if not person:
        if len(s) == 3:
            found += [f"{_cap(s[:1])} {_cap(s[1:])}", f"{_cap(s[:2])} {_cap(s[2:])}"]
        elif len(s) == 4:
            found.append(f"{_cap(s[:2])} {_cap(s[2:])}")
    return list(dict.fromkeys(found))


def split_ending(headword: str) -> tuple[str, str] | None:
    """(stem, ending) for a name of a stem of two or three characters and a generic ending
    (金山云 -> 金山, 云), the longest ending first; else None."""
    for ending in sorted(ENDINGS, key=len, reverse=True):
        stem = headword[: -len(ending)]
        if headword.endswith(ending) and 2 <= len(stem) <= 3:
            return stem, ending
    return None


def ending_spellings(stem_syllables: Sequence[str], english: Sequence[str]) -> list[str]:
    """The stem in joined pinyin, the rest in English: "Lianxiang Group", "Jiwei Network"."""
    return [f"{_cap(stem_syllables)} {word}" for word in english]


def squashed(text: str) -> str:
    """Lower-case letters only: how a pinyin is compared with an English name."""
    return re.sub(r"[^a-z]", "", text.lower())


def is_pinyin_of(name: str, joined: str) -> bool:
    """The English name is itself the pinyin (Haier for 海尔, Xiaomi for 小米科技), or
    contains it (Alibaba Cloud|Aliyun): the pinyin is then no mistake."""
    name = squashed(name)
    return bool(name) and (joined in name or name.startswith(joined) or joined.startswith(name))
