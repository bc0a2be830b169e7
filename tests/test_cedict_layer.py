"""The generated CC-CEDICT glossary layer: selection, renderings, ambiguity, and freshness."""

from __future__ import annotations

import pytest

from mtcheck.bilingual.cedict import Cedict, parse_lines
from mtcheck.glossary.cedict_layer import (
    COMMAND, GENERATED_FILE, Curated, Rendering, generate_rows, is_ordinary_english, kind_of, name_in,
    render_csv,
)
from mtcheck.glossary.loader import default_glossary_dir, read_glossary_rows

# Made-up dictionary lines in CC-CEDICT's format (not copied from CC-CEDICT).
LINES = [
    "紅 红 [hong2] /red/popular/",
    "米 米 [mi3] /rice/meter (classifier)/",
    "紅米 红米 [Hong2 mi3] /Redmi, phone brand of a Chinese company/",
    "紅米 红米 [hong2 mi3] /red rice/",
    "金 金 [jin1] /gold/money/",
    "山 山 [shan1] /mountain/hill/",
    "金山 金山 [Jin1 shan1] /Jinshan district of Shanghai/",
    "星 星 [xing1] /star/",
    "光 光 [guang1] /light/",
    "星光 星光 [Xing1 guang1] /Starlite Corporation, Chinese lamp maker/",
    "藍 蓝 [lan2] /blue/",
    "蓝星 蓝星 [Lan2 xing1] /Bluestar Group, Chinese chemical company/",
    "蓝光 蓝光 [Lan2 guang1] /Blue Light Group, Chinese property developer/",
    "新浪 新浪 [Xin1 lang4] /Sina, Chinese web portal/",
    "微博 微博 [wei1 bo2] /microblogging/microblog/",
    "新浪微博 新浪微博 [Xin1 lang4 Wei1 bo2] /Sina Weibo, Chinese microblogging website/",
    "李 李 [Li3] /surname Li/",
    "李白 李白 [Li3 Bai2] /Li Bai (701-762), Tang poet/",
]
NOTHING = Curated(frozenset(), frozenset(), frozenset())
# A stand-in for English word frequency (Zipf scale): the generator takes it as a function.
FREQUENCY = {
    "red rice": 3.0, "red": 5.3, "rice": 5.0, "popular": 5.0, "gold": 5.0, "money": 5.4, "mountain": 2.0,
    "star": 5.0, "light": 5.2, "blue": 5.1, "the masses": 3.9, "know": 6.2, "at": 6.6,
}


def zipf(text: str) -> float:
    return FREQUENCY.get(text, 0.0)


def rows_by_name(rows):
    return {(row.approved, row.ambiguous): row for row in rows}


@pytest.mark.parametrize("gloss, name", [
    ("Sina, Chinese web portal and online media company", "Sina"),
    ("Jinshan district of Shanghai", "Jinshan"),
    ("Industrial and Commercial Bank of China", "Industrial and Commercial Bank of China"),
    ("Huawei (brand)", "Huawei"),
    ("see 某某[mou3 mou3]", None),
    ("surname Hong", None),
    ("red rice", None),
])
def test_name_in_gloss(gloss, name):
    assert name_in(gloss) == name


@pytest.mark.parametrize("gloss, kind", [
    ("Gree (brand)", "brand"),
    ("Bluestar Group, Chinese chemical company", "company"),
    ("People's Daily (PRC newspaper)", "media"),
    ("Tsinghua University, Beijing", "institution"),
    ("Jinshan district of Shanghai", "place"),
    ("red rice", None),
])
def test_kind_of_gloss(gloss, kind):
    assert kind_of(gloss) == kind


@pytest.mark.parametrize("rendering, expected", [
    (Rendering("gold mountain", "composition", ""), False),  # a rare word in it: fires unconditionally
    (Rendering("blue star", "composition", ""), True),  # two ordinary words: sense-gated
    (Rendering("blue star light", "composition", ""), False),
    (Rendering("know at", "composition", ""), None),  # a function word in it: noise, not a name  # three glosses are not an English phrase
    (Rendering("red rice", "sense", ""), True),  # ordinary English: sense-gated
    (Rendering("the masses", "sense", ""), None),  # the headword's common meaning, too common to list
    (Rendering("rice", "composition", ""), None),  # too common to list
    (Rendering("Hong Mi", "pinyin", ""), False),  # pinyin is judged joined
])
def test_ordinary_english_by_frequency(rendering, expected):
    assert is_ordinary_english(rendering, zipf) is expected


def test_company_gets_sense_composition_and_pinyin_split_by_ambiguity():
    rows = rows_by_name(generate_rows(Cedict(parse_lines(LINES)), NOTHING, zipf))
    plain, gated = rows[("Redmi", False)], rows[("Redmi", True)]
    assert plain.headwords == ("红米|紅米",)
    assert plain.cells()["source"] == ""  # not a BI001 key term
    assert "红米|紅米" in plain.cells()["note"]
    assert plain.wrong == ("Hongmi", "Hong Mi")
    # The common sense and the first composition are one rendering; the second gloss of 红 is composed too.
    assert gated.wrong == ("red rice", "popular rice")
    cells = gated.cells()
    assert "Redmi" in cells["intended_sense"] and "red rice" in cells["literal_sense"]
    assert len(cells["literal_sense"].split("|")) >= 2
    assert cells["autofix"] == "unsafe" and plain.cells()["literal_sense"] == ""


def test_place_keeps_only_unambiguous_renderings_and_person_is_skipped():
    rows = rows_by_name(generate_rows(Cedict(parse_lines(LINES)), NOTHING, zipf))
    assert rows[("Jinshan", False)].wrong == ("gold mountain", "money mountain")
    assert ("Jinshan", True) not in rows  # a place's ordinary-English gloss is never listed
    assert not any(name.startswith("Li Bai") for name, _ in rows)


def test_rendering_in_the_approved_name_is_dropped():
    rows = rows_by_name(generate_rows(Cedict(parse_lines(LINES)), NOTHING, zipf))
    assert rows[("Starlite Corporation", True)].wrong == ("star light",)
    assert "Xingguang" in rows[("Starlite Corporation", False)].wrong
    assert "blue star" in rows[("Bluestar Group", True)].wrong
    assert rows[("Blue Light Group", False)].wrong == ("Languang", "Lan Guang")  # "blue light" is in the name
    assert ("Blue Light Group", True) not in rows


def test_longer_name_is_rendered_word_by_word():
    rows = rows_by_name(generate_rows(Cedict(parse_lines(LINES)), NOTHING, zipf))
    assert rows[("Sina Weibo", False)].wrong == ("Sina microblogging", "Xinlangweibo", "Xinlang Weibo")


def test_names_shared_by_two_headwords_are_one_row():
    lines = LINES + ["超 超 [chao1] /exceed/", "碗 碗 [wan3] /bowl/", "杯 杯 [bei1] /cup/",
                     "超碗 超碗 [Chao1 wan3] /Super Bowl (brand)/", "超杯 超杯 [Chao1 bei1] /Super Bowl (brand)/"]
    rows = [row for row in generate_rows(Cedict(parse_lines(lines)), NOTHING, zipf) if row.approved == "Super Bowl"]
    assert len(rows) == 1
    assert rows[0].headwords == ("超杯", "超碗")
    assert rows[0].wrong == ("exceed cup", "Chaobei", "Chao Bei", "exceed bowl", "Chaowan", "Chao Wan")


def test_curated_headwords_and_renderings_win():
    curated = Curated(frozenset({"红米"}), frozenset({"gold mountain"}), frozenset({"xingguang"}))
    rows = rows_by_name(generate_rows(Cedict(parse_lines(LINES)), curated, zipf))
    assert not any(name == "Redmi" for name, _ in rows)
    assert rows[("Jinshan", False)].wrong == ("money mountain",)  # "gold mountain" is approved elsewhere
    assert "Xingguang" not in rows[("Starlite Corporation", False)].wrong


def test_name_listed_wrong_by_a_curated_file_is_not_generated():
    curated = Curated(frozenset(), frozenset(), frozenset({"jinshan"}))
    rows = rows_by_name(generate_rows(Cedict(parse_lines(LINES)), curated, zipf))
    assert not any(name == "Jinshan" for name, _ in rows)


def test_rendered_csv_is_sorted_and_parses(tmp_path):
    path = tmp_path / "generated.csv"
    path.write_text(render_csv(generate_rows(Cedict(parse_lines(LINES)), NOTHING, zipf)), encoding="utf-8")
    entries, problems = read_glossary_rows(path)
    assert problems == []
    names = [entry.preferred.casefold() for entry in entries]
    assert names == sorted(names)


def test_committed_file_is_fresh():
    pytest.importorskip("wordfreq")
    from mtcheck.glossary.cedict_layer import generate

    committed = (default_glossary_dir() / GENERATED_FILE).read_text(encoding="utf-8")
    assert committed == generate(), f"data/glossaries/{GENERATED_FILE} is stale: run `{COMMAND}`"
