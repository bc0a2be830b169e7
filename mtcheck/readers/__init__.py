"""Readers turn files into Segments. `read_segments` picks one by file type."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from ..models import Segment
from .decoding import DecodedFile, decode_file
from .formats import is_fuzzy, register_formats
from .plaintext import read_plaintext, rewrite_plaintext
from .tabular import read_table, rewrite_table

# Extension -> reader(path, encoding) for formats beyond plain text and tables; format
# modules register themselves here.
FORMAT_READERS: dict[str, Callable[..., list[Segment]]] = {}
# Extension -> writer(decoded_text, path, {segment id: new target}) -> new text, for `fix`.
FORMAT_WRITERS: dict[str, Callable[[str, str, dict[str, str]], str]] = {}
register_formats(FORMAT_READERS, FORMAT_WRITERS)  # XLIFF, PO, TMX, JSON, Markdown (imported lazily)


def read_segments(path: str, *, encoding: str | None = None, source: str | None = None, reference: str | None = None, include_fuzzy: bool = False) -> list[Segment]:
    """The file's segments; fuzzy ones (PO fuzzy, XLIFF fuzzy-match/initial) only with include_fuzzy."""
    suffix = Path(path).suffix.lower()
    if suffix in (".tsv", ".csv", ".tab"):
        if source or reference:
            raise InputError("--source/--reference go with plain-text input", where=path, hint="put source and reference columns in the table instead")
        return read_table(path, encoding)
    reader = FORMAT_READERS.get(suffix)
    if reader is not None:
        if source or reference:
            raise InputError(f"--source/--reference go with plain-text input, not {suffix} files", where=path)
        segments = reader(path, encoding)
        return segments if include_fuzzy else [s for s in segments if not is_fuzzy(s)]
    return read_plaintext(path, encoding, source, reference)


def rewrite_file(decoded: DecodedFile, changes: dict[str, str]) -> str:
    """The file's text with the changed segments' targets replaced, all else untouched."""
    suffix = Path(decoded.path).suffix.lower()
    if suffix in (".tsv", ".csv", ".tab"):
        return rewrite_table(decoded.text, decoded.path, changes)
    writer = FORMAT_WRITERS.get(suffix)
    if writer is not None:
        return writer(decoded.text, decoded.path, changes)
    return rewrite_plaintext(decoded.text, changes)


__all__ = ["read_segments", "rewrite_file", "decode_file", "DecodedFile", "FORMAT_READERS", "FORMAT_WRITERS"]
