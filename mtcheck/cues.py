"""Lexical cues around an ambiguous glossary hit that real pages carry, as plain values.

Name cues (the hit is the mistranslated name):
- a model designation right after the word ("millet 6", "glory 20", "red rice Note 3");
- business and product words in the sentence ("brand", "smartphone", "chairman", "launch");
- the word capitalised inside a sentence ("the first son of Millet brand");
- names in the document: approved renderings of company, brand or product entries;
- literal MT in the document: unambiguous mistranslations of other entries ("Hongmi",
  "two-dimensional code"), which clean English never writes.
Literal cues (the hit is the ordinary word):
- words only the entry's literal exemplars use, or food and farming words (a feature of the
  document model; food and farming words also veto the document-level step: the literal
  exemplars of a well-covered entry use so many everyday words, "volume", "thousands", that
  they alone would veto nearly every sentence);
- metalinguistic use: the word quoted, or "means", "literally", "the word" nearby
  ("the name Xiaomi means millet"), which vetoes the document-level step. When the hit is
  quoted, or the sentence also names the entry ("Xiaomi means millet"), the occurrence
  *defines the word* and is never reported; "the real meaning of millet" alone is only a
  cue against.

Pure functions over strings; no model is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection

from .senses import SenseCandidate, literal_words
from .textutil import sentence_at

# A designation: a number, optionally after a series word ("Note 3", "Mix 2S", "6 Pro").
_SERIES = r"(?:note|mix|max|pro|play|plus|pad|band|watch|book|tv|box|x|s|k|v|p|mate)"
_MODEL_AFTER = re.compile(rf"\s*(?:{_SERIES}\s*)?\d{{1,4}}[a-z]{{0,2}}\b(?!\s*(?:%|percent|g\b|kg|grams?|cups?|ml|minutes?|hours?|days?|years?|yuan|tons?|mu\b|acres?|pounds?|lbs?))", re.IGNORECASE)
_BRAND_WORDS = re.compile(
    r"\b(?:brand|brands|mobile phones?|smartphones?|phones?|handsets?|flagship|chairman|ceo|founder|co-?founder|"
    r"president|shares|stock|listed|ipo|released?|releases|launch(?:ed|es)?|unveil(?:ed|s)?|conference|"
    r"shipments?|market share|processor|chip|tablets?|laptops?|notebooks?|app|users|fans|company|group|inc|"
    r"technology|hardware|ecosystem)\b",
    re.IGNORECASE,
)
_FOOD_WORDS = frozenset(
    "food foods cook cooked cooking cereal cereals grain grains porridge soup flour bake baked recipe recipes eat eating "
    "ate dish dishes meal breakfast kitchen harvest harvested farm farmer farmers farming crop crops field fields "
    "plant planted sow fruit fruits tree trees orchard pie juice nutrition nutritious boil boiled simmer ingredient "
    "ingredients gluten agriculture agricultural".split()
)
_METALINGUISTIC = re.compile(
    r"\b(?:means?|meaning|meant|literally|translat(?:es|ed|ion)|stands for|named after|the word|the name|"
    r"in chinese|pronounced|spelled)\b",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»「」"
_OPENERS = frozenset(" \t" + _QUOTES + "([")  # what may stand between a sentence's start and its first word
_WORD = re.compile(r"[a-z][a-z'-]+")
BRAND_WORDS_CAP = 3
NAMES_CAP = 3


@dataclass(frozen=True)
class Cues:
    model_after: str = ""  # the designation right after the hit ("6", "Note 3")
    brand_words: tuple[str, ...] = ()  # business/product words in the sentence
    capitalised: bool = False  # capitalised inside the sentence (not its first word)
    names_in_document: int = 0  # distinct company/brand/product names approved in the document
    errors_in_document: int = 0  # distinct entries mistranslated unambiguously in the document
    literal_words: tuple[str, ...] = ()  # literal-sense or food/farming words in the sentence
    metalinguistic: str = ""  # "quoted" or the word ("means") that talks about the word
    defines_word: bool = False  # quoted, or metalinguistic with the entry's name in the sentence

    @property
    def veto(self) -> str:
        """Why the hit is strongly literal ("" when it is not)."""
        if self.metalinguistic:
            return f"metalinguistic use ({self.metalinguistic})"
        food = [word for word in self.literal_words if word in _FOOD_WORDS]
        if food:
            return f"food/farming words ({', '.join(food[:3])})"
        return ""

    def features(self) -> dict[str, float]:
        """The cues as the numbers the document model weighs."""
        return {
            "model_after": 1.0 if self.model_after else 0.0,
            "brand_words": float(min(len(self.brand_words), BRAND_WORDS_CAP)),
            "capitalised": 1.0 if self.capitalised else 0.0,
            "names_in_document": float(min(self.names_in_document, NAMES_CAP)),
            "literal_words": 1.0 if self.literal_words else 0.0,
            "metalinguistic": 1.0 if self.metalinguistic else 0.0,
            # present or not: one calque already shows the text is literal MT, and a count
            # would let a long garbled page outweigh an occurrence's own literal evidence
            "errors_in_document": 1.0 if self.errors_in_document else 0.0,
        }

    def describe(self, weighed: Collection[str] | None = None) -> tuple[str, ...]:
        """The cues found, as evidence text; with `weighed`, only those whose feature is in it
        (the cues that moved the log-odds: present, with a non-zero weight, not zeroed by a veto)."""
        parts = []
        for name, text in self._texts():
            if text and (weighed is None or name in weighed):
                parts.append(text)
        return tuple(parts)

    def _texts(self) -> tuple[tuple[str, str], ...]:
        """(feature name, evidence text or "") per cue, in the order evidence lists them."""
        return (
            ("model_after", f"model designation after it ({self.model_after.strip()!r})" if self.model_after else ""),
            ("brand_words", f"brand/business words in the sentence ({', '.join(self.brand_words[:3])})" if self.brand_words else ""),
            ("capitalised", "capitalised inside the sentence" if self.capitalised else ""),
            ("names_in_document", f"{self.names_in_document} company/product name(s) in the document" if self.names_in_document else ""),
            ("errors_in_document", f"{self.errors_in_document} other literal mistranslation(s) in the document" if self.errors_in_document else ""),
            ("literal_words", f"literal-sense words ({', '.join(self.literal_words[:3])})" if self.literal_words else ""),
            ("metalinguistic", f"metalinguistic use ({self.metalinguistic})" if self.metalinguistic else ""),
        )


FEATURES = tuple(Cues().features())
# Cues about the whole document, not the sentence: like the document step, they do not
# raise an occurrence whose own sentence vetoes the name (food and farming words, "means").
DOCUMENT_FEATURES = ("names_in_document", "errors_in_document")


def model_after(text: str, end: int) -> str:
    """The model designation directly after text[:end] ("" when none)."""
    match = _MODEL_AFTER.match(text, end)
    return match.group(0).strip() if match else ""


def brand_words(sentence: str, term: str) -> tuple[str, ...]:
    found = (match.group(0).lower() for match in _BRAND_WORDS.finditer(sentence))
    term_words = set(term.lower().split())
    return tuple(dict.fromkeys(word for word in found if word not in term_words))


def is_capitalised(text: str, start: int, sentence_start: int) -> bool:
    """The hit starts with a capital and is not the sentence's (or a line's) first word.
    Reads back from the hit only over spaces, quotes and brackets (not the whole sentence)."""
    if not text[start:start + 1].isupper():
        return False
    index = start - 1
    while index >= sentence_start and text[index] in _OPENERS:
        index -= 1
    return index >= sentence_start and text[index] not in ".!?:;\n-–—|"


def literal_sense_words(sentence: str, term: str, literal_only: frozenset[str]) -> tuple[str, ...]:
    term_words = set(term.lower().split())
    words = [word for word in _WORD.findall(sentence.lower()) if word not in term_words]
    return tuple(dict.fromkeys(word for word in words if word in _FOOD_WORDS or word.rstrip("s") in literal_only))


def metalinguistic(text: str, start: int, end: int, sentence: str) -> str:
    """'quoted' when the hit stands in quotation marks; else the word that talks about
    words ("means") when the sentence has one; else ""."""
    if text[start - 1:start] in _QUOTES and text[end:end + 1] in _QUOTES:
        return "quoted"
    match = _METALINGUISTIC.search(sentence)
    return match.group(0).lower() if match else ""


def names_entry(sentence: str, entry) -> bool:
    """The sentence writes one of the entry's approved renderings or its Chinese source."""
    lowered = sentence.lower()
    return any(re.search(rf"(?<![\w]){re.escape(name.lower())}(?![\w])", lowered) for name in entry.approved if name) \
        or any(source and source in sentence for source in entry.source)


def find_cues(candidate: SenseCandidate) -> Cues:
    text = candidate.segment.target
    term = text[candidate.start:candidate.end]
    sentence_start = sentence_at(text, candidate.start)[0] if candidate.sentence else candidate.start
    about = metalinguistic(text, candidate.start, candidate.end, candidate.sentence)
    return Cues(
        model_after=model_after(text, candidate.end),
        brand_words=brand_words(candidate.sentence, term),
        capitalised=is_capitalised(text, candidate.start, sentence_start),
        names_in_document=candidate.names_in_document,
        errors_in_document=candidate.errors_in_document,
        literal_words=literal_sense_words(candidate.sentence, term, literal_words(candidate.entry)),
        metalinguistic=about,
        defines_word=about == "quoted" or bool(about) and names_entry(candidate.sentence, candidate.entry),
    )
