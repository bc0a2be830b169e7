"""Translation file formats by extension, registered lazily.

Each format module has `locate(text, path) -> list[Located]`; reading and `fix`'s
write-back both go through it, so a segment's id and target always mean the same thing
in both directions. Format modules (and translate-toolkit, markdown-it behind them) are
imported only when a file of their type is read.
"""

from __future__ import annotations

import importlib
from typing import Callable, MutableMapping

from ..models import Segment
from .decoding import decode_file
from .spans import rewrite

FORMAT_MODULES = {
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".po": "po",
    ".pot": "po",
    ".tmx": "tmx",
    ".json": "jsoni18n",
    ".arb": "jsoni18n",
    ".md": "markdown",
    ".markdown": "markdown",
}


def _locate(module: str) -> Callable:
    return importlib.import_module(f"{__package__}.{module}").locate


def reader_for(module: str) -> Callable[..., list[Segment]]:
    def read(path: str, encoding: str | None = None) -> list[Segment]:
        decoded = decode_file(path, encoding)
        return [item.segment for item in _locate(module)(decoded.text, path)]

    read.__name__ = f"read_{module}"
    return read


def writer_for(module: str) -> Callable[[str, str, dict[str, str]], str]:
    def write(text: str, path: str, changes: dict[str, str]) -> str:
        return rewrite(text, path, _locate(module)(text, path), changes)

    write.__name__ = f"write_{module}"
    return write


def is_fuzzy(segment: Segment) -> bool:
    return bool(segment.meta) and segment.meta.get("fuzzy") == "yes"


def register_formats(readers: MutableMapping, writers: MutableMapping) -> None:
    for extension, module in FORMAT_MODULES.items():
        readers.setdefault(extension, reader_for(module))
        writers.setdefault(extension, writer_for(module))
