"""Chinese segmentation from jieba's prefix dictionary grouped by first character and kept
on disk (mtcheck.bilingual.prefix_dictionary): the same words as a fully loaded jieba
tokenizer, a cache keyed by the dictionary's content, damaged files ignored and rebuilt."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcheck.bilingual import prefix_dictionary
from mtcheck.bilingual.jieba_module import load_jieba
from mtcheck.bilingual.prefix_dictionary import PrefixDictionary, StoredDictionary, build_groups, stored_path
from mtcheck.bilingual.segmenter import _WORD_FREQUENCY, LazyTokenizer

from .conftest import modules_imported_by

EXTRA = frozenset({"十九大", "线上线下", "小米", "小米手机", "吉利", "大数据中心", "研究生命"})
SENTENCES = (  # written for these tests
    "党的十九大报告提出线上线下融合发展。",
    "小米手机销量上升，吉利汽车推出新车型。",
    "大数据中心建设加快，出货量达到1.6万台。",
    "他说：“我们明天去北京开会。”",
    "Apple 和华为发布了 5G 手机",
    "研究生命的起源是一个大问题",
    "结婚的和尚未结婚的人都来了",
    "小米小米小米",
)
ALPHABET = sorted(set("".join(SENTENCES) + "".join(EXTRA) + "中国人民银行行长说了 ,。1aZ"))
TINY = "研究 50 n\n研究生 20 n\n生命 40 n\n命 5 n\n起源 30 n\n的 100 uj\n起 3 v\n"


def full_tokenizer(words, dictionary: str | None = None, tmp_dir=None):
    """jieba as it is used without the grouped dictionary: everything loaded, words added."""
    tokenizer = load_jieba().Tokenizer(dictionary) if dictionary else load_jieba().Tokenizer()
    if tmp_dir is not None:
        tokenizer.tmp_dir = str(tmp_dir)
    tokenizer.initialize()
    for word in sorted(words):
        tokenizer.add_word(word, freq=_WORD_FREQUENCY)
    return tokenizer


@pytest.fixture(scope="module")
def jieba_pair(tmp_path_factory):
    """A fully loaded jieba tokenizer, and a lazy one from a fresh disk cache."""
    folder = tmp_path_factory.mktemp("cache")
    return full_tokenizer(EXTRA), LazyTokenizer(EXTRA, PrefixDictionary(folder=folder))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_lazy_tokenizer_cuts_as_jieba_with_the_whole_dictionary(jieba_pair, sentence):
    full, lazy = jieba_pair
    assert lazy.tokenize(sentence) == list(full.tokenize(sentence))


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=30))
def test_lazy_tokenizer_cuts_any_text_as_jieba(jieba_pair, text):
    full, lazy = jieba_pair
    assert lazy.tokenize(text) == list(full.tokenize(text))


def test_lazy_dictionary_is_jiebas_restricted_to_the_characters_seen(jieba_pair):
    """The state jieba's algorithm reads (its FREQ and total) is the fully loaded one's,
    restricted to the entries that start with a character of the texts seen."""
    full, lazy = jieba_pair
    lazy.tokenize("小米手机和研究生命的十九大")
    seen = lazy._loaded
    assert lazy._jieba.total == full.total
    assert lazy._jieba.FREQ == {word: count for word, count in full.FREQ.items() if word[0] in seen}


def test_extra_words_come_out_whole(jieba_pair):
    _, lazy = jieba_pair
    words = [word for word, _, _ in lazy.tokenize("党的十九大报告提出线上线下融合")]
    assert "十九大" in words and "线上线下" in words


# --- the stored dictionary: a tiny dictionary file stands in for jieba's --------------------

@pytest.fixture()
def tiny(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_bytes(TINY.encode("utf-8"))
    return path


def sound_file(dictionary: PrefixDictionary) -> StoredDictionary:
    return StoredDictionary(dictionary.file.read_bytes(), dictionary.digest)


def test_groups_hold_every_entry_of_the_dictionary_by_first_character(tiny):
    groups, total = build_groups(tiny)
    assert total == 50 + 20 + 40 + 5 + 30 + 100 + 3
    assert groups["研"] == {"研": 0, "研究": 50, "研究生": 20}
    assert groups["起"] == {"起": 3, "起源": 30}
    dictionary = PrefixDictionary(tiny, folder=None)
    assert dictionary.total == total and dictionary.group("生") == {"生": 0, "生命": 40} and dictionary.group("x") == {}


def test_second_load_reads_the_file_without_building(tiny, tmp_path, monkeypatch):
    first = PrefixDictionary(tiny, folder=tmp_path / "cache")
    assert first.file.is_file() and first.file.parent.name == "jieba"

    def no_build(path):
        raise AssertionError("built again")

    monkeypatch.setattr(prefix_dictionary, "build_groups", no_build)
    second = PrefixDictionary(tiny, folder=tmp_path / "cache")
    assert second.total == first.total
    assert {c: second.group(c) for c in "研生命起的x"} == {c: first.group(c) for c in "研生命起的x"}


def test_a_changed_dictionary_gets_its_own_file(tiny, tmp_path):
    folder = tmp_path / "cache"
    before = PrefixDictionary(tiny, folder=folder)
    tiny.write_bytes((TINY + "研究所 7 n\n").encode("utf-8"))
    after = PrefixDictionary(tiny, folder=folder)
    assert after.file != before.file and after.file.is_file()
    assert after.group("研") == {"研": 0, "研究": 50, "研究生": 20, "研究所": 7}
    assert after.total == before.total + 7
    assert stored_path(folder, after.digest) == after.file


def test_cache_off_builds_in_memory(tiny, tmp_path):
    dictionary = PrefixDictionary(tiny, folder=None)
    assert dictionary.file is None and dictionary.group("研")["研究"] == 50
    assert list(tmp_path.rglob("*.bin")) == []


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def _group_position(data: bytes, first: str) -> int:
    header_end = data.index(b"\n", len(prefix_dictionary.MAGIC))
    return header_end + 1 + data[header_end + 1:].index(f'"{first}'.encode("utf-8")) + 2


CORRUPTIONS = {
    "garbage": lambda data: b"\x00\xff not a dictionary" * 10,
    "empty": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "header byte": lambda data: _flip(data, len(prefix_dictionary.MAGIC) + 20),
    "header total": lambda data: data.replace(b'"total":248', b'"total":249'),
    "group byte": lambda data: _flip(data, _group_position(data, "研")),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_damaged_file_is_ignored_and_rebuilt(corruption, tiny, tmp_path):
    folder = tmp_path / "cache"
    good = PrefixDictionary(tiny, folder=folder)
    data = good.file.read_bytes()
    damaged = CORRUPTIONS[corruption](data)
    assert damaged != data
    good.file.write_bytes(damaged)
    again = PrefixDictionary(tiny, folder=folder)
    assert again.total == 248
    assert again.group("研") == {"研": 0, "研究": 50, "研究生": 20}  # a damaged group is rebuilt when it is read
    assert good.file.read_bytes() == data  # and the file is sound again
    assert sound_file(again).group("研") == {"研": 0, "研究": 50, "研究生": 20}


def test_lazy_tokenizer_on_a_damaged_file_cuts_as_jieba(tiny, tmp_path):
    folder = tmp_path / "cache"
    good = PrefixDictionary(tiny, folder=folder)
    good.file.write_bytes(_flip(good.file.read_bytes(), _group_position(good.file.read_bytes(), "研")))
    words = frozenset({"生命的起源"})
    lazy = LazyTokenizer(words, PrefixDictionary(tiny, folder=folder))
    full = full_tokenizer(words, str(tiny), tmp_path)
    for text in ("研究生命的起源", "起源的研究", "研究生的生命"):
        assert lazy.tokenize(text) == list(full.tokenize(text))


def test_segmenting_does_not_import_pkg_resources(tmp_path):
    code = (
        "import os; os.environ['MTCHECK_CACHE_DIR'] = " + repr(str(tmp_path / "cache")) + "\n"
        "from mtcheck.bilingual.segmenter import segment\n"
        "assert [t.word for t in segment('小米发布了手机', ['小米'])][0] == '小米'\n"
    )
    assert modules_imported_by(code, ("jieba", "pkg_resources")) == ["jieba"]
