"""Pinyin spellings of names MT leaves untranslated, and the generated rows for curated names."""

from __future__ import annotations

import pytest

from mtcheck.bilingual.cedict import Cedict, parse_lines
from mtcheck.glossary.cedict_layer import Curated, CuratedName, curated_renderings, generate_rows
from mtcheck.glossary.pinyin_spellings import (
    ending_spellings, is_pinyin_of, looks_like_a_person, name_spellings, split_ending, syllables_of,
)

# Made-up dictionary lines in CC-CEDICT's format (not copied from CC-CEDICT).
LINES = [
    "辦公 办公 [ban4 gong1] /to work/office/",
    "金山 金山 [Jin1 shan1] /Jinshan district of Shanghai/",
    "曾 曾 [Zeng1] /surname Zeng/",
]


def zipf(text: str) -> float:
    return {"maile": 3.0, "mile": 4.5}.get(text, 0.0)


def curated(*names: CuratedName, wrong_of=()) -> Curated:
    accepted = frozenset(a.lower() for n in names for a in n.accepted)
    return Curated(frozenset(h for n in names for h in n.headwords), accepted,
                   frozenset(w for w, _, _ in wrong_of), names, tuple(wrong_of))


@pytest.mark.parametrize("syllables, person, expected", [
    (["jin", "shan", "yun"], False, ["Jinshanyun", "Jin Shan Yun", "Jin Shanyun", "Jinshan Yun"]),
    (["qing", "yun"], False, ["Qingyun", "Qing Yun"]),
    (["xin", "lang", "wei", "bo"], False, ["Xinlangweibo", "Xinlang Weibo"]),
    (["lei", "jun"], True, ["Leijun"]),  # Lei Jun, surname first, is the name
    (["dong", "ming", "zhu"], True, ["Dongmingzhu", "Dong Ming Zhu"]),
    (["mi"], False, []),
    (["a", "b", "c", "d", "e"], False, []),
])
def test_name_spellings(syllables, person, expected):
    assert name_spellings(syllables, person=person) == expected


@pytest.mark.parametrize("headword, expected", [
    ("金山云", ("金山", "云")),
    ("联想集团", ("联想", "集团")),
    ("集微网", ("集微", "网")),
    ("小米半导体", ("小米", "半导体")),
    ("云", None),
    ("七牛", None),
])
def test_split_ending(headword, expected):
    assert split_ending(headword) == expected


def test_ending_spellings_keep_the_stem_in_pinyin():
    assert ending_spellings(["lian", "xiang"], ("Group",)) == ["Lianxiang Group"]


@pytest.mark.parametrize("name, joined, expected", [
    ("Haier", "haier", True),
    ("Haier Group", "haier", True),
    ("Aliyun", "aliyun", True),
    ("Xiaomi", "xiaomikeji", True),
    ("Kingsoft Cloud", "jinshanyun", False),
    ("QingCloud", "qingyun", False),
])
def test_is_pinyin_of(name, joined, expected):
    assert is_pinyin_of(name, joined) is expected


def test_syllables_of_reads_chinese_only():
    assert syllables_of("金山云") == ["jin", "shan", "yun"]
    assert syllables_of("绿之韵") == ["lu", "zhi", "yun"]  # ü is written u
    assert syllables_of("骁龙8") is None
    assert syllables_of("OPPO") is None


def test_curated_company_gets_its_pinyin_spellings():
    name = CuratedName(("金山云",), "Kingsoft Cloud", ("Kingsoft Cloud",), "company")
    texts = [r.text for r in curated_renderings(Cedict(parse_lines(LINES)), name, zipf)]
    assert texts == ["Jinshan Cloud", "Jinshanyun", "Jin Shan Yun", "Jin Shanyun", "Jinshan Yun"]


def test_name_that_is_its_pinyin_gets_none():
    name = CuratedName(("海尔集团",), "Haier Group", ("Haier Group", "Haier"), "company")
    assert curated_renderings(Cedict(parse_lines(LINES)), name, zipf) == []


def test_stem_that_is_another_curated_name_keeps_the_rest_in_english():
    name = CuratedName(("金山办公",), "Kingsoft Office", ("Kingsoft Office",), "company")
    texts = [r.text for r in curated_renderings(Cedict(parse_lines(LINES)), name, zipf, frozenset({"金山"}))]
    assert texts == ["Jinshan work"]  # not the whole in pinyin, "Jinshanbangong"


def test_stem_whose_pinyin_is_english_is_left_out():
    name = CuratedName(("麦乐集团",), "Wheat Joy Group", ("Wheat Joy Group",), "company")
    assert curated_renderings(Cedict(parse_lines(LINES)), name, zipf) == []  # not "Maile Group"


def test_person_only_when_the_surname_first_pinyin_is_approved():
    cedict = Cedict(parse_lines(LINES))
    lei = CuratedName(("雷军",), "Lei Jun", ("Lei Jun",), "person")
    assert [r.text for r in curated_renderings(cedict, lei, zipf)] == ["Leijun"]
    title = CuratedName(("省长",), "provincial governor", ("provincial governor",), "person")
    assert curated_renderings(cedict, title, zipf) == []


def test_generated_rows_for_curated_names():
    kingsoft_cloud = CuratedName(("金山云",), "Kingsoft Cloud", ("Kingsoft Cloud",), "company")
    qingcloud = CuratedName(("青云",), "QingCloud", ("QingCloud",), "company")
    rows = {row.approved: row for row in generate_rows(Cedict(parse_lines(LINES)), curated(kingsoft_cloud, qingcloud), zipf)
            if row.curated}
    assert rows["QingCloud"].wrong == ("Qingyun", "Qing Yun")
    assert rows["QingCloud"].cells()["source"] == "" and "curated headword 青云" in rows["QingCloud"].cells()["note"]
    assert not rows["QingCloud"].ambiguous and rows["QingCloud"].cells()["autofix"] == "unsafe"


def test_pinyin_of_a_gated_curated_rendering_is_left_to_it():
    kingsoft = CuratedName(("金山",), "Kingsoft", ("Kingsoft",), "company")
    rows = generate_rows(Cedict(parse_lines(LINES)), curated(kingsoft, wrong_of=[("jinshan", "kingsoft", True)]), zipf)
    assert not any("Jin Shan" in row.wrong for row in rows)


def test_pinyin_claimed_by_two_names_is_dropped():
    one = CuratedName(("青云",), "QingCloud", ("QingCloud",), "company")
    other = CuratedName(("轻云",), "Light Cloud", ("Light Cloud",), "company")
    rows = generate_rows(Cedict(parse_lines(LINES)), curated(one, other), zipf)
    assert not any("Qingyun" in row.wrong for row in rows)


@pytest.mark.parametrize("spelling, expected", [
    ("Wang Yi", True),  # 网易 spelt out is the name of a person first
    ("Zhong Jian", True),
    ("Qing Yun", False),  # Qing is no common surname
    ("Jin Shanyun", False),  # three syllables: the name-like split MT writes for 金山云
    ("Wangyi", False),
])
def test_looks_like_a_person(spelling, expected):
    assert looks_like_a_person(spelling) is expected


def test_two_syllable_spelling_like_a_person_is_left_out():
    netease = CuratedName(("网易",), "NetEase", ("NetEase",), "company")
    assert [r.text for r in curated_renderings(Cedict(parse_lines(LINES)), netease, zipf)] == ["Wangyi"]


def test_only_the_main_headword_is_spelt_out():
    cscec = CuratedName(("中国建筑", "中建"), "China State Construction Engineering", ("CSCEC",), "company")
    texts = [r.text for r in curated_renderings(Cedict(parse_lines(LINES)), cscec, zipf)]
    assert "Zhongjian" not in texts and "Zhongguo Jianzhu" in texts


def test_name_of_a_case_sensitive_curated_entry_gets_no_generated_row():
    daily = CuratedName(("人民日报",), "People's Daily", ("People's Daily",), "media")
    plain = curated(daily)
    reserved = Curated(plain.sources, plain.accepted, plain.wrong, plain.names, plain.wrong_of, frozenset({"people's daily"}))
    cedict = Cedict(parse_lines(LINES))
    assert any(row.approved == "People's Daily" for row in generate_rows(cedict, plain, zipf))
    assert not any(row.approved == "People's Daily" for row in generate_rows(cedict, reserved, zipf))


def test_person_spellings_survive_the_homophone_guard():
    # The letters of "Luoyonghao" are those of the approved "Luo Yonghao": that is the same
    # person, not another name.
    luo = CuratedName(("罗永浩",), "Luo Yonghao", ("Luo Yonghao",), "person")
    rows = [row for row in generate_rows(Cedict(parse_lines(LINES)), curated(luo), zipf) if row.curated]
    assert [row.wrong for row in rows] == [("Luoyonghao", "Luo Yong Hao")]
    assert rows[0].cells()["domain"] == "person"
