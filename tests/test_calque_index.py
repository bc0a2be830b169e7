"""The CC-CEDICT calque index: built from the dictionary, cached on disk by the data
file's hash and the recipe version, rebuilt when the cache is corrupt or stale."""

from __future__ import annotations

import gzip

import pytest

from mtcheck.bilingual import calque_index
from mtcheck.bilingual.calque_index import CalqueSense, build_index, cached_index, file_digest, from_json, index_path, to_json
from mtcheck.bilingual.cedict import Cedict, parse_lines

SAMPLE = """\
小米 小米 [Xiao3 mi3] /Xiaomi, Chinese electronics company founded in 2010/
小米 小米 [xiao3 mi3] /millet/
吉利 吉利 [Ji2 li4] /Geely, Chinese car manufacturer/
吉利 吉利 [ji2 li4] /lucky/auspicious/
華為 华为 [Hua2 wei2] /Huawei (brand)/
聯想 联想 [Lian2 xiang3] /Lenovo/
聯想 联想 [lian2 xiang3] /to associate (cognitively)/
"""


@pytest.fixture()
def data_file(tmp_path):
    path = tmp_path / "cedict.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(SAMPLE)
    return path


def test_index_holds_the_calque_prone_words_with_their_senses():
    index = build_index(Cedict(parse_lines(SAMPLE.splitlines())))
    assert index.calque_prone() == ("吉利", "小米")
    assert index.get("小米") == CalqueSense("Xiaomi", "Xiaomi, Chinese electronics company founded in 2010", ("millet",))
    assert index.get("吉利").literals == ("lucky", "auspicious")
    assert index.get("华为") is None


def test_json_round_trip_and_stale_or_corrupt_text_is_rejected():
    index = build_index(Cedict(parse_lines(SAMPLE.splitlines())))
    text = to_json(index, "abc")
    assert from_json(text, "abc") == index
    assert from_json(text, "other-file") is None
    assert from_json(text.replace('"version": 1', '"version": 999'), "abc") is None
    for corrupt in (text[: len(text) // 2], "[]", '{"version": 1}', "", '{"version": 1, "cedict_sha256": "abc", "words": {"x": [1, 2, []]}}'):
        assert from_json(corrupt, "abc") is None


def test_second_call_reads_the_cache_instead_of_parsing(data_file, tmp_path, monkeypatch):
    first = cached_index(data_file, tmp_path / "cache")
    path = index_path(tmp_path / "cache", file_digest(data_file))
    assert path.is_file()

    def no_parse(*args, **kwargs):
        raise AssertionError("CC-CEDICT parsed again")

    monkeypatch.setattr(Cedict, "from_file", no_parse)
    assert cached_index(data_file, tmp_path / "cache") == first


def test_corrupt_cache_is_rebuilt_and_replaced(data_file, tmp_path):
    folder = tmp_path / "cache"
    path = index_path(folder, file_digest(data_file))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not json")
    assert cached_index(data_file, folder).calque_prone() == ("吉利", "小米")
    assert from_json(path.read_text(encoding="utf-8"), file_digest(data_file)) is not None


def test_another_cedict_file_gets_another_cache_file(data_file, tmp_path):
    other = tmp_path / "other.txt.gz"
    with gzip.open(other, "wt", encoding="utf-8") as handle:
        handle.write(SAMPLE.replace("millet", "foxtail millet"))
    folder = tmp_path / "cache"
    cached_index(data_file, folder)
    assert cached_index(other, folder).get("小米").literals == ("foxtail millet",)
    assert len(list((folder / "cedict").iterdir())) == 2


def test_cache_off_builds_in_memory(data_file, tmp_path, monkeypatch):
    monkeypatch.setenv("MTCHECK_CACHE_DIR", "off")
    assert cached_index(data_file).calque_prone() == ("吉利", "小米")
    assert not any(tmp_path.rglob("calques-*.json"))


def test_bundled_index_matches_a_full_scan_of_cc_cedict(tmp_path):
    from mtcheck.bilingual.cedict import load_cedict

    cedict = load_cedict()
    index = cached_index(folder=tmp_path)
    slow = sorted(word for word, entries in cedict._index.items()
                  if len(word) >= 2 and entries[0].simplified == word and cedict.organisation_name(word))
    assert list(index.calque_prone()) == slow
    assert index.get("小米").name == "Xiaomi" and "millet" in index.get("小米").literals
    assert calque_index.load_calque_index().calque_prone() == index.calque_prone()
