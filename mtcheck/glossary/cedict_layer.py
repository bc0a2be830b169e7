"""The generated glossary layer: CC-CEDICT names with the literal renderings MT produces.

Run `python -m mtcheck.glossary.cedict_layer` to rewrite `data/glossaries/cedict.csv`
(deterministic, a few seconds). For every CC-CEDICT headword of two or more characters whose
proper-noun gloss names a company, brand, product, media outlet, institution or place, the
entry's approved rendering is the English name in the gloss and its wrong renderings are:

- the headword's common senses from its other entries (小米 -> "millet");
- character-by-character glosses in order (红米 -> "red rice", 金山 -> "gold mountain");
- for longer names, two dictionary words rendered one by one (新浪微博 -> "Sina microblogging");
- pinyin, in the spellings of `pinyin_spellings.name_spellings` (Hongmi, Hong Mi; Jinshanyun,
  Jin Shanyun, Jinshan Yun), when the English name is not the pinyin.

The curated headwords of names (companies, brands, products, media, people) get their pinyin
spellings here too (`curated_renderings`): the hand-written rows list the glosses, this layer
the systematic spellings, including a stem's pinyin with its generic ending in English
(联想集团 "Lianxiang Group").

A rendering is dropped when it is contained in an approved name of the entry, is approved
anywhere in the bundle, is claimed by another entry, or is junk (too long, a classifier or
cross-reference). Headwords that a curated (hand-written) bundled file defines are skipped.

Ambiguity is decided by English word frequency (the `wordfreq` package, a build-time
dependency in the `glossary-build` extra): a rendering whose Zipf frequency is at least
AMBIGUOUS_ZIPF is ordinary English and goes to a separate, sense-gated row whose exemplars
are filled in from fixed templates; one at least DROP_ZIPF is too common to list at all.
Rows leave `source` empty and name their headwords in `note` (see Row).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ..bilingual.cedict import SKIP_GLOSS, Cedict, CedictEntry, literal_glosses, load_cedict
from ..textutil import normalize
from .loader import COLUMNS, default_glossary_dir, read_glossary_rows, sort_key
from .pinyin_spellings import ENDINGS, ending_spellings, is_pinyin_of, looks_like_a_person, name_spellings, split_ending, squashed, syllables_of

GENERATED_FILE = "cedict.csv"
COMMAND = "python -m mtcheck.glossary.cedict_layer"
AMBIGUOUS_ZIPF = 2.5
DROP_ZIPF = 4.0
SENSE_DROP_ZIPF = 3.5
COMMON_WORD_ZIPF = 3.0
FUNCTION_WORD_ZIPF = 6.0  # the, of, at, this, know ...
MAX_WORDS = 4
MAX_COMPOSITIONS = 2
MAX_COMPOSED_CHARACTERS = 3  # longer names are not glossed character by character
MAX_PINYIN_SYLLABLES = 4

# Kind of name, from the words of its gloss; the first kind that matches wins.
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("media", r"\b(newspaper|magazine|news agency|TV station|television|broadcaster|radio station|daily|journal|publisher)\b"),
        ("company", r"\b(company|corporation|corp|inc|ltd|co\.|group|conglomerate|bank|airlines?|manufacturer|maker|retailer|firm|carrier|chain)\b"),
        ("brand", r"\b(brand|app|website|web portal|portal|search engine|platform|online)\b"),
        ("product", r"\b(car model|model|software|operating system|browser|game|phone|smartphone|microprocessor|chip|beer|liquor)\b"),
        ("institution", r"\b(university|college|institute|academy|ministry|bureau|commission|committee|council|administration|agency|association|federation|organi[sz]ation|party|society|league|foundation|museum|exchange)\b"),
        ("place", r"\b(province|city|county|district|town|township|village|prefecture|region|municipality|island|peninsula|mountain|river|lake|street|station|airport|harbor|port|bay|banner|place name)\b"),
    )
)
DOMAIN_OF_KIND = {
    "media": "media", "company": "company", "brand": "brand", "product": "product",
    "institution": "institution", "place": "place", "person": "person",
}
# Curated domains whose headwords are names MT may leave in pinyin.
NAME_DOMAINS = frozenset({"company", "brand", "product", "media", "person"})
# People, peoples and languages are not names MT mistranslates as brands; skip their glosses.
_PERSON = re.compile(
    r"\(\d{3,4}\s*-|\(born\b|\bfounder\b|\bchairman\b|\bCEO\b|\bemperor\b|\bpoet\b|\bwriter\b|\bking\b|\bdynasty\b|\bpresident\b|"
    r"\bname\)|\bethnic\b|\bnationality\b|\bminority\b|\blanguage\b|\bpeople\b|\btribe\b",
    re.IGNORECASE,
)
_CJK_OR_BRACKET = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\[\]|·]")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_NAME_WORD = re.compile(r"^[A-Z][A-Za-z'.&-]*$|^[A-Z0-9][A-Za-z0-9]*$|^(of|and|the|de|for)$")
_TONE = re.compile(r"[1-5]")

INTENDED_TEMPLATES = {
    "company": ("{approved} reported higher revenue this year.", "Shares of {approved} rose after the announcement."),
    "brand": ("{approved} launched a new model at its product event.", "Users of {approved} can now pay inside the app."),
    "product": ("The new {approved} went on sale online this week.", "Reviewers compared the {approved} with its rivals."),
    "media": ("{approved} reported the story on its front page.", "An editor at {approved} wrote the commentary."),
    "institution": ("{approved} issued a statement on the new policy.", "Officials from {approved} attended the meeting in Beijing."),
    "place": ("{approved} is a district in the south of the province.", "The factory was built in {approved} last year."),
}
LITERAL_TEMPLATES = (
    "Here {literal} has its everyday meaning: {gloss}.",
    "The children talked about the {literal} they saw that morning.",
)


@dataclass(frozen=True)
class NamedHeadword:
    """A CC-CEDICT headword with an English name of a given kind."""

    simplified: str
    traditional: str
    name: str
    kind: str
    pinyin: str
    certain: bool  # the gloss names the kind; False for a bare capitalised name


@dataclass(frozen=True)
class Rendering:
    text: str
    how: str  # sense | composition | named (a composition with a name in it) | pinyin
    gloss: str  # what the words mean (for literal exemplars)


def kind_of(gloss: str) -> str | None:
    for kind, pattern in KINDS:
        if pattern.search(gloss):
            return kind
    return None


def name_in(gloss: str) -> str | None:
    """The leading capitalised words of a proper-noun gloss ("Sina, Chinese web portal" ->
    "Sina", "Jinshan suburban district of Shanghai" -> "Jinshan"), or None."""
    if SKIP_GLOSS.match(gloss) or _CJK_OR_BRACKET.search(gloss):
        return None
    head = re.split(r"[,;:/]", _PARENTHESES.sub("", gloss), maxsplit=1)[0].strip()
    words: list[str] = []
    for word in head.split():
        if not _NAME_WORD.match(word):
            break
        words.append(word)
    while words and words[-1] in {"of", "and", "the", "de", "for"}:
        words.pop()
    if not words or len(words) > 6 or not words[0][:1].isupper():
        return None
    return " ".join(words)


def pinyin_syllables(pinyin: str) -> list[str]:
    syllables = [_TONE.sub("", part).replace("u:", "u") for part in pinyin.split()]
    return [s for s in syllables if s.isalpha()]


def joined_pinyin(pinyin: str) -> str:
    return "".join(pinyin_syllables(pinyin)).lower()


def named_headwords(cedict: Cedict) -> Iterator[NamedHeadword]:
    """Every headword (2+ characters) with a proper-noun gloss that names something."""
    for word, entries in sorted(cedict.items()):
        if len(word) < 2 or entries[0].simplified != word:
            continue
        for entry in entries:
            if not entry.proper or entry.surname_only:
                continue
            named = _named(entry)
            if named is not None:
                yield named
                break


def _named(entry: CedictEntry) -> NamedHeadword | None:
    for gloss in entry.glosses:
        if _PERSON.search(gloss):
            continue
        name = name_in(gloss)
        if name is None:
            continue
        kind = kind_of(gloss)
        if kind is None:
            # A bare capitalised name is mostly a transliterated foreign name or a person, which
            # MT renders correctly; the few brands among them (联想 Lenovo) are curated by hand.
            continue
        return NamedHeadword(entry.simplified, entry.traditional, name, kind, entry.pinyin, True)
    return None


def character_glosses(cedict: Cedict, character: str) -> list[str]:
    """One-word common-noun glosses of one character, in CC-CEDICT's order."""
    found: list[str] = []
    for entry in cedict.lookup(character):
        if entry.proper:
            continue
        found.extend(g for g in literal_glosses(entry) if " " not in g and g.isalpha())
    return list(dict.fromkeys(found))


def compositions(cedict: Cedict, word: str) -> list[Rendering]:
    """Character-by-character glosses in order: the first gloss of each character, then the
    second gloss of each character in turn."""
    per_char = [character_glosses(cedict, ch) for ch in word]
    if not all(per_char) or len(per_char) > MAX_COMPOSED_CHARACTERS:
        return []
    first = [glosses[0] for glosses in per_char]
    found = [first]
    for index, glosses in enumerate(per_char):
        if len(glosses) > 1 and len(found) < MAX_COMPOSITIONS:
            found.append(first[:index] + [glosses[1]] + first[index + 1:])
    return [Rendering(" ".join(words), "composition", ", ".join(f"{ch} {w}" for ch, w in zip(word, words))) for words in found]


def part_rendering(cedict: Cedict, part: str) -> str | None:
    """How MT renders one dictionary word inside a longer name: its own English name when it
    is a name (新浪 Sina), else its first common gloss of at most two words (微博 microblogging)."""
    for entry in cedict.lookup(part):
        if entry.proper and not entry.surname_only:
            name = next((n for n in map(name_in, entry.glosses) if n), None)
            if name:
                return name
    senses = [sense for sense in cedict.literals(part) if len(sense.split()) <= 2]
    return senses[0] if senses else None


def word_compositions(cedict: Cedict, word: str) -> list[Rendering]:
    """A name of three or more characters split into two dictionary words, each rendered on its
    own (新浪微博 -> "Sina microblogging"): longest first part first, one composition."""
    for cut in range(len(word) - 1, 0, -1):
        head, tail = word[:cut], word[cut:]
        if len(head) < 2 and len(tail) < 2 or head not in cedict or tail not in cedict:
            continue
        parts = [part_rendering(cedict, head), part_rendering(cedict, tail)]
        if all(parts):
            # A part that is a name ("Sina microblogging") makes the whole a name, not English.
            how = "named" if any(part[:1].isupper() for part in parts) else "composition"
            return [Rendering(" ".join(parts), how, f"{head} {parts[0]}, {tail} {parts[1]}")]
    return []


def renderings(cedict: Cedict, named: NamedHeadword) -> list[Rendering]:
    found = [Rendering(sense, "sense", sense) for sense in cedict.literals(named.simplified)]
    found += compositions(cedict, named.simplified)
    if len(named.simplified) >= 3:
        found += word_compositions(cedict, named.simplified)
    syllables = pinyin_syllables(named.pinyin)
    letters = squashed(named.name)
    joined = "".join(syllables).lower()
    # Pinyin is wrong only where the name is not itself the pinyin (Huangpu for 黄浦区 is).
    if 2 <= len(syllables) <= MAX_PINYIN_SYLLABLES and not (joined.startswith(letters) or letters.startswith(joined)):
        found += [Rendering(spelling, "pinyin", named.name) for spelling in name_spellings(syllables)]
    return found


def headword_syllables(cedict: Cedict, headword: str) -> list[str] | None:
    """A headword's toneless pinyin, one syllable per character: CC-CEDICT's reading where it has
    the word (银行 yin hang, not yin xing), else pypinyin's."""
    for entry in cedict.lookup(headword):
        syllables = [s.lower() for s in pinyin_syllables(entry.pinyin)]
        if len(syllables) == len(headword):
            return syllables
    return syllables_of(headword)


def curated_renderings(cedict: Cedict, name: "CuratedName", zipf: Callable[[str], float],
                       stems: frozenset[str] = frozenset()) -> list[Rendering]:
    """The pinyin spellings of a curated name's headwords that its English name is not: the
    whole name's (Jin Shanyun for 金山云 Kingsoft Cloud), and, for a name made of a stem and a
    generic ending or of another curated name (`stems`) and a dictionary word, the stem in
    pinyin with the rest in English (Lianxiang Group for 联想集团 Lenovo Group, Jinshan Office
    for 金山办公). A person's surname-first pinyin is the right name; only the other spellings
    are listed. A stem whose pinyin is an English word ("Long Group") is left out."""
    person = name.domain == "person"
    found: list[Rendering] = []
    # Only the entry's main headword: an abbreviation's pinyin is mostly a given name too
    # (中建 "Zhongjian" beside 中国建筑), and an alternative form has the same reading.
    for headword in name.headwords[:1]:
        syllables = headword_syllables(cedict, headword)
        if syllables is None:
            continue
        split = None if person else split_name(cedict, headword, stems)
        if split is not None:
            stem, english = "".join(syllables[: len(split[0])]), split[1]
            if zipf(stem) < AMBIGUOUS_ZIPF and not any(is_pinyin_of(a, stem) for a in name.accepted):
                found += [Rendering(s, "named", name.approved) for s in ending_spellings(syllables[: len(split[0])], english)]
            if len(headword) - len(split[0]) > 1:
                continue  # the whole in pinyin ("Lianxiang Jituan") is not what MT writes
        joined = "".join(syllables)
        if person:
            # Only a name whose surname-first pinyin is approved (Lei Jun): that confirms both
            # that it is a person's name and that the reading is right (曾 is Zeng, not Ceng).
            if any(squashed(a) == joined for a in name.accepted):
                found += [Rendering(s, "pinyin", name.approved) for s in name_spellings(syllables, person=True)]
        elif not any(is_pinyin_of(a, joined) for a in name.accepted):
            found += [Rendering(s, "pinyin", name.approved) for s in name_spellings(syllables)
                      if not (len(syllables) == 2 and looks_like_a_person(s))]
    return found


def split_name(cedict: Cedict, headword: str, stems: frozenset[str]) -> tuple[str, tuple[str, ...]] | None:
    """(stem, English of the rest) for a name of a stem and a generic ending (金山云: 金山,
    Cloud), or of another curated name and a dictionary word of two or more characters
    (金山办公: 金山, office); else None."""
    split = split_ending(headword)
    if split is not None:
        return split[0], ENDINGS[split[1]]
    for cut in range(len(headword) - 2, 1, -1):
        stem, tail = headword[:cut], headword[cut:]
        if stem in stems and tail in cedict:
            english = part_rendering(cedict, tail)
            if english and not english[:1].isupper():
                return stem, (english,)
    return None


def is_junk(text: str) -> bool:
    words = text.split()
    return not words or len(words) > MAX_WORDS or len(text) > 40 or "cl:" in text.lower() or not re.fullmatch(r"[A-Za-z][A-Za-z' -]*", text)


def contained_in(text: str, names: Iterable[str]) -> bool:
    key = f" {_key(text)} "
    return any(key in f" {_key(name)} " for name in names)


def _key(text: str) -> str:
    return " ".join(normalize(text, False).replace("-", " ").split())


@dataclass(frozen=True)
class Row:
    """One generated entry. The headwords go to the note, not to `source`: as BI001 key terms
    they would demand CC-CEDICT's name wherever the headword is a common word (日电 "NEC" in
    every "...日电" dateline) or the target rightly uses a short form (路透社 "Reuters News
    Agency" for "Reuters")."""

    headwords: tuple[str, ...]
    approved: str
    wrong: tuple[str, ...]
    kind: str
    certain: bool
    ambiguous: bool
    glosses: tuple[str, ...] = ()
    curated: tuple[str, ...] = ()  # curated headwords whose pinyin spellings the row lists

    def cells(self) -> dict[str, str]:
        intended = literal = ""
        if self.ambiguous:
            intended = "|".join(t.format(approved=self.approved) for t in INTENDED_TEMPLATES[self.kind])
            literal = "|".join(
                LITERAL_TEMPLATES[i % len(LITERAL_TEMPLATES)].format(literal=text, gloss=gloss)
                for i, (text, gloss) in enumerate(zip(self.wrong, self.glosses))
            )
            if len(self.wrong) == 1:
                literal += "|" + LITERAL_TEMPLATES[1].format(literal=self.wrong[0], gloss=self.glosses[0])
        return {
            "source": "", "approved": self.approved, "wrong": "|".join(self.wrong),
            "variants": "", "case_sensitive": "no", "whole_word": "yes",
            "severity": "error" if self.certain else "warning", "autofix": "unsafe",
            "intended_sense": intended, "literal_sense": literal,
            "domain": DOMAIN_OF_KIND[self.kind],
            "note": f"Generated from {self.origin()}: " + ("sense-gated: the wrong rendering is ordinary English." if self.ambiguous else "literal gloss or pinyin of the name."),
        }

    def origin(self) -> str:
        parts = [f"CC-CEDICT {'; '.join(self.headwords)}"] if self.headwords else []
        if self.curated:
            parts.append(f"the curated headword {'; '.join(self.curated)}")
        return " and ".join(parts)


@dataclass(frozen=True)
class CuratedName:
    """A hand-written entry for a name: its Chinese headwords and its English names."""

    headwords: tuple[str, ...]
    approved: str
    accepted: tuple[str, ...]  # approved renderings and variants
    domain: str


@dataclass(frozen=True)
class Curated:
    """What the hand-written bundled files define: their headwords win."""

    sources: frozenset[str]
    accepted: frozenset[str]  # approved renderings and variants
    wrong: frozenset[str]
    names: tuple[CuratedName, ...] = ()  # entries of NAME_DOMAINS, for their pinyin spellings
    # (wrong rendering, its entry's approved name, whether the entry is sense-gated)
    wrong_of: tuple[tuple[str, str, bool], ...] = ()
    # Names a generated row must not take: a curated row without a source would be the same
    # entry (both leave `source` empty), and a case-insensitive row for a case-sensitive
    # entry's name would hide its casing check ("people's Daily").
    reserved: frozenset[str] = frozenset()


def read_curated(folder: Path) -> Curated:
    sources: set[str] = set()
    accepted: set[str] = set()
    wrong: set[str] = set()
    names: list[CuratedName] = []
    wrong_of: list[tuple[str, str, bool]] = []
    reserved: set[str] = set()
    for path in sorted(folder.glob("*.csv")) + sorted(folder.glob("*.tsv")):
        if path.name == GENERATED_FILE:
            continue
        entries, _ = read_glossary_rows(path)
        for entry in entries:
            sources.update(entry.source)
            accepted.update(_key(a) for a in entry.approved + entry.variants)
            wrong.update(_key(w) for w in entry.wrong)
            wrong_of += [(_key(w), _key(entry.preferred), entry.ambiguous) for w in entry.wrong]
            if not entry.source or entry.case_sensitive:
                reserved.update(_key(a) for a in entry.approved)
            if entry.domain in NAME_DOMAINS and entry.source:
                names.append(CuratedName(entry.source, entry.preferred, entry.approved + entry.variants, entry.domain))
    return Curated(frozenset(sources), frozenset(accepted), frozenset(wrong), tuple(names), tuple(wrong_of),
                   frozenset(reserved))


def _curated_elsewhere(named: NamedHeadword, curated: Curated) -> bool:
    """A curated file defines the headword, or lists its name as a wrong rendering (金山区 Jinshan
    while 金山 Kingsoft lists "Jinshan"): hand-written entries win."""
    return named.simplified in curated.sources or named.traditional in curated.sources or _key(named.name) in curated.wrong


@dataclass(frozen=True)
class _Name:
    """What a row is generated for: a CC-CEDICT headword or a curated name."""

    label: str  # its headwords, joined with |
    approved: str
    kind: str
    certain: bool
    curated: bool
    renderings: tuple[Rendering, ...]
    accepted: tuple[str, ...] = ()  # its own English names (a person's pinyin spelt differently)


@dataclass(frozen=True)
class _TakenSpellings:
    """Pinyin letters that belong to some other name. A pinyin spelled like another name in the
    bundle ("Hong Qi" for 宏碁 Acer, while 红旗 is Hongqi) is that name; one spelled like a
    curated wrong rendering of another name, or of a sense-gated entry (Kingsoft "Jinshan",
    gated because Jinshan is also a district), is left to that entry."""

    letters: frozenset[str]
    owners: dict[str, frozenset[str]]  # letters of a curated wrong rendering -> its entries' names

    @classmethod
    def of(cls, accepted: Iterable[str], curated: Curated) -> "_TakenSpellings":
        owners: dict[str, set[str]] = {}
        for wrong, owner, _ in curated.wrong_of:
            owners.setdefault(squashed(wrong), set()).add(owner)
        gated = {squashed(wrong) for wrong, _, ambiguous in curated.wrong_of if ambiguous}
        return cls(frozenset({squashed(a) for a in accepted} | gated), {k: frozenset(v) for k, v in owners.items()})

    def spells_another(self, text: str, name: _Name) -> bool:
        letters = squashed(text)
        if letters in {squashed(a) for a in (name.approved, *name.accepted)}:
            return False  # the entry's own name, spelt differently (Luoyonghao for Luo Yonghao)
        return letters in self.letters or self.owners.get(letters, {_key(name.approved)}) != {_key(name.approved)}


def generate_rows(cedict: Cedict, curated: Curated, zipf: Callable[[str], float]) -> list[Row]:
    named = [n for n in named_headwords(cedict) if not _curated_elsewhere(n, curated)]
    accepted = set(curated.accepted) | {_key(n.name) for n in named}
    names = [_Name("|".join(dict.fromkeys((n.simplified, n.traditional))), n.name, n.kind, n.certain, False,
                   tuple(renderings(cedict, n))) for n in named]
    stems = frozenset(h for c in curated.names for h in c.headwords if 2 <= len(h) <= 3)
    names += [_Name("|".join(c.headwords), c.approved, c.domain, True, True, tuple(curated_renderings(cedict, c, zipf, stems)),
                    c.accepted) for c in curated.names]
    taken = _TakenSpellings.of(accepted, curated)
    candidates: list[list[Rendering]] = []
    claims: dict[str, set[str]] = {}  # rendering -> the English names it would be listed for
    for name in names:
        kept: dict[str, Rendering] = {}
        for rendering in name.renderings:
            key = _key(rendering.text)
            if is_junk(rendering.text) or key in kept or contained_in(rendering.text, [name.approved]):
                continue
            if key in accepted or key in curated.wrong:
                continue
            if rendering.how == "pinyin" and taken.spells_another(rendering.text, name):
                continue
            kept[key] = rendering
        candidates.append(list(kept.values()))
        for rendering in kept.values():
            claims.setdefault(_claim_key(rendering), set()).add(_key(name.approved))
    rows: list[Row] = []
    listed: set[str] = set()
    for name, found in zip(names, candidates):
        plain: list[Rendering] = []
        gated: list[Rendering] = []
        for rendering in found:
            key = _key(rendering.text)
            if len(claims[_claim_key(rendering)]) > 1 or key in listed:
                continue
            ordinary = is_ordinary_english(rendering, zipf)
            if ordinary is None:
                continue
            if ordinary and name.kind == "place":
                continue  # a place name's word-by-word gloss in English text is the phrase itself
            listed.add(key)
            (gated if ordinary else plain).append(rendering)
        labels = ((), (name.label,)) if name.curated else ((name.label,), ())
        for group, ambiguous in ((plain, False), (gated, True)):
            if group:
                rows.append(Row(labels[0], name.approved, tuple(r.text for r in group), name.kind,
                                name.certain, ambiguous, tuple(r.gloss for r in group), labels[1]))
    return [row for row in merge_same_name(rows) if _key(row.approved) not in curated.reserved]


def _claim_key(rendering: Rendering) -> str:
    """Renderings that claim the same thing: pinyin by its letters (Hong Qi, Hongqi), else by
    its normalised words."""
    return "pinyin:" + squashed(rendering.text) if rendering.how == "pinyin" else _key(rendering.text)


def merge_same_name(rows: Sequence[Row]) -> list[Row]:
    """One row per English name and ambiguity (超级碗 and 超级杯 are both the Super Bowl)."""
    merged: dict[tuple[str, bool], Row] = {}
    for row in rows:
        key = (_key(row.approved), row.ambiguous)
        first = merged.get(key)
        if first is None:
            merged[key] = row
            continue
        merged[key] = Row(first.headwords + row.headwords, first.approved, first.wrong + row.wrong,
                          first.kind, first.certain, first.ambiguous, first.glosses + row.glosses,
                          first.curated + row.curated)
    return list(merged.values())


def is_ordinary_english(rendering: Rendering, zipf: Callable[[str], float]) -> bool | None:
    """True when the rendering is ordinary English (sense-gated), False when it is not, None
    when it is too common to list.

    - pinyin is judged joined ("Wan Ke" as "wanke"): one that is an English word is dropped,
      as its literal sense has no gloss to exemplify;
    - a common sense of the headword is what MT rightly writes for the headword's ordinary
      use (大众 "the masses", 精工 "refined"), so it is dropped from SENSE_DROP_ZIPF up;
    - a composition with a name in it ("Sina microblogging") is not ordinary English;
    - a character-by-character composition of two ordinary words reads as an English phrase
      ("gold mountain", "red rice"); one of three or more glosses ("soup extensive happy")
      is not English and fires unconditionally.
    """
    text = rendering.text.lower()
    if rendering.how == "named":
        return False
    if rendering.how == "pinyin":
        return None if zipf(text.replace(" ", "")) >= AMBIGUOUS_ZIPF else False
    words = text.split()
    if rendering.how == "composition" and len(words) > 1:
        if max(zipf(word) for word in words) >= FUNCTION_WORD_ZIPF:
            return None  # "know at" (知乎): a gloss like "at" or "this" makes no name, only noise
        return len(words) == 2 and min(zipf(word) for word in words) >= COMMON_WORD_ZIPF
    frequency = zipf(text)
    if frequency >= (SENSE_DROP_ZIPF if rendering.how == "sense" else DROP_ZIPF):
        return None
    return frequency >= AMBIGUOUS_ZIPF


def render_csv(rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=_row_order):
        writer.writerow(row.cells())
    return buffer.getvalue()


def _row_order(row: Row) -> tuple:
    return (row.approved.casefold(), row.ambiguous)


def english_zipf() -> Callable[[str], float]:
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        raise SystemExit(f"{COMMAND}: needs the wordfreq package (pip install -e '.[glossary-build]')") from None
    return lambda text: zipf_frequency(text, "en")


def generate(folder: Path | None = None) -> str:
    folder = folder or default_glossary_dir()
    return render_csv(generate_rows(load_cedict(), read_curated(folder), english_zipf()))


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help=f"output file (default: the bundled {GENERATED_FILE})")
    args = parser.parse_args(argv)
    folder = default_glossary_dir()
    out = args.out or folder / GENERATED_FILE
    text = generate(folder)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {text.count(chr(10)) - 1} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
