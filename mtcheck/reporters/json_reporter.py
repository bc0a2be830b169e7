"""JSON: the stable machine-readable contract (documented in README)."""

from __future__ import annotations

import json
from itertools import islice
from typing import Iterator

from ..gcpause import gc_paused
from ..models import Finding, RunResult
from .base import ReportContext, Reporter, severity_counts


def finding_to_dict(finding: Finding) -> dict:
    fix = None
    if finding.fix is not None:
        fix = {"replacement": finding.fix.replacement, "applicability": finding.fix.applicability.value}
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.value,
        "file": finding.file,
        "segment": finding.segment,
        "line": finding.line,
        "column": finding.column,
        "start": finding.start,
        "end": finding.end,
        "text": finding.text,
        "message": finding.message,
        "suggestions": list(finding.suggestions),
        "confidence": finding.confidence,
        "fix": fix,
        "evidence": list(finding.evidence),
    }


def result_to_dict(result: RunResult, version: str, findings=None) -> dict:
    """The JSON contract's document; `findings` replaces the list of finding objects
    (an iterator of them, or EncodedItems of their JSON text) when given."""
    out = {
        "tool": "mtcheck",
        "version": version,
        "signature": result.signature,
        "summary": {
            "segments": len(result.segments),
            "findings": len(result.findings),
            "by_severity": severity_counts(result),
            "by_rule": result.count_by("rule"),
            "score": result.overall_score,
        },
        "findings": [finding_to_dict(f) for f in result.findings] if findings is None else findings,
    }
    if result.extras.get("metrics"):
        out["metrics"] = result.extras["metrics"]  # only when a reference was given
    return out


class JsonReporter(Reporter):
    name = "json"
    extension = "json"

    def render(self, result: RunResult, context: ReportContext) -> str:
        return "".join(self.chunks(result, context))

    def chunks(self, result: RunResult, context: ReportContext) -> Iterator[str]:
        # Each finding is encoded on its own as it is written (FindingEncoder).
        encoded = EncodedItems(map(FindingEncoder(), result.findings))
        document = result_to_dict(result, context.version, findings=encoded)
        yield from report_chunks(document, end="\n")


class EncodedItems:
    """The items of a list, each already JSON text encoded at its place in the report:
    written as they are."""

    def __init__(self, items):
        self.items = items


# A finding object is the third level of the report: its fields are indented by six spaces.
_FIELD, _ITEM, _CLOSE, _LIST_CLOSE = "\n      ", "\n        ", "\n    }", "\n      ]"
_MAX_SHARED = 1 << 16  # encoded parts kept per FindingEncoder


class FindingEncoder:
    """The text of finding_to_dict(finding) at its place in the report's `findings` list,
    as json.dumps(indent=2) writes it, without building the dict (a run can report
    100k findings; tests/test_fastpaths.py compares the two).

    Findings share most of their text: the rule, category, severity and file, and (a
    document repeats its mistranslations) the text, message, suggestions, confidence,
    fix and evidence. Each shared part is encoded once per report; only the segment and
    the positions are encoded per finding."""

    def __init__(self):
        self._heads: dict[tuple, str] = {}
        self._tails: dict[tuple, str] = {}

    def __call__(self, finding: Finding) -> str:
        # Enum members hash in Python code: their plain _value_ goes into the keys.
        head_key = (finding.rule, finding.category, finding.severity._value_, finding.file)
        head = self._heads.get(head_key)
        if head is None:
            head = _shared(self._heads, head_key, (
                f'{{{_FIELD}"rule": {_string(finding.rule)},{_FIELD}"category": {_string(finding.category)},'
                f'{_FIELD}"severity": {_string(finding.severity.value)},{_FIELD}"file": {_string(finding.file)},'
                f'{_FIELD}"segment": '))
        fix = finding.fix
        # The confidence by its repr: 1 and 1.0 (or 0.0 and -0.0) are equal keys but not the same text.
        tail_key = (finding.text, finding.message, finding.suggestions, repr(finding.confidence), finding.evidence,
                    None if fix is None else (fix.replacement, fix.applicability._value_))
        try:
            tail = self._tails.get(tail_key)
        except TypeError:  # a finding built by hand with a list for a tuple: not shared
            tail = _tail(finding)
        if tail is None:
            tail = _shared(self._tails, tail_key, _tail(finding))
        line, column = finding.line, finding.column
        return (f'{head}{_string(finding.segment)},{_FIELD}"line": {"null" if line is None else int.__repr__(line)},'
                f'{_FIELD}"column": {"null" if column is None else int.__repr__(column)},{_FIELD}"start": {int.__repr__(finding.start)},'
                f'{_FIELD}"end": {int.__repr__(finding.end)},{tail}')


def _shared(store: dict, key: tuple, text: str) -> str:
    if len(store) >= _MAX_SHARED:
        store.clear()
    store[key] = text
    return text


def _tail(finding: Finding) -> str:
    """The fields from `text` on, and the finding's closing brace."""
    fix = finding.fix
    if fix is None:
        fix_text = "null"
    else:
        fix_text = (f'{{{_ITEM}"replacement": {_string(fix.replacement)},{_ITEM}"applicability": '
                    f'{_string(fix.applicability.value)}{_FIELD}}}')
    return (
        f'{_FIELD}"text": {_string(finding.text)},'
        f'{_FIELD}"message": {_string(finding.message)},{_FIELD}"suggestions": {_string_list(finding.suggestions)},'
        f'{_FIELD}"confidence": {_encode(finding.confidence, "")},{_FIELD}"fix": {fix_text},'
        f'{_FIELD}"evidence": {_string_list(finding.evidence)}{_CLOSE}'
    )


def _string_list(values) -> str:
    if not values:
        return "[]"
    return "[" + _ITEM + ("," + _ITEM).join(map(_string, values)) + _LIST_CLOSE


def dumps_report(document, end: str = "") -> str:
    """json.dumps(document, ensure_ascii=False, indent=2) + end, faster and leaner (see
    report_chunks)."""
    return "".join(report_chunks(document, end))


def report_chunks(document, end: str = "") -> Iterator[str]:
    """The text of json.dumps(document, ensure_ascii=False, indent=2) + end, in pieces.

    The standard library indents only with its pure-Python encoder, which yields many tiny
    pieces; this encoder builds each value with str.join over the same pieces (strings
    escaped by json's C encode_basestring, floats by float.__repr__) and gives the same
    text (tests/test_fastpaths.py compares them on generated documents). The top two
    levels (the document and its lists, such as `findings`) come as separate pieces, so a
    writer never holds the whole text; `findings` may be an iterator, each finding then
    encoded and dropped before the next is built.
    """
    with gc_paused():  # a report allocates only acyclic containers
        yield from _pieces(document, "", levels=2)
        yield end


ENCODED_BATCH = 256  # items of an EncodedItems list per piece (about 160 kB of findings)


def _pieces(value, indent: str, levels: int) -> Iterator[str]:
    """The encoding of `value`: containers of the top `levels` levels piece by piece,
    anything deeper as one string."""
    if value.__class__ is EncodedItems:
        # In batches: one piece per ENCODED_BATCH items, joined in C, not two per item.
        separator = ",\n" + indent + "  "
        items = iter(value.items)
        opened = False
        while batch := list(islice(items, ENCODED_BATCH)):
            yield ("," if opened else "[") + "\n" + indent + "  " + separator.join(batch)
            opened = True
        yield "\n" + indent + "]" if opened else "[]"
        return
    is_dict = isinstance(value, dict)
    if levels == 0 or not (is_dict or isinstance(value, (list, tuple)) or _is_iterator(value)):
        yield _encode(value, indent)
        return
    inner = indent + "  "
    count = 0
    for item in value.items() if is_dict else value:
        yield ("{\n" if is_dict else "[\n") if not count else ",\n"
        if is_dict:
            yield f"{inner}{_key(item[0])}: "
            yield from _pieces(item[1], inner, levels - 1)
        else:
            yield inner
            yield from _pieces(item, inner, levels - 1)
        count += 1
    if count:
        yield "\n" + indent + ("}" if is_dict else "]")
    else:
        yield "{}" if is_dict else "[]"


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (_INFINITY, -_INFINITY):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


_INFINITY = float("inf")


def _key(key) -> str:
    if isinstance(key, str):
        return _string(key)
    if key is True or key is False or key is None:
        return _string(json.dumps(key))
    if isinstance(key, int):
        return _string(int.__repr__(key))
    if isinstance(key, float):
        return _string(_float(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


_string = json.encoder.encode_basestring  # the C version when available, as json.dumps uses


def _encode(value, indent: str) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_key(key)}: {_encode(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)) or _is_iterator(value):
        items = [inner + _encode(item, inner) for item in value]
        if not items:
            return "[]"
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _is_iterator(value) -> bool:
    return hasattr(value, "__next__") and hasattr(value, "__iter__")
