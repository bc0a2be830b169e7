"""TBX termbases as glossaries (TBX-Basic/TBX 2 `martif` and TBX 3 `tbx` documents).

One glossary entry per concept (`termEntry` / `conceptEntry`):

- Chinese terms (`xml:lang` zh, zh-CN ...) become `source`;
- English terms become `approved` (preferred first), `variants` (admitted) or `wrong`
  (deprecated or superseded), by their `administrativeStatus` / `normativeAuthorization`
  term note; a term without a status is approved;
- `<descrip type="subjectField">` becomes `domain` when it is one of mtcheck's domains,
  `<note>` becomes `note`;
- any glossary column can be given as `<descrip type="x-mtcheck-COLUMN">` (for example
  `x-mtcheck-severity`, `x-mtcheck-case_sensitive`, `x-mtcheck-literal_sense`).

Every entry goes through the same validation as a CSV row, so problems are reported as
FILE:LINE like CSV ones. The XML is checked with defusedxml first.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import GlossaryError, InputError
from ..readers.xmltree import Element, parse_xml, plain_text
from .loader import COLUMNS, DOMAINS, Glossary, _entry_from_cells, read_text

ENTRY_ELEMENTS = {"termEntry", "conceptEntry"}
LANG_ELEMENTS = {"langSet", "langSec"}
TERM_GROUPS = {"tig", "ntig", "termSec"}
STATUS_TYPES = {"administrativeStatus", "normativeAuthorization"}
WRONG_STATUSES = ("deprecated", "superseded")
ADMITTED_STATUSES = ("admitted",)
_COLUMN_FOR_STATUS = {"approved": "approved", "wrong": "wrong", "variant": "variants"}


def _status(group: Element) -> str:
    for child in group.iter():
        if child.local == "termNote" and child.get("type") in STATUS_TYPES:
            value = plain_text(child).strip().lower()
            if value.startswith(WRONG_STATUSES):
                return "wrong"
            if value.startswith(ADMITTED_STATUSES):
                return "variant"
            return "preferred" if value.startswith("preferred") else "approved"
    return "approved"


def _terms(lang_set: Element) -> list[tuple[str, str]]:
    """(status, term) for each term of a language section, in order."""
    found = []
    for group in lang_set.children:
        if group.local in TERM_GROUPS:
            term = next((node for node in group.iter() if node.local == "term"), None)
            if term is not None and plain_text(term).strip():
                found.append((_status(group), plain_text(term).strip()))
        elif group.local == "term" and plain_text(group).strip():
            found.append(("approved", plain_text(group).strip()))
    return found


def _cells(entry: Element) -> dict[str, str]:
    columns: dict[str, list[str]] = {name: [] for name in ("source", "approved", "wrong", "variants")}
    preferred: list[str] = []
    extra: dict[str, str] = {}
    for child in entry.children:
        if child.local in LANG_ELEMENTS:
            lang = (child.get("xml:lang", "lang", default="") or "").lower().replace("_", "-").split("-")[0]
            terms = _terms(child)
            if lang == "zh":
                columns["source"].extend(term for _, term in terms)
            elif lang == "en":
                for status, term in terms:
                    if status == "preferred":
                        preferred.append(term)
                    else:
                        columns[_COLUMN_FOR_STATUS[status]].append(term)
        elif child.local in {"descrip", "note", "admin"}:
            kind = child.get("type", default="") or ""
            value = plain_text(child).strip()
            if child.local == "note" and value:
                extra["note"] = f"{extra['note']} {value}".strip() if "note" in extra else value
            elif kind == "subjectField" and value.lower() in DOMAINS:
                extra.setdefault("domain", value.lower())
            elif kind.startswith("x-mtcheck-"):
                extra[kind[len("x-mtcheck-"):].replace("-", "_")] = value
    columns["approved"] = preferred + columns["approved"]
    cells = {name: "|".join(values) for name, values in columns.items()}
    cells.update(extra)
    return cells


def load_tbx(path: str | Path) -> Glossary:
    path_str = str(path)
    text = read_text(path)
    try:
        root = parse_xml(text, path_str)
    except InputError as exc:
        raise GlossaryError(exc.what, where=exc.where, line=exc.line, hint=exc.hint) from None
    if root.local not in {"martif", "tbx"}:
        raise GlossaryError(f"not a TBX file: root element is <{root.name[:40]}>", where=path_str, line=root.line, hint="TBX files start with <martif> or <tbx>")
    entries = []
    for element in root.iter():
        if element.local not in ENTRY_ELEMENTS:
            continue
        cells = _cells(element)
        unknown = [key for key in cells if key not in COLUMNS]
        if unknown:
            raise GlossaryError(f"unknown x-mtcheck-{unknown[0][:40]} field", where=path_str, line=element.line, hint=f"use one of {', '.join(COLUMNS)}")
        if not cells.get("approved"):
            raise GlossaryError("concept has no English term that is preferred, admitted or without status", where=path_str, line=element.line, hint="add an English <term>")
        entries.append(_entry_from_cells(cells, path_str, element.line))
    if not entries:
        raise GlossaryError("no termEntry/conceptEntry elements", where=path_str, hint="is this a TBX termbase?")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Glossary(tuple(entries), digest, (Path(path_str).name,), (path_str,))
