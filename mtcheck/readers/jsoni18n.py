"""JSON i18n resource files (i18next, vue-i18n, Chrome-style, ARB): one segment per string.

Flat (`{"home.title": "..."}`) and nested (`{"home": {"title": "..."}}`) files both work;
the segment id is the dotted key path (`home.title`, array items by index: `tips.0`).
Keys starting with `@` (ARB metadata such as `@@locale` or `@title`) and empty strings are
skipped, and so are mtcheck's own JSON reports and baseline files (top-level
`"tool": "mtcheck"`), which quote findings. The file is validated with the standard json module; a small scanner then
records where each string lies so `fix` rewrites only the changed characters (new text
is written with JSON escapes, non-ASCII characters as they are).
"""

from __future__ import annotations

import json
import re

from ..errors import InputError
from .spans import Located, Run, located_segment, unique_ids

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")
_PLAIN_STRING = re.compile(r'"([^"\\]*)(?=")')
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def escape_json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _string(text: str, at: int) -> tuple[Run, int]:
    """The JSON string starting at text[at] == '"': decoded run and the offset after it."""
    plain = _PLAIN_STRING.match(text, at)
    if plain:
        return Run(plain.group(1), range(at + 1, plain.end() + 1), True, escape_json), plain.end() + 1
    chars: list[str] = []
    bounds: list[int] = []
    position = at + 1
    while text[position] != '"':
        bounds.append(position)
        if text[position] != "\\":
            chars.append(text[position])
            position += 1
            continue
        code = text[position + 1]
        if code != "u":
            chars.append(_SIMPLE[code])
            position += 2
            continue
        unit = int(text[position + 2:position + 6], 16)
        position += 6
        if 0xD800 <= unit < 0xDC00 and text.startswith("\\u", position):
            low = int(text[position + 2:position + 6], 16)
            if 0xDC00 <= low < 0xE000:
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                position += 6
        chars.append(chr(unit))
    bounds.append(position)
    return Run("".join(chars), tuple(bounds), True, escape_json), position + 1


def _value(text: str, at: int, path: tuple[str, ...], leaves: list) -> int:
    at = _WS.match(text, at).end()
    ch = text[at]
    if ch == '"':
        run, end = _string(text, at)
        leaves.append((path, run))
        return end
    if ch == "{":
        at = _WS.match(text, at + 1).end()
        if text[at] == "}":
            return at + 1
        while True:
            key, at = _string(text, _WS.match(text, at).end())
            at = _WS.match(text, at).end() + 1  # the colon
            skip = key.text.startswith("@")
            at = _value(text, at, path + (key.text,), [] if skip else leaves)
            at = _WS.match(text, at).end()
            if text[at] == "}":
                return at + 1
            at += 1  # the comma
    if ch == "[":
        at = _WS.match(text, at + 1).end()
        if text[at] == "]":
            return at + 1
        index = 0
        while True:
            at = _WS.match(text, _value(text, at, path + (str(index),), leaves)).end()
            index += 1
            if text[at] == "]":
                return at + 1
            at += 1
    return _SCALAR.match(text, at).end()


def locate(text: str, path: str) -> list[Located]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", where=path, line=exc.lineno, hint="fix the JSON syntax") from None
    if isinstance(data, dict) and data.get("tool") == "mtcheck":
        return []  # mtcheck's own reports and baselines quote findings; they are not translations
    leaves: list[tuple[tuple[str, ...], Run]] = []
    _value(text, 0, (), leaves)
    located = [
        located_segment(text, path, ".".join(key_path) or "(root)", [run], meta={"format": "json"})
        for key_path, run in leaves
        if run.text.strip()
    ]
    return unique_ids(located, path)
