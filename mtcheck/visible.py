"""Untrusted text (file names, segment ids, translations) made safe to print or embed.

Terminal-like outputs (the terminal report, GitHub annotations, error lines) show control
characters as visible escapes (`\\x1b`, `\\u202e`) so that no escape sequence from a file
reaches the terminal or the CI log as a command. XML reports replace only what XML 1.0
cannot hold.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidirectional overrides/isolates ("Trojan Source").
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEPING_NEWLINES = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Not allowed anywhere in an XML 1.0 document (the Char production).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written as an escape (tab included; CR and LF
    kept when `keep_newlines`, for formats that encode them themselves)."""
    pattern = _CONTROL_KEEPING_NEWLINES if keep_newlines else _CONTROL
    return pattern.sub(_escape, text)


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot contain written as escapes."""
    return _XML_INVALID.sub(_escape, text)


def excerpt(value: object, limit: int = 40) -> str:
    """A short, escaped piece of `value` for an error message: a string quoted, anything
    else (a number, a list from a JSON file) as its repr; cut after `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    shown = visible(text[:limit]) + ("…" if len(text) > limit else "")
    return f"'{shown}'" if isinstance(value, str) else shown
