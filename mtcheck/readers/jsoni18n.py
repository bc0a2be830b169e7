"""JSON i18n resource files (i18next, vue-i18n, Chrome-style, ARB): one segment per string.

Flat (`{"home.title": "..."}`) and nested (`{"home": {"title": "..."}}`) files both work;
the segment id is the dotted key path (`home.title`, array items by index: `tips.0`).
Keys starting with `@` (ARB metadata such as `@@locale` or `@title`) and empty strings are
skipped, and so are mtcheck's own JSON reports and baseline files (top-level
`"tool": "mtcheck"`), which quote findings.

The file is parsed by the standard json module; what it refuses is a one-line error, and
so are NaN and Infinity (not JSON, though Python accepts them) and nesting too deep for it.
A walk over the validated text then records where each string lies, with json's own
`scanstring` reading every string and every escape, so `fix` rewrites only the changed
characters (new text is written with JSON escapes, non-ASCII characters as they are).
Integers and floats are never converted, so a 5000-digit number is just a number.
"""

from __future__ import annotations

import json
import re
from json.decoder import WHITESPACE, scanstring
from json.scanner import NUMBER_RE

from ..errors import InputError
from .spans import Located, Run, line_and_column, located_segment, unique_ids

_LITERALS = ("true", "false", "null")
_NOT_JSON = ("NaN", "Infinity", "-Infinity")
# One escape as JSON writes it: a surrogate pair first, so that it stays one character.
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


def escape_json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _ws(text: str, at: int) -> int:
    return WHITESPACE.match(text, at).end()


def _string(text: str, at: int) -> tuple[Run, int]:
    """The JSON string starting at text[at] == '"': decoded run and the offset after it."""
    value, end = scanstring(text, at + 1)
    if "\\" not in text[at + 1:end - 1]:
        return Run(value, range(at + 1, end), True, escape_json), end
    chars: list[str] = []
    bounds: list[int] = []
    position = at + 1
    for match in _ESCAPE.finditer(text, at + 1, end - 1):
        chars.extend(text[position:match.start()])
        bounds.extend(range(position, match.start()))
        decoded = scanstring(f'"{match.group(0)}"', 1)[0]
        chars.extend(decoded)
        bounds.extend([match.start()] * len(decoded))
        position = match.end()
    chars.extend(text[position:end - 1])
    bounds.extend(range(position, end))
    if "".join(chars) != value:
        raise ValueError(f"JSON string at offset {at} decoded differently")
    return Run(value, tuple(bounds), True, escape_json), end


def _scalar_end(text: str, at: int, path: str) -> int:
    for word in _NOT_JSON:
        if text.startswith(word, at):
            line, column = line_and_column(text, at)
            raise InputError(f"not valid JSON: {word} is not a JSON value (column {column + 1})", where=path, line=line, hint="write numbers as digits, or quote the value")
    for word in _LITERALS:
        if text.startswith(word, at):
            return at + len(word)
    return NUMBER_RE.match(text, at).end()


def _leaves(text: str, path: str) -> list[tuple[tuple[str, ...], Run]]:
    """(key path, string run) of every string value outside `@` keys, in file order, from
    text that json.loads accepted. Iterative: depth costs memory, not stack."""
    leaves: list[tuple[tuple[str, ...], Run]] = []
    stack: list[list] = []  # [is_object, key path, next array index, skipped] per open container
    key_path: tuple[str, ...] = ()
    skipped = False
    at = _ws(text, 0)
    while True:
        # A value starts at `at`.
        ch = text[at]
        if ch in "{[":
            stack.append([ch == "{", key_path, 0, skipped])
            at = _ws(text, at + 1)
            if text[at] not in "}]":
                key_path, skipped, at = _next_member(text, at, stack[-1], first=True)
                continue
            at += 1
            stack.pop()
        elif ch == '"':
            run, at = _string(text, at)
            if not skipped:
                leaves.append((key_path, run))
        else:
            at = _scalar_end(text, at, path)
        # After a value: close containers until one continues with a comma.
        while True:
            at = _ws(text, at)
            if not stack:
                return leaves
            if text[at] == ",":
                key_path, skipped, at = _next_member(text, _ws(text, at + 1), stack[-1])
                break
            stack.pop()
            at += 1


def _next_member(text: str, at: int, frame: list, first: bool = False) -> tuple[tuple[str, ...], bool, int]:
    """(key path, skipped, offset of the value) of the next member or item of a container."""
    is_object, parent, index, skipped = frame
    if not is_object:
        index = 0 if first else index + 1
        frame[2] = index
        return parent + (str(index),), skipped, at
    key, at = _string(text, at)
    at = _ws(text, _ws(text, at) + 1)  # past the colon
    return parent + (key.text,), skipped or key.text.startswith("@"), at


def _validated(text: str, path: str):
    """The document as json.loads reads it (numbers left as text), or a one-line error."""
    try:
        return json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", where=path, line=exc.lineno, hint="fix the JSON syntax") from None
    except RecursionError:
        raise InputError("JSON nested too deeply for the json module", where=path, hint="flatten the file: i18n keys need only a few levels") from None


def locate(text: str, path: str) -> list[Located]:
    data = _validated(text, path)
    if isinstance(data, dict) and data.get("tool") == "mtcheck":
        return []  # mtcheck's own reports and baselines quote findings; they are not translations
    leaves = _leaves(text, path)
    located = [
        located_segment(text, path, ".".join(key_path) or "(root)", [run], meta={"format": "json"})
        for key_path, run in leaves
        if run.text.strip()
    ]
    return unique_ids(located, path)
