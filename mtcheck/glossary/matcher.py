"""Find glossary renderings in text with Aho-Corasick automata (pyahocorasick).

One automaton for case-insensitive patterns and one for case-sensitive ones, both over
offset-preserving normalised text (see textutil.normalize). Built once per glossary.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import ahocorasick

from ..models import GlossaryEntry
from ..textutil import ascii_word_flags, at_word_boundaries, normalize

WRONG, VARIANT, APPROVED = "wrong", "variant", "approved"
_KIND_PRIORITY = {WRONG: 0, VARIANT: 1, APPROVED: 2}


class Hit(NamedTuple):  # a named tuple: a dense text has several candidates a line, and it builds fastest
    start: int
    end: int
    entry: int  # index into the glossary's entries
    kind: str  # wrong | variant | approved
    pattern: str  # the glossary rendering that matched


class GlossaryMatcher:
    def __init__(self, entries: Sequence[GlossaryEntry]):
        self.entries = tuple(entries)
        self._insensitive = ahocorasick.Automaton()
        self._sensitive = ahocorasick.Automaton()
        for index, entry in enumerate(self.entries):
            for kind, renderings in ((WRONG, entry.wrong), (VARIANT, entry.variants), (APPROVED, entry.approved)):
                # Approved renderings of case-sensitive entries are found case-insensitively
                # so that mis-cased occurrences ("HUAWEI") can be reported.
                sensitive = entry.case_sensitive and kind == WRONG
                automaton = self._sensitive if sensitive else self._insensitive
                for rendering in renderings:
                    key = " ".join(normalize(rendering, sensitive).split())
                    if not key:
                        continue
                    payload = automaton.get(key) if key in automaton else []
                    payload.append((index, kind, rendering, len(key), entry.whole_word))
                    automaton.add_word(key, payload)
        for automaton in (self._insensitive, self._sensitive):
            if len(automaton):
                automaton.make_automaton()
        self._set_automata(self._insensitive, self._sensitive)

    def _set_automata(self, insensitive: ahocorasick.Automaton, sensitive: ahocorasick.Automaton) -> None:
        self._insensitive, self._sensitive = insensitive, sensitive
        self._automata = tuple((automaton, case) for automaton, case in ((insensitive, False), (sensitive, True)) if len(automaton))

    @property
    def automata(self) -> tuple[ahocorasick.Automaton, ahocorasick.Automaton]:
        """The (case-insensitive, case-sensitive) automata: what the on-disk cache stores."""
        return self._insensitive, self._sensitive

    @classmethod
    def from_automata(cls, entries: Sequence[GlossaryEntry], insensitive: ahocorasick.Automaton, sensitive: ahocorasick.Automaton) -> "GlossaryMatcher":
        """A matcher over `entries` with automata built earlier for the same glossary content."""
        matcher = cls.__new__(cls)
        matcher.entries = tuple(entries)
        matcher._set_automata(insensitive, sensitive)
        return matcher

    def find(self, text: str) -> list[Hit]:
        """All non-overlapping hits: longest first, wrong renderings preferred on ties."""
        candidates: list[Hit] = []
        flags = ascii_word_flags(text)
        for automaton, sensitive in self._automata:
            folded = normalize(text, sensitive)
            for end_index, payload in automaton.iter(folded):
                end = end_index + 1
                for index, kind, rendering, length, whole_word in payload:
                    start = end - length
                    if whole_word:
                        if flags is None:
                            if not at_word_boundaries(text, start, end):
                                continue
                        elif flags[start] & flags[start + 1] or flags[end] & flags[end + 1]:
                            continue
                    candidates.append(Hit(start, end, index, kind, rendering))
        if len(candidates) < 2:
            return candidates
        candidates.sort()  # by start, then end: the order of the result
        if all(hit.end <= after.start for hit, after in zip(candidates, candidates[1:])):
            return candidates  # no two overlap (the common case): all are kept
        candidates.sort(key=lambda h: (-(h.end - h.start), _KIND_PRIORITY[h.kind], h.start))
        taken = _non_overlapping(candidates, len(text))
        taken.sort()
        return taken


def _non_overlapping(candidates: list[Hit], length: int) -> list[Hit]:
    """Each candidate in turn unless it overlaps one taken before. A map of the taken
    characters answers "overlaps?" in the hit's own length, so a text with many hits
    costs linear time, not hits x hits."""
    taken: list[Hit] = []
    occupied = bytearray(length)
    for hit in candidates:
        if occupied.find(1, hit.start, hit.end) != -1:
            continue
        taken.append(hit)
        occupied[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
    return taken
