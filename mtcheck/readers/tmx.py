"""TMX translation memories: one segment per <tu>, the English (target) <tuv>'s <seg>.

The source language is the header's `srclang` (the first <tuv> when it is `*all*` or
missing); the target is the first other <tuv>, an English one (`en`, `en-US` ...) when a
unit has several. translate-toolkit's tmxunit is not used: it takes the first two <tuv>s
as source and target whatever their languages. Read with mtcheck's positional XML tree
(expat under defusedxml's rules). Segment id: the tu's `tuid`, else its 1-based position
(with `#2` appended when that number is another unit's tuid); two units with the same
tuid are refused.
Inline <bpt>/<ept>/<it>/<ph>/<ut> are code (U+FFFC placeholders); <hi> is text. A <note>
of the tu or of the target tuv can carry `mtcheck: ignore[...]`.
"""

from __future__ import annotations

from ..errors import InputError
from ..suppressions import suppression_meta
from .spans import Located, has_text, located_segment, unique_ids
from .xmltree import Element, parse_xml, plain_text, text_runs


def _lang(tuv: Element) -> str:
    return (tuv.get("xml:lang", "lang", default="") or "").lower()


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0]


def _inline_kind(child: Element) -> str:
    return "text" if child.local == "hi" else "code"


def pick_tuvs(tuvs: list[Element], srclang: str) -> tuple[Element | None, Element | None]:
    """(source tuv, target tuv) of a unit."""
    if not tuvs:
        return None, None
    source = None
    if srclang and srclang != "*all*":
        source = next((tuv for tuv in tuvs if _primary(_lang(tuv)) == _primary(srclang)), None)
    if source is None:
        source = tuvs[0]
    others = [tuv for tuv in tuvs if tuv is not source]
    target = next((tuv for tuv in others if _primary(_lang(tuv)) == "en"), others[0] if others else None)
    return source, target


def locate(text: str, path: str) -> list[Located]:
    root = parse_xml(text, path)
    if root.local != "tmx":
        raise InputError(f"not a TMX file: root element is <{root.name}>", where=path, line=root.line, hint="TMX files start with <tmx version=...>")
    header = root.find("header")
    srclang = (header.get("srclang", default="") if header is not None else "").lower()
    located = []
    keys: list[object] = []
    given: list[bool] = []
    units = [node for node in root.iter() if node.local == "tu"]
    for number, unit in enumerate(units, start=1):
        source, target = pick_tuvs(unit.findall("tuv"), srclang)
        seg = target.find("seg") if target is not None else None
        if seg is None:
            continue
        runs = text_runs(seg, _inline_kind)
        if not has_text(runs):
            continue
        source_seg = source.find("seg") if source is not None else None
        notes = [plain_text(note) for note in unit.findall("note") + target.findall("note")]
        meta = {"format": "tmx", "lang": _lang(target), **suppression_meta(notes)}
        tuid = unit.get("tuid", default="")
        segment_id = tuid or str(number)
        keys.append(tuid or ("position", number))
        given.append(bool(tuid))
        located.append(located_segment(
            text, path, segment_id, runs,
            source=plain_text(source_seg) if source_seg is not None else None, meta=meta,
        ))
    return unique_ids(located, path, keys=keys, given=given)
