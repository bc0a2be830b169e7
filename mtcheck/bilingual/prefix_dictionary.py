"""jieba's prefix dictionary, grouped by first character and kept on disk between runs.

jieba segments a sentence with a prefix dictionary of about 500k words and word prefixes
(built from its dict.txt). Building it takes seconds, and even loading jieba's own marshal
copy of it took most of a small bilingual run (0.5-2 s of a 0.3 s check). Segmenting a
text looks up only substrings of that text, so it depends only on the entries that start
with one of the text's characters, and on the dictionary's total frequency. So the
dictionary is stored once under ``$MTCHECK_CACHE_DIR/jieba`` as one file whose entries are
grouped by first character, and a run decodes only the groups of the characters its
sources contain (mtcheck.bilingual.segmenter).

The file name holds the SHA-256 of the dictionary file, jieba's version and FORMAT, so a
changed dictionary gets a file of its own. Its header and each group carry a CRC-32: a
file that is missing, unreadable, corrupt or for another dictionary is rebuilt from the
dictionary and replaced atomically, also when a damaged group is only found in the middle
of a run. ``MTCHECK_CACHE_DIR=off`` builds the groups in memory every run. As with the
other caches, only point it at a folder that nobody else writes to.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Mapping

from .jieba_module import load_jieba

FORMAT = 1  # bump when the file layout or the grouping changes
MAGIC = b"mtcheck-jieba-prefix-dictionary\n"


class CorruptDictionary(ValueError):
    """A stored dictionary file, or one of its groups, failed its checks."""


def dictionary_path() -> Path:
    """jieba's bundled dict.txt."""
    jieba = load_jieba()
    return Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)


def build_groups(path: Path) -> tuple[dict[str, dict[str, int]], int]:
    """The prefix dictionary of the dictionary file at `path` (jieba's own parser), grouped
    by first character, and its total frequency."""
    with open(path, "rb") as handle:
        frequencies, total = load_jieba().Tokenizer.gen_pfdict(handle)
    groups: dict[str, dict[str, int]] = {}
    for word, frequency in frequencies.items():
        groups.setdefault(word[0], {})[word] = frequency
    return groups, total


def stored_path(folder: Path, digest: str) -> Path:
    version = str(getattr(load_jieba(), "__version__", "0")).replace(".", "_")
    return folder / "jieba" / f"prefix-{digest[:16]}-jieba{version}-f{FORMAT}.bin"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def to_bytes(groups: Mapping[str, Mapping[str, int]], total: int, digest: str) -> bytes:
    """The file: MAGIC, then a line "CRC HEADER" (the header: total, dictionary hash and,
    per first character, offset, length and CRC-32 of its group), then the groups."""
    payload: list[bytes] = []
    index: dict[str, list[int]] = {}
    offset = 0
    for first in sorted(groups):
        data = _json(groups[first])
        index[first] = [offset, len(data), zlib.crc32(data)]
        payload.append(data)
        offset += len(data)
    header = _json({"format": FORMAT, "dictionary_sha256": digest, "total": total, "size": offset, "index": index})
    return b"".join([MAGIC, b"%08x " % zlib.crc32(header), header, b"\n", *payload])


class StoredDictionary:
    """The groups of a stored file, each decoded (and checked) when first asked for."""

    def __init__(self, data: bytes, digest: str):
        if not data.startswith(MAGIC):
            raise CorruptDictionary("not a prefix dictionary file")
        line_end = data.find(b"\n", len(MAGIC))
        if line_end < 0:
            raise CorruptDictionary("no header")
        line = data[len(MAGIC):line_end]
        crc, header_bytes = line[:8], line[9:]
        try:
            if int(crc, 16) != zlib.crc32(header_bytes):
                raise CorruptDictionary("header checksum")
            header = json.loads(header_bytes)
            total, index = header["total"], header["index"]
            valid = (header["format"] == FORMAT and header["dictionary_sha256"] == digest and isinstance(total, int)
                     and isinstance(index, dict) and header["size"] == len(data) - line_end - 1)
        except (ValueError, KeyError, TypeError) as error:
            raise CorruptDictionary(f"header: {error}") from None
        if not valid:
            raise CorruptDictionary("another dictionary, format or size")
        self.total: int = total
        self._index: dict[str, list[int]] = index
        self._payload = memoryview(data)[line_end + 1:]

    def group(self, first: str) -> dict[str, int]:
        """The entries that start with `first` (empty when none do)."""
        where = self._index.get(first)
        if where is None:
            return {}
        try:
            offset, length, crc = where
            data = self._payload[offset:offset + length]
            if len(data) != length or zlib.crc32(data) != crc:
                raise CorruptDictionary(f"group {first!r}: checksum")
            entries = json.loads(bytes(data))
        except (ValueError, TypeError) as error:
            raise CorruptDictionary(f"group {first!r}: {error}") from None
        if not isinstance(entries, dict):
            raise CorruptDictionary(f"group {first!r}: not a mapping")
        return entries


class PrefixDictionary:
    """jieba's prefix dictionary, by first character: from the stored file when there is a
    sound one, else built from the dictionary file (and stored)."""

    def __init__(self, path: Path | None = None, folder: Path | None = None):
        from .calque_index import file_digest

        self.source = Path(path or dictionary_path())
        self.digest = file_digest(self.source)
        self.file = stored_path(folder, self.digest) if folder is not None else None
        self._stored: StoredDictionary | None = None
        self._groups: dict[str, dict[str, int]] | None = None
        if self.file is not None:
            try:
                self._stored = StoredDictionary(self.file.read_bytes(), self.digest)
                self.total: int = self._stored.total
            except (OSError, CorruptDictionary):
                self._stored = None
        if self._stored is None:
            self._build()

    def _build(self) -> None:
        self._groups, self.total = build_groups(self.source)
        self._stored = None
        if self.file is not None:
            from ..safeio import atomic_write

            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.file, to_bytes(self._groups, self.total, self.digest))
            except OSError:
                pass  # a cache that cannot be written is skipped

    def group(self, first: str) -> dict[str, int]:
        """The entries (words and word prefixes, with their frequencies; prefixes 0) that
        start with the character `first`."""
        if self._stored is not None:
            try:
                return self._stored.group(first)
            except CorruptDictionary:
                self._build()  # damaged on disk: rebuild and replace it, then go on from memory
        return dict(self._groups.get(first, {}))
