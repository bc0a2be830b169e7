"""Gettext PO/POT: one segment per translated msgstr (msgstr[N] for plural forms).

A small position-aware parser, not translate-toolkit's: its PO units do not record where
their strings lie in the file, and `fix` needs those spans to rewrite one msgstr and leave
every other byte alone. Semantics follow GNU gettext: the header entry, obsolete entries
(`#~`), empty msgstrs and (unless --include-fuzzy) fuzzy entries are not checked;
translator comments (`# ...`) carry suppressions.

Segment id: the msgid, prefixed with `msgctxt::` when the entry has a context, with
`[N]` appended for plural form N. Two entries with the same msgctxt and msgid are refused
(as by msgfmt); a context-qualified or plural id that equals another entry's msgid
(msgctxt `a` + msgid `b` beside msgid `a::b`) gets `#2` appended. Source: the msgid
(msgid_plural for forms N >= 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..suppressions import suppression_meta
from .spans import Located, Run, located_segment, unique_ids

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(?=\")")
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"[ \t]*\r?$')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_OUT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape_po(text: str) -> str:
    return "".join(_ESCAPE_OUT.get(ch, ch) for ch in text)


def _string_run(text: str, start: int, end: int, path: str, line: int) -> Run:
    """The C-escaped string text[start:end] (inside the quotes) decoded, with offsets."""
    if "\\" not in text[start:end]:
        return Run(text[start:end], range(start, end + 1), True, escape_po)
    chars: list[str] = []
    bounds: list[int] = []
    position = start
    while position < end:
        ch = text[position]
        if ch != "\\":
            chars.append(ch)
            bounds.append(position)
            position += 1
            continue
        nxt = text[position + 1]
        if nxt in _SIMPLE_ESCAPES:
            chars.append(_SIMPLE_ESCAPES[nxt])
            length = 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", text[position + 1:position + 4]).group(0)
            chars.append(chr(int(digits, 8)))
            length = 1 + len(digits)
        elif nxt == "x" and re.match(r"[0-9a-fA-F]{1,2}", text[position + 2:position + 4]):
            digits = re.match(r"[0-9a-fA-F]{1,2}", text[position + 2:position + 4]).group(0)
            chars.append(chr(int(digits, 16)))
            length = 2 + len(digits)
        else:
            raise InputError(f"unknown escape sequence \\{nxt} in a PO string", where=path, line=line, hint='write a backslash as \\\\')
        bounds.append(position)
        position += length
    bounds.append(end)
    return Run("".join(chars), tuple(bounds), True, escape_po)


@dataclass
class _Entry:
    line: int = 0
    comments: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    fields: dict[str, list[Run]] = field(default_factory=dict)  # keyword -> string pieces
    field_lines: dict[str, int] = field(default_factory=dict)

    def value(self, keyword: str) -> str | None:
        pieces = self.fields.get(keyword)
        return None if pieces is None else "".join(run.text for run in pieces)


def parse_po(text: str, path: str) -> list[_Entry]:
    """Every non-obsolete entry, in file order."""
    entries: list[_Entry] = []
    entry = _Entry()
    keyword: str | None = None
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        line_start = offset
        offset += len(line) + 1
        stripped = line.strip()
        starts_entry = stripped.startswith(("#", "msgctxt", "msgid ")) or stripped.startswith('msgid"')
        if entry.fields and any(k.startswith("msgstr") for k in entry.fields) and (not stripped or starts_entry):
            entries.append(entry)
            entry, keyword = _Entry(), None
        if not stripped:
            if not entry.fields:
                entry = _Entry()  # comments belong to the entry right below them
            continue
        if stripped.startswith("#"):
            if stripped.startswith("#,"):
                entry.flags.update(flag.strip() for flag in stripped[2:].split(","))
            elif stripped == "#" or stripped.startswith("# ") or stripped.startswith("#\t"):
                entry.comments.append(stripped[1:].strip())
            continue
        indent = len(line) - len(line.lstrip())
        match = _KEYWORD.match(line, indent)
        if match:
            keyword = match.group(1)
            if keyword in entry.fields:
                raise InputError(f"{keyword} given twice in one entry", where=path, line=number, hint="separate entries with a blank line")
            entry.fields[keyword] = []
            entry.field_lines[keyword] = number
            entry.line = entry.line or number
            string_at = match.end()
        elif stripped.startswith('"') and keyword is not None:
            string_at = indent
        else:
            raise InputError(f"unexpected line in PO file: {stripped[:40]!r}", where=path, line=number, hint="PO lines are comments (#), keywords (msgid, msgstr ...) or quoted strings")
        string = _STRING.match(line, string_at)
        if not string:
            raise InputError("unterminated or malformed string", where=path, line=number, hint='PO strings are in double quotes, with \\" for a quote')
        piece = _string_run(text, line_start + string.start(1), line_start + string.end(1), path, number)
        if piece.text:
            entry.fields[keyword].append(piece)
    if entry.fields:
        entries.append(entry)
    return entries


def _forms(entry: _Entry) -> list[tuple[str, str]]:
    """(msgstr keyword, id suffix) for each translation of the entry."""
    if "msgstr" in entry.fields:
        return [("msgstr", "")]
    keys = sorted((k for k in entry.fields if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
    return [(key, key[6:]) for key in keys]


def locate(text: str, path: str) -> list[Located]:
    located: list[Located] = []
    keys: list[tuple] = []  # (msgctxt, msgid, form): what gettext tells entries apart by
    given: list[bool] = []  # a msgid alone is the id as written; with a context or a form it is made up
    for entry in parse_po(text, path):
        msgid = entry.value("msgid")
        if msgid is None:
            raise InputError("entry has no msgid", where=path, line=entry.line, hint="every PO entry needs msgid and msgstr")
        context = entry.value("msgctxt")
        if msgid == "" and context is None:
            continue  # the header
        base = f"{context}::{msgid}" if context is not None else msgid
        meta = {"format": "po", **suppression_meta(entry.comments)}
        if "fuzzy" in entry.flags:
            meta["fuzzy"] = "yes"
        for keyword, suffix in _forms(entry):
            runs = entry.fields[keyword]
            if not "".join(run.text for run in runs).strip():
                continue
            source = entry.value("msgid_plural") if suffix not in ("", "[0]") else msgid
            located.append(located_segment(text, path, base + suffix, runs, source=source or None, meta=meta))
            keys.append((context, msgid, suffix))
            given.append(context is None and not suffix)
    return unique_ids(located, path, keys=keys, given=given)
