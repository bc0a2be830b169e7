"""Read a file's bytes into text, with one-line errors for every way that can fail."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class DecodedFile:
    path: str
    text: str
    encoding: str  # codec to write the text back with (utf-8-sig keeps a BOM)


def read_bytes(path: str | Path) -> bytes:
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", where=str(path), hint="check the path")
    if path.is_dir():
        raise InputError("is a directory", where=str(path), hint="name the files to check, e.g. DIR/*.txt")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=str(path)) from None


def decode_file(path: str | Path, encoding: str | None = None, *, allow_empty: bool = False) -> DecodedFile:
    data = read_bytes(path)
    chosen = encoding
    if chosen is None:
        for bom, codec in _BOMS:
            if data.startswith(bom):
                chosen = codec
                break
        else:
            chosen = "utf-8"
        if chosen == "utf-8" and b"\x00" in data[:8192]:
            chosen = utf16_without_bom(data)
            if chosen is None:
                raise InputError("binary file (contains NUL bytes), not text", where=str(path), hint="check only text, TSV/CSV or translation files; pass --encoding for other text with NUL bytes")
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(f"unknown encoding {chosen!r}", where=str(path), hint="use a Python codec name such as utf-8, gb18030, big5, utf-16") from None
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid {chosen} (byte 0x{data[exc.start]:02x} at offset {exc.start})", where=str(path), line=line,
            hint="pass --encoding, e.g. --encoding gb18030 for Chinese legacy text",
        ) from None
    if chosen == "utf-8" and text.startswith("\ufeff"):
        text, chosen = text[1:], "utf-8-sig"
    if not allow_empty and not text.strip():
        raise InputError("empty input: nothing to check", where=str(path), hint="pass a file with at least one line of text")
    return DecodedFile(str(path), text, chosen)


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when `data` looks like UTF-16 text without a BOM: NUL bytes
    (the high byte of ASCII characters: English text, line breaks, spaces) in at least one
    unit of eight and nearly all on one side of the 16-bit units, and the whole decoding to
    text without control characters other than line breaks and tabs."""
    if len(data) % 2:
        return None
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if min(even, odd) * 4 > max(even, odd) or max(even, odd) * 8 < len(head) // 2:
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else codec


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Split at \\r\\n, \\r or \\n (as the csv module and CommonMark do), keeping each
    line's ending; a last line without an ending is kept as it is."""
    return _LINE.findall(text)


def strip_eol(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith("\n") or line.endswith("\r"):
        return line[:-1]
    return line
