"""The on-disk matcher cache: keyed by glossary content, atomic, and never trusted blindly."""

from __future__ import annotations

import pytest

from mtcheck.glossary import cache
from mtcheck.glossary.loader import load_glossary
from mtcheck.glossary.matcher import GlossaryMatcher

HEADER = "approved,wrong,case_sensitive,intended_sense,literal_sense,domain\n"
ROWS = (
    "Xiaomi,millet,no,Xiaomi released a phone,millet is a grain,company\n"
    "Huawei,,yes,,,company\n"
    "online and offline,line and line,no,,,business\n"
    "big data,large data,no,,,technology\n"
)
TEXTS = [
    "Millet and HUAWEI sell phones online and offline.",
    "The new retailing of the line and line uses large-data tools.",
    "millet porridge",
    "",
]


@pytest.fixture
def glossary_file(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    cache.clear_memory_cache()
    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    yield tmp_path / "cache"
    cache.clear_memory_cache()


def _cached(glossary, folder):
    return cache.cached_matcher(glossary, folder, min_entries=0)


def test_cache_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == tmp_path
    monkeypatch.setenv("MTCHECK_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    monkeypatch.delenv("MTCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "mtcheck"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir().parts[-2:] == (".cache", "mtcheck")


def test_first_run_writes_and_second_run_reads(glossary_file, folder):
    glossary = load_glossary(glossary_file)
    built = _cached(glossary, folder)
    path = cache.matcher_path(glossary, folder)
    assert path.is_file() and glossary.digest in path.name
    cache.clear_memory_cache()
    read = cache.read_matcher(path, glossary)
    assert read is not None
    for text in TEXTS:
        assert read.find(text) == built.find(text) == GlossaryMatcher(glossary.entries).find(text)


def test_key_is_the_content_hash(glossary_file, folder, tmp_path):
    first = load_glossary(glossary_file)
    _cached(first, folder)
    changed = tmp_path / "changed.csv"
    changed.write_text(HEADER + ROWS + "new retail,new retailing,no,,,business\n", encoding="utf-8")
    second = load_glossary(changed)
    assert cache.matcher_path(first, folder) != cache.matcher_path(second, folder)
    matcher = _cached(second, folder)
    assert [h.pattern for h in matcher.find("the new retailing")] == ["new retailing"]


def test_same_content_elsewhere_keeps_its_own_origins(glossary_file, folder, tmp_path):
    _cached(load_glossary(glossary_file), folder)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(glossary_file.read_bytes())
    other = load_glossary(copy)
    matcher = _cached(other, folder)
    assert matcher.entries is other.entries
    cache.clear_memory_cache()
    from_disk = _cached(other, folder)
    assert all(entry.origin.startswith(str(copy)) for entry in from_disk.entries)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage", None])
def test_corrupt_cache_files_are_ignored_and_replaced(glossary_file, folder, damage):
    glossary = load_glossary(glossary_file)
    path = cache.matcher_path(glossary, folder)
    path.parent.mkdir(parents=True)
    if damage is None:  # a valid pickle of the wrong shape
        import pickle

        damage = pickle.dumps(("something", "else"))
    path.write_bytes(damage)
    assert cache.read_matcher(path, glossary) is None
    matcher = _cached(glossary, folder)
    assert [h.pattern for h in matcher.find("millet")] == ["millet"]
    assert cache.read_matcher(path, glossary) is not None, "the bad file was rewritten"


def test_stale_file_for_another_glossary_is_not_used(glossary_file, folder, tmp_path):
    glossary = load_glossary(glossary_file)
    other_file = tmp_path / "other.csv"
    other_file.write_text(HEADER + "big data,large data,no,,,technology\n", encoding="utf-8")
    other = load_glossary(other_file)
    _cached(other, folder)
    # Put the other glossary's file where this glossary's would be.
    cache.matcher_path(other, folder).rename(cache.matcher_path(glossary, folder))
    assert cache.read_matcher(cache.matcher_path(glossary, folder), glossary) is None


def test_small_glossaries_and_disabled_cache_write_nothing(glossary_file, folder, monkeypatch):
    glossary = load_glossary(glossary_file)
    cache.cached_matcher(glossary, folder)  # 4 entries: below MIN_CACHED_ENTRIES
    assert not folder.exists()
    cache.clear_memory_cache()
    monkeypatch.setenv("MTCHECK_CACHE_DIR", "off")
    cache.cached_matcher(glossary, min_entries=0)
    assert not folder.exists()


def test_unwritable_cache_folder_still_checks(glossary_file, tmp_path):
    cache.clear_memory_cache()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    matcher = cache.cached_matcher(load_glossary(glossary_file), blocker, min_entries=0)
    assert [h.pattern for h in matcher.find("large data")] == ["large data"]


def test_no_temporary_files_left(glossary_file, folder):
    _cached(load_glossary(glossary_file), folder)
    assert [p.name for p in (folder / "matchers").iterdir() if p.name.endswith(".tmp")] == []


def test_check_run_uses_the_disk_cache(glossary_file, folder, monkeypatch):
    from mtcheck.api import check_text
    from mtcheck.options import CheckOptions

    monkeypatch.setattr(cache, "MIN_CACHED_ENTRIES", 0)
    options = CheckOptions(glossaries=(str(glossary_file),), use_default_glossary=False, embed=False)
    first = check_text("Sales of millet phones grew online and offline.", options)
    assert list((folder / "matchers").glob("*.pickle"))
    cache.clear_memory_cache()
    second = check_text("Sales of millet phones grew online and offline.", options)
    assert first.findings == second.findings and first.findings


# The parsed entries of a glossary file (mtcheck.glossary.entries_cache).


@pytest.fixture
def small_cached(monkeypatch):
    from mtcheck.glossary import entries_cache

    monkeypatch.setattr(entries_cache, "MIN_CACHED_CHARS", 0)
    return entries_cache


def _no_parsing(monkeypatch):
    from mtcheck.glossary import loader

    def refuse(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(loader, "parse_glossary", refuse)


def test_second_load_reads_the_parsed_entries(glossary_file, folder, small_cached, monkeypatch):
    first = load_glossary(glossary_file)
    assert list((folder / "glossaries").glob("*.pickle"))
    _no_parsing(monkeypatch)
    second = load_glossary(glossary_file)
    assert second == first and second.entries == first.entries
    assert [entry.origin for entry in second.entries] == [f"{glossary_file}:{n}" for n in range(2, 6)]
    assert second.entries[0].literal_sense == ("millet is a grain",) and second.entries[0].ambiguous


def test_parsed_entries_are_keyed_by_content_and_path(glossary_file, folder, small_cached, tmp_path):
    load_glossary(glossary_file)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(glossary_file.read_bytes())
    assert all(entry.origin.startswith(str(copy)) for entry in load_glossary(copy).entries)
    glossary_file.write_text(HEADER + ROWS + "new retail,new retailing,no,,,business\n", encoding="utf-8")
    assert load_glossary(glossary_file).entries[-1].wrong == ("new retailing",)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage", None])
def test_corrupt_entry_caches_are_parsed_again_and_replaced(glossary_file, folder, small_cached, damage):
    import pickle

    expected = load_glossary(glossary_file)
    (path,) = (folder / "glossaries").glob("*.pickle")
    path.write_bytes(pickle.dumps((small_cached.FORMAT, "x", "y", (), [])) if damage is None else damage)
    assert load_glossary(glossary_file).entries == expected.entries
    assert small_cached.read_entries(path, expected.digest, str(glossary_file)) == expected.entries


def test_a_glossary_with_problems_is_not_cached(folder, small_cached, tmp_path):
    from mtcheck.errors import GlossaryError

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Xiaomi,millet,perhaps,,,company\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(GlossaryError, match="case_sensitive"):
            load_glossary(bad)
    assert not (folder / "glossaries").exists()


def test_small_glossaries_write_no_entry_cache(glossary_file, folder):
    load_glossary(glossary_file)
    assert not (folder / "glossaries").exists()
