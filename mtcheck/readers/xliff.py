"""XLIFF 1.2 and 2.0: one segment per translated target.

Units are enumerated with translate-toolkit's storage classes (translate.storage.xliff for
1.2, translate.storage.xliff2 for 2.0), which supply ids, sources and notes. Targets are
taken from mtcheck's positional XML tree (readers.xmltree) so that every character of a
target maps to the file and `fix` rewrites only the changed characters. That tree is
built by expat under defusedxml's rules, before translate-toolkit sees the document.

Segment ids: XLIFF 1.2 the trans-unit id (`unit-N` without one, `#2` appended when that is
another unit's id); XLIFF 2.0 translate-toolkit's id (`unit` for a
unit with one segment, `unit::segment` otherwise). With several <file> elements the id is
prefixed with the file's `original` (1.2) or `id` (2.0) and a slash.

Skipped units (see docs/formats.md): translate="no" on the unit or an enclosing group/file,
no target or an empty one, 1.2 targets in state "new" or "needs-translation" (unless the
state-qualifier is "mt-suggestion"). Fuzzy units (1.2 state-qualifier "fuzzy-match",
2.0 state="initial") are returned with meta fuzzy=yes and only checked with --include-fuzzy.
Translate-toolkit's own isfuzzy() is not used: for 1.2 it calls every unapproved unit fuzzy.
"""

from __future__ import annotations

from ..errors import InputError
from ..suppressions import suppression_meta
from .spans import Located, has_text, located_segment, unique_ids
from .xmltree import Element, parse_xml, plain_text, text_runs, utf8_bytes

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
# Inline elements whose content is translatable text; every other inline element is code.
TEXT_ELEMENTS = {"g", "mrk", "pc"}
UNTRANSLATED_STATES = {"new", "needs-translation"}


def inline_kind(child: Element) -> str:
    return "text" if child.local in TEXT_ELEMENTS else "code"


def xliff_version(root: Element, path: str) -> str:
    if root.local != "xliff":
        raise InputError(f"not an XLIFF file: root element is <{root.name}>", where=path, line=root.line, hint="XLIFF files start with <xliff version=...>")
    version = root.get("version", default="")
    if root.ns == NS20 or version.startswith("2"):
        return "2.0"
    return "1.2"


def _translatable(element: Element) -> bool:
    return all(node.get("translate", default="yes").lower() != "no" for node in [element, *element.ancestors()])


def _file_prefix(file_elements: list[Element], element: Element, key: str) -> str:
    if len(file_elements) < 2:
        return ""
    owner = next((node for node in element.ancestors() if node.local == "file"), None)
    return f"{owner.get(key, default='')}/" if owner is not None else ""


def _load_store(text: str, version: str, path: str):
    if version == "2.0":
        from translate.storage.xliff2 import Xliff2File as store_class
    else:
        from translate.storage.xliff import xlifffile as store_class
    try:
        return store_class.parsestring(utf8_bytes(text))
    except Exception as exc:  # translate-toolkit raises assorted errors on odd documents
        raise InputError(f"translate-toolkit cannot read this XLIFF {version} file ({type(exc).__name__}: {exc})", where=path, hint=f"check that it is XLIFF {version} with the {NS20 if version == '2.0' else NS12} namespace") from None


def _paired(store, elements: list[Element], path: str):
    units = list(store.units)
    if len(units) != len(elements) or any(unit.xmlelement.sourceline != element.line for unit, element in zip(units, elements)):
        raise InputError("could not match translate-toolkit's units to the file's elements", where=path, hint="please report this file to the mtcheck developers")
    return zip(units, elements)


def locate(text: str, path: str) -> list[Located]:
    root = parse_xml(text, path)
    version = xliff_version(root, path)
    store = _load_store(text, version, path)
    files = [node for node in root.iter() if node.local == "file"]
    if version == "2.0":
        return unique_ids(_locate_20(text, path, root, store, files), path)
    return _locate_12(text, path, root, store, files)


def _locate_12(text: str, path: str, root: Element, store, files: list[Element]) -> list[Located]:
    units = [node for node in root.iter() if node.local == "trans-unit" and node.ns == root.ns]
    located = []
    keys: list[object] = []
    given: list[bool] = []
    for number, (unit, element) in enumerate(_paired(store, units, path), start=1):
        target = element.find("target")
        if target is None or not _translatable(element):
            continue
        state = target.get("state", default="")
        qualifier = target.get("state-qualifier", default="")
        if state in UNTRANSLATED_STATES and qualifier != "mt-suggestion":
            continue
        runs = text_runs(target, inline_kind)
        if not has_text(runs):
            continue
        unit_id = element.get("id") or f"unit-{number}"
        notes = [plain_text(note) for note in element.findall("note")]
        meta = {"format": "xliff-1.2", "unit": unit_id, "state": state, **suppression_meta(notes)}
        if qualifier == "fuzzy-match":
            meta["fuzzy"] = "yes"
        segment_id = _file_prefix(files, element, "original") + unit_id
        located.append(located_segment(text, path, segment_id, runs, source=unit.source or None, meta=meta))
        keys.append(segment_id if element.get("id") else ("position", number))
        given.append(bool(element.get("id")))
    return unique_ids(located, path, keys=keys, given=given)


def _locate_20(text: str, path: str, root: Element, store, files: list[Element]) -> list[Located]:
    segments = [node for node in root.iter() if node.local == "segment" and node.ns == root.ns]
    located = []
    for unit, element in _paired(store, segments, path):
        target = element.find("target")
        if target is None or not _translatable(element):
            continue
        runs = text_runs(target, inline_kind)
        if not has_text(runs):
            continue
        owner = element.parent
        notes_element = owner.find("notes") if owner is not None else None
        notes = [plain_text(note) for note in notes_element.findall("note")] if notes_element is not None else []
        state = element.get("state", default="")
        meta = {"format": "xliff-2.0", "unit": owner.get("id", default="") if owner is not None else "", "state": state, **suppression_meta(notes)}
        if state == "initial":
            meta["fuzzy"] = "yes"
        segment_id = _file_prefix(files, element, "id") + (unit.getid() or "")
        located.append(located_segment(text, path, segment_id, runs, source=unit.source or None, meta=meta))
    return located
