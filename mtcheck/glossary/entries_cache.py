"""The parsed entries of a large glossary file, kept on disk between runs.

Parsing a 100k-entry CSV glossary (csv module, validation, one GlossaryEntry a row) takes
seconds; reading the entries back from a pickle takes a tenth of that. The file is keyed
by the glossary's content hash and the path it was loaded from (the entries' origins name
that path), under ``$MTCHECK_CACHE_DIR/glossaries`` beside the matcher cache
(mtcheck.glossary.cache). Only a glossary that parsed without problems is stored, so a
cached glossary is one that would load. Files are written atomically; one that cannot
be read, or was written for another format, path, field list or Python, is ignored and
replaced. ``MTCHECK_CACHE_DIR=off`` disables it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import sys
from pathlib import Path
from typing import Callable, Sequence

from ..gcpause import gc_paused
from ..models import GlossaryEntry

FORMAT = 1  # (FORMAT, digest, source path, FIELDS, [field values of each entry as a dict])
# Below this size a glossary parses in milliseconds: not worth a cache file.
MIN_CACHED_CHARS = 50_000
FIELDS = tuple(field.name for field in dataclasses.fields(GlossaryEntry))


def entries_path(folder: Path, digest: str, source: str) -> Path:
    where = hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return folder / "glossaries" / f"{digest}-{where}-f{FORMAT}-{python}.pickle"


def cached_entries(
    source: str, text: str, digest: str, parse: Callable[[], Sequence[GlossaryEntry]],
    folder: Path | None = None, min_chars: int | None = None,
) -> tuple[GlossaryEntry, ...]:
    """The entries of the glossary file `source` (content `text`, hash `digest`): from the
    disk cache, else parse() (which raises on a bad glossary), stored for the next run.
    `folder` defaults to the mtcheck cache folder; `min_chars` to MIN_CACHED_CHARS."""
    from .cache import cache_dir

    folder = folder or cache_dir()
    if folder is None or len(text) < (MIN_CACHED_CHARS if min_chars is None else min_chars):
        return tuple(parse())
    path = entries_path(folder, digest, source)
    entries = read_entries(path, digest, source)
    if entries is None:
        entries = tuple(parse())
        write_entries(path, digest, source, entries)
    return entries


def read_entries(path: Path, digest: str, source: str) -> tuple[GlossaryEntry, ...] | None:
    """The stored entries, or None when absent, unreadable or written for something else."""
    try:
        with open(path, "rb") as handle, gc_paused():  # 100k entries: no cycles to look for
            fmt, stored_digest, stored_source, fields, values = pickle.load(handle)
            if (fmt, stored_digest, stored_source, tuple(fields)) != (FORMAT, digest, source, FIELDS):
                return None
            if not all(type(value) is dict and len(value) == len(FIELDS) for value in values):
                return None
            return tuple(map(_entry, values))
    except Exception:  # missing, truncated, corrupt or foreign: parse again
        return None


def _entry(values: dict) -> GlossaryEntry:
    """A GlossaryEntry from its stored field values (they were one when stored), without
    re-running the frozen dataclass's per-field __init__."""
    entry = object.__new__(GlossaryEntry)
    object.__setattr__(entry, "__dict__", values)
    return entry


def write_entries(path: Path, digest: str, source: str, entries: Sequence[GlossaryEntry]) -> bool:
    """Store the entries atomically; a cache that cannot be written is skipped."""
    from ..safeio import atomic_write

    values = [{name: getattr(entry, name) for name in FIELDS} for entry in entries]
    try:
        data = pickle.dumps((FORMAT, digest, source, FIELDS, values), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except (OSError, pickle.PicklingError):
        return False
    return True
