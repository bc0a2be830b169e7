"""NM: person names — an article before a romanised Chinese name ("the Lei Jun")."""

from __future__ import annotations

import re
from typing import Iterable

from ..context import Document, make_finding
from ..models import Applicability, Edit, Finding, Fix, Segment, Severity
from ..registry import Rule, register_rule, segment_check

register_rule(Rule(
    "NM001", "article-before-name", "fluency", Severity.ERROR,
    "An article before a person's name (\"the Lei Jun said\").",
    "Chinese has no articles; MT sometimes inserts \"the\" before a romanised personal name. The rule "
    "fires on \"the\"/\"a\" followed by a common Chinese surname and a pinyin given name, or by a name the "
    "glossary lists as a person, unless the name is used attributively (\"the Lei Jun interview\") or "
    "is part of a longer proper noun (\"the Li River\").",
    fixable=True,
))

SURNAMES = set("""
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie Song Tang Han
Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Cui Zhong Tan
Fan Jin Shi Liao Jia Xia Fu Fang Bai Zou Meng Xiong Qin Qiu Yin Xue Yan Duan Lei Hou Long Tao Gu Mao Hao Gong Shao
Wan Qian Dai Mo Kong Xiang Chang Kang Niu Qi Ge Guan Lai Lan Mei Ni Ou Pang Qu Rao Sha Tong Wen Xing Yi Zhan Zhuang
""".split())
_SYLLABLE = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui|er|a|e|i|o|u|v)"
_GIVEN = re.compile(rf"^[A-Z](?:{_SYLLABLE}){{1,2}}$", re.IGNORECASE)
_PATTERN = re.compile(r"\b(the|The|a|A)\s+([A-Z][a-z]+)\s+([A-Z][a-z]+(?:-[a-z]+)?)\b")
# Words after a name that show it is part of a larger noun phrase, not the person.
_ATTRIBUTIVE_NEXT = re.compile(
    r"^\s+(?:[A-Z]|era|family|team|case|interview|administration|government|dynasty|river|road|street|bridge|temple|"
    r"mountain|district|county|group|company|building|lake|province|village|style|model|effect|foundation|award|prize|"
    r"school|university|museum|park|memorial|report|speech|doctrine|years|period|cabinet)",
)


def _is_name(surname: str, given: str) -> bool:
    return surname in SURNAMES and bool(_GIVEN.match(given.replace("-", "")))


@segment_check("NM001")
def check_names(segment: Segment, doc: Document) -> Iterable[Finding]:
    text = segment.target
    for match in _PATTERN.finditer(text):
        article, surname, given = match.groups()
        if not _is_name(surname, given):
            continue
        if _ATTRIBUTIVE_NEXT.match(text[match.end():]):
            continue
        name = f"{surname} {given}"
        fix = Fix((Edit(match.start(), match.end(), name),), Applicability.SAFE, f'Remove "{article}"')
        yield make_finding(
            "NM001", segment, match.start(), match.end(), f'article before the name "{name}": write "{name}"',
            suggestions=(name,), fix=fix, options=doc.run.options,
        )
