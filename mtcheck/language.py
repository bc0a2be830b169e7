"""Is the target English at all? A Chinese file passed as the English target has no English
for the rules to match, so it would pass as "0 findings, 100/100"; this catches that.

The test is the share of CJK characters among all letters over the whole input, with a
minimum number of letters, so short lines that mix Chinese names into English are fine.
"""

from __future__ import annotations

import re
from typing import Iterable

from .errors import InputError

MIN_LETTERS = 40  # below this, too little text to judge
MAX_CJK_SHARE = 0.5  # an English target with more CJK letters than this is not English


def is_cjk(ch: str) -> bool:
    """Han, kana and hangul letters (the scripts of Chinese, Japanese and Korean)."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF
    )


def cjk_share(texts: Iterable[str]) -> tuple[float, int]:
    """(share of CJK characters among letters, number of letters) over all `texts`.

    ASCII characters are counted in C (bytes.translate drops the non-letters); only the
    other characters, few in an English target, are tested one by one."""
    letters = cjk = 0
    for text in texts:
        letters += len(text.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
        if text.isascii():
            continue
        for ch in _ASCII_RUNS.sub("", text):
            if ch.isalpha() or is_cjk(ch):
                letters += 1
                cjk += is_cjk(ch)
    return (cjk / letters if letters else 0.0), letters


_ASCII_NON_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())
_ASCII_RUNS = re.compile("[\x00-\x7f]+")


def require_english_target(targets: Iterable[str], where: str) -> None:
    """Raise InputError when the targets are mostly CJK (enough letters to judge)."""
    share, letters = cjk_share(targets)
    if letters >= MIN_LETTERS and share > MAX_CJK_SHARE:
        raise InputError(
            f"the target is mostly not English ({share:.0%} of its {letters} letters are Chinese/Japanese/Korean)",
            where=where,
            hint="mtcheck checks English translations; did you mean --source FILE for the Chinese source?",
        )


