"""Lint the bundled glossaries as data, in the style of codespell's dictionary tests."""

from __future__ import annotations

import configparser
import fnmatch
from pathlib import Path

import pytest

from mtcheck.glossary.loader import default_glossary_paths, lint_glossary, read_glossary_rows
from mtcheck.textutil import normalize

PATHS = default_glossary_paths()


def _all_entries():
    entries = []
    for path in PATHS:
        rows, problems = read_glossary_rows(path)
        assert problems == [], "\n".join(map(str, problems))
        entries.extend(rows)
    return entries


def test_bundled_glossaries_exist():
    assert PATHS, "no bundled glossary found in data/glossaries"


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_every_row_parses(path):
    entries, problems = read_glossary_rows(path)
    assert problems == [], "\n".join(map(str, problems))
    assert entries


def test_no_duplicates_no_approved_listed_as_wrong_and_sorted():
    problems = lint_glossary(_all_entries(), check_sorted=True)
    assert problems == [], "\n".join(map(str, problems))


def test_several_hundred_entries():
    assert len(_all_entries()) >= 300


CURATED_FILES = ("companies.csv", "events.csv", "finance.csv", "institutions.csv", "media.csv",
                 "places.csv", "policy.csv", "products.csv")


def test_curated_files_are_loaded_by_default():
    names = {path.name for path in PATHS}
    missing = [name for name in CURATED_FILES if name not in names]
    assert missing == [], f"not picked up by default_glossary_paths(): {missing}"


def test_curated_files_are_package_data():
    """setup.cfg ships every bundled glossary: an installed mtcheck loads the same files."""
    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parent.parent / "setup.cfg", encoding="utf-8")
    patterns = config["options.package_data"]["mtcheck._data"].split()
    for path in PATHS:
        assert any(fnmatch.fnmatch(f"glossaries/{path.name}", pattern) for pattern in patterns), path.name


def test_curated_layer_size():
    """Issue 10: the hand-written layer alone grew from 447 entries to about two thousand."""
    curated = [entry for path in PATHS if path.name in CURATED_FILES for entry in read_glossary_rows(path)[0]]
    assert len(curated) >= 1900


def test_ambiguous_entries_have_both_senses():
    for entry in _all_entries():
        if entry.literal_sense:
            assert len(entry.intended_sense) >= 2 and len(entry.literal_sense) >= 2, entry.origin


def test_common_words_alone_are_ambiguous():
    """A one-word wrong rendering that is an everyday English word must go through the sense gate."""
    everyday = {"millet", "apple", "charm", "glory", "association", "hungry", "ideal", "come", "beautiful", "surging", "unicorn"}
    for entry in _all_entries():
        for rendering in entry.wrong:
            if normalize(rendering) in everyday:
                assert entry.ambiguous, f"{entry.origin}: {rendering!r} needs literal_sense exemplars"


def test_no_whitespace_padding_or_empty_alternatives():
    for path in PATHS:
        text = path.read_text(encoding="utf-8")
        assert "||" not in text, path
        for number, line in enumerate(text.splitlines(), start=1):
            assert line == line.rstrip(), f"{path}:{number}: trailing whitespace"


def test_seed_terms_are_covered():
    """The literal renderings of the seed document that motivated mtcheck are in the data."""
    wrong = {normalize(w) for entry in _all_entries() for w in entry.wrong}
    for rendering in ("millet", "nineteen major", "surging s1", "line and line", "large data",
                      "government, production, research and research", "millet technology"):
        assert any(rendering in w or w in rendering for w in wrong), rendering
