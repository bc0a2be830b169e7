"""The sense gate's document layer without the model: the lexical cues (mtcheck.cues) and
one sense per discourse (mtcheck.discourse). All sentences were written for these tests."""

from __future__ import annotations

import pytest

from mtcheck.cues import find_cues, is_capitalised, metalinguistic, model_after
from mtcheck.discourse import DocumentModel, Judged, Occurrence, document_logits, load_document_model, one_sense_per_discourse
from mtcheck.models import GlossaryEntry, Segment
from mtcheck.senses import SenseCandidate

MILLET = GlossaryEntry(
    approved=("Xiaomi",), wrong=("millet",), domain="company",
    intended_sense=("Xiaomi sold more phones.",), literal_sense=("Millet porridge is a breakfast.", "Farmers grow millet in dry fields."),
)


def _candidate(text: str, term: str = "millet", occurrence: int = 0, names: int = 0) -> SenseCandidate:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(term, start + 1)
    return SenseCandidate(
        segment=Segment(id="1", target=text, file="doc.txt", line=1), start=start, end=start + len(term), entry=MILLET,
        sentence=text, context="", replacement="Xiaomi", approved_elsewhere=0, related_names=0, names_in_document=names,
    )


@pytest.mark.parametrize("text, end, designation", [
    ("the millet 6 sold out", 10, "6"),
    ("a glory 20 Pro review", 8, "20"),
    ("the red rice Note 3 arrived", 12, "Note 3"),
    ("the millet Mix 2S is thin", 10, "Mix 2S"),
    ("cook millet 20 minutes", 11, ""),
    ("buy millet 500 g at the market", 10, ""),
    ("the millet harvest", 10, ""),
])
def test_model_designation_right_after_the_word(text, end, designation):
    assert model_after(text, end) == designation


@pytest.mark.parametrize("text, start, capitalised", [
    ("The first son of Millet brand.", 17, True),
    ("Millet brand phones sold well.", 0, False),
    ("He said: Millet sold well.", 9, False),
    ("the millet brand", 4, False),
])
def test_capitalised_inside_a_sentence(text, start, capitalised):
    assert is_capitalised(text, start, 0) is capitalised


@pytest.mark.parametrize("text, start, sentence_start, capitalised", [
    ("Sales rose. Millet sold well.", 12, 12, False),  # the first word of its sentence
    ("Sales rose. “(Millet sold well.)”", 14, 12, False),  # behind quotes and brackets
    ("Sales rose and Millet sold well.", 15, 0, True),
    ("Sales rose; Millet sold well.", 12, 0, False),  # after a semicolon
    ("x" * 5000 + " and Millet sold.", 5005, 0, True),  # reads back only to the word before
])
def test_capitalised_reads_back_to_the_sentence_start_only(text, start, sentence_start, capitalised):
    assert is_capitalised(text, start, sentence_start) is capitalised


@pytest.mark.parametrize("text, defines", [
    ('The shop is called "millet" in Chinese.', True),  # quoted
    ("The name Xiaomi means millet.", True),  # talks about the word and names the entry
    ("小米 means millet.", True),  # the Chinese source counts as naming it
    ("He thinks the real meaning of millet will take years to show.", False),  # only a cue against
    ("Millet launched a phone.", False),
])
def test_an_occurrence_defines_the_word_only_when_quoted_or_the_entry_is_named(text, defines):
    entry = GlossaryEntry(approved=("Xiaomi",), wrong=("millet",), source=("小米",), domain="company")
    start = text.lower().index("millet")
    candidate = SenseCandidate(
        segment=Segment(id="1", target=text, file="doc.txt", line=1), start=start, end=start + 6, entry=entry,
        sentence=text, context="", replacement="Xiaomi", approved_elsewhere=0, related_names=0,
    )
    cues = find_cues(candidate)
    assert cues.defines_word is defines
    assert bool(cues.metalinguistic) is (text != "Millet launched a phone.")


@pytest.mark.parametrize("text, cue", [
    ('The shop is called "millet" in Chinese.', "quoted"),
    ("The name Xiaomi means millet.", "the name"),
    ("Xiaomi means millet.", "means"),
    ("Xiaomi literally is millet.", "literally"),
    ("Millet launched a phone.", ""),
])
def test_metalinguistic_use(text, cue):
    start = text.lower().index("millet")
    assert metalinguistic(text, start, start + 6, text) == cue


@pytest.mark.parametrize("text, term, expect", [
    ("Millet chairman Lei Jun released the millet 6 smartphone.", "millet",
     {"model_after": 1.0, "brand_words": 3.0, "literal_words": 0.0, "metalinguistic": 0.0}),
    ("We cook millet porridge for breakfast.", "millet", {"model_after": 0.0, "brand_words": 0.0, "literal_words": 1.0}),
    ("The name Xiaomi means millet.", "millet", {"metalinguistic": 1.0}),
    ("The first son of Millet brand.", "Millet", {"capitalised": 1.0, "brand_words": 1.0}),
])
def test_cue_features_of_a_candidate(text, term, expect):
    features = find_cues(_candidate(text, term)).features()
    for name, value in expect.items():
        assert features[name] == value, name


def test_literal_cues_veto_and_name_cues_do_not():
    assert find_cues(_candidate("We cook millet porridge for breakfast.")).veto.startswith("food/farming words")
    assert find_cues(_candidate("The name Xiaomi means millet.")).veto.startswith("metalinguistic")
    assert find_cues(_candidate("Lei Jun launched the millet 6.")).veto == ""


def test_an_everyday_word_of_the_literal_exemplars_is_a_feature_not_a_veto():
    """'dry' appears only in the literal exemplars, but it is no food or farming word: it
    weighs in the document model and does not stop the document-level step."""
    cues = find_cues(_candidate("The dry season cut millet shipments."))
    assert cues.literal_words == ("dry",) and cues.features()["literal_words"] == 1.0
    assert cues.veto == ""
    assert "literal-sense words (dry)" in cues.describe()


def test_names_in_document_are_counted_and_capped():
    assert find_cues(_candidate("The millet phone.", names=2)).features()["names_in_document"] == 2.0
    assert find_cues(_candidate("The millet phone.", names=9)).features()["names_in_document"] == 3.0


STEP = {"confident": 2.0, "veto": -4.0, "carry": 1.0}


@pytest.mark.parametrize("occurrences, expected", [
    # one confident occurrence carries the weak ones of the same document and entry
    ([("a", 5.0, ""), ("a", -1.0, ""), ("a", -3.0, "")], [5.0, 5.0, 5.0]),
    # a literal veto or strongly literal own evidence is not carried
    ([("a", 5.0, ""), ("a", -1.0, "metalinguistic use (means)"), ("a", -6.0, "")], [5.0, -1.0, -6.0]),
    # other documents (or entries) do not count
    ([("a", 5.0, ""), ("b", -1.0, "")], [5.0, -1.0]),
    # weak occurrences never pull a confident one down, and do not carry each other
    ([("a", 3.0, ""), ("a", -3.0, ""), ("a", 1.0, "")], [3.0, 3.0, 3.0]),
    ([("a", 1.0, ""), ("a", -1.0, "")], [1.0, -1.0]),
    # a vetoed confident occurrence does not inform the others
    ([("a", 5.0, "literal-sense words (porridge)"), ("a", -1.0, "")], [5.0, -1.0]),
])
def test_one_sense_per_discourse(occurrences, expected):
    result = one_sense_per_discourse([Occurrence(g, logit, veto) for g, logit, veto in occurrences], **STEP)
    assert [round(r.logit, 6) for r in result] == expected


LITERAL_STEP = {"confident": 2.0, "veto": -6.0, "carry": 1.0, "literal_carry": 1.0}


@pytest.mark.parametrize("occurrences, expected", [
    # a document whose occurrences are mostly confidently the ordinary word pulls a lone
    # name-like one down to their mean (a recipe page with "millet" in its contents)
    ([("a", 3.0, ""), ("a", -4.0, ""), ("a", -6.0, "food/farming words (porridge)")], [-5.0, -4.0, -6.0]),
    # strong evidence for the name (own log-odds >= -veto) is not pulled down
    ([("a", 7.0, ""), ("a", -4.0, ""), ("a", -6.0, "")], [7.0, -4.0, -6.0]),
    # a tie goes to the name, as before: both weaker occurrences are carried up
    ([("a", 3.0, ""), ("a", -4.0, ""), ("a", 0.0, "")], [3.0, 3.0, 3.0]),
    # talking about the word votes for no sense
    ([("a", 3.0, ""), ("a", -4.0, "metalinguistic use (means)", True), ("a", -5.0, "metalinguistic use (quoted)", True)],
     [3.0, -4.0, -5.0]),
])
def test_one_sense_per_discourse_toward_the_ordinary_word(occurrences, expected):
    items = [Occurrence(g, logit, veto, *about) for g, logit, veto, *about in occurrences]
    result = one_sense_per_discourse(items, **LITERAL_STEP)
    assert [round(r.logit, 6) for r in result] == expected


def test_literal_carry_zero_keeps_the_old_step_and_pulling_down_explains_itself():
    items = [Occurrence("a", 3.0), Occurrence("a", -4.0), Occurrence("a", -6.0)]
    assert [r.logit for r in one_sense_per_discourse(items, confident=2.0, veto=-6.0, carry=1.0)] == [3.0, -4.0, -6.0]
    pulled = one_sense_per_discourse(items, confident=2.0, veto=-6.0, carry=1.0, literal_carry=0.5)[0]
    assert pulled.logit == pytest.approx(-1.0)
    assert "2 occurrence(s) of the term in the document are confidently the ordinary word" in pulled.evidence


def test_defining_the_word_stays_below_the_threshold_and_a_cue_alone_does_not():
    model = DocumentModel(own=1.0, cue_weights={"metalinguistic": -1.0}, intercept=0.0, confident=2.0, veto=-4.0,
                          carry=1.0, threshold=0.5)
    judged = [Judged("a", 5.0, {"metalinguistic": 1.0}, "metalinguistic use (means)", True),
              Judged("b", 5.0, {"metalinguistic": 1.0}, "metalinguistic use (meaning)", False)]
    with_cues, carried = document_logits(judged, model)
    assert with_cues[0] < 0.0 and carried[0].logit < 0.0
    assert with_cues[1] == pytest.approx(4.0)


def test_carry_moves_part_of_the_way_and_explains_itself():
    result = one_sense_per_discourse([Occurrence("a", 4.0), Occurrence("a", 0.0), Occurrence("a", -2.0, "quoted")], confident=2.0, veto=-4.0, carry=0.5)
    assert result[1].logit == pytest.approx(2.0)
    assert "one sense per discourse: 1 confident occurrence" in result[1].evidence
    assert result[2].logit == -2.0 and "not carried" in result[2].evidence and "quoted" in result[2].evidence
    assert result[0].evidence == ""


def test_cue_layer_weighs_own_log_odds_and_cues():
    model = DocumentModel(own=0.5, cue_weights={"model_after": 2.0, "literal_words": -3.0}, intercept=-1.0,
                          confident=2.0, veto=-4.0, carry=1.0, threshold=0.5)
    assert model.cue_logit(2.0, {"model_after": 1.0}) == pytest.approx(2.0)
    assert model.cue_logit(2.0, {"literal_words": 1.0}) == pytest.approx(-3.0)
    assert model.cue_logit(100.0, {}) == pytest.approx(3.0)  # own log-odds are clipped


def test_document_model_round_trips_and_a_broken_file_is_none(tmp_path):
    model = DocumentModel(own=0.5, cue_weights={"model_after": 2.0}, intercept=-1.0, confident=2.0, veto=-4.0, carry=1.0, threshold=0.6,
                          literal_carry=0.5)
    path = tmp_path / "doc.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert load_document_model(path) == model
    path.write_text("{", encoding="utf-8")
    assert load_document_model(path) is None
    assert load_document_model(tmp_path / "missing.json") is None


def test_shipped_document_model_loads():
    model = load_document_model()
    assert model is not None and 0.0 < model.threshold < 1.0 and 0.0 <= model.carry <= 1.0


def test_other_literal_mistranslations_in_the_document_are_a_present_or_absent_cue():
    assert find_cues(_candidate("The millet phone.")).features()["errors_in_document"] == 0.0
    cues = find_cues(SenseCandidate(
        segment=Segment(id="1", target="The millet phone.", file="doc.txt", line=1), start=4, end=10, entry=MILLET,
        sentence="The millet phone.", context="", replacement="Xiaomi", approved_elsewhere=0, related_names=0,
        errors_in_document=7,
    ))
    assert cues.features()["errors_in_document"] == 1.0
    assert "7 other literal mistranslation(s) in the document" in cues.describe()


def test_the_document_counts_distinct_unambiguous_mistranslations_only():
    from mtcheck.context import Document
    from mtcheck.engine import build_context
    from mtcheck.options import CheckOptions

    context = build_context(CheckOptions(embed=False))
    segments = [Segment(id="1", target="Hongmi and Hongmi phones use a two-dimensional code.", file="doc.txt", line=1),
                Segment(id="2", target="We ate millet porridge and an apple.", file="doc.txt", line=2)]
    assert Document(segments, context).unambiguous_errors == 2  # Hongmi once, the code once; millet and apple are gated
    clean = [Segment(id="1", target="We ate millet porridge and an apple.", file="doc.txt", line=1)]
    assert Document(clean, context).unambiguous_errors == 0


def test_a_vetoed_sentence_gets_no_document_wide_cues():
    """"A farm that grows millet" in a garbled page: the calques elsewhere in the document
    do not raise it, as the document step does not carry it."""
    model = DocumentModel(own=1.0, cue_weights={"errors_in_document": 4.0, "names_in_document": 1.0, "brand_words": 0.5},
                          intercept=0.0, confident=2.0, veto=-8.0, carry=1.0, threshold=0.5)
    features = {"errors_in_document": 1.0, "names_in_document": 2.0, "brand_words": 1.0}
    judged = [Judged("a", -1.0, features, "food/farming words (farming)"), Judged("b", -1.0, features, "")]
    with_cues, _ = document_logits(judged, model)
    assert with_cues[0] == pytest.approx(-0.5)  # own and the sentence's brand word only
    assert with_cues[1] == pytest.approx(5.5)


def _with_document_cues(target: str, start: int, end: int, names: int, errors: int) -> SenseCandidate:
    return SenseCandidate(
        segment=Segment(id="1", target=target, file="doc.txt", line=1), start=start, end=end, entry=MILLET,
        sentence=target, context="", replacement="Xiaomi", approved_elsewhere=0, related_names=0,
        names_in_document=names, errors_in_document=errors,
    )


def test_evidence_lists_only_the_cues_that_moved_the_log_odds():
    from mtcheck.embeddings.document import decide_documents

    model = DocumentModel(own=1.0, cue_weights={"names_in_document": 0.0, "errors_in_document": 4.0, "brand_words": 0.5},
                          intercept=0.0, confident=1.0, veto=-8.0, carry=0.5, threshold=0.5)
    candidate = _with_document_cues("The millet smartphone sold out.", 4, 10, names=3, errors=2)
    cues = find_cues(candidate)
    assert "3 company/product name(s) in the document" in cues.describe()  # a fact about the text
    [decision] = decide_documents([candidate], [0.0], model, [()])
    [line] = [text for text in decision.evidence if text.startswith("cues: ")]
    assert "2 other literal mistranslation(s) in the document" in line and "brand/business words" in line
    assert "company/product name(s)" not in line  # weight 0: it moved nothing


def test_a_vetoed_sentence_lists_no_document_wide_cue():
    from mtcheck.embeddings.document import decide_documents

    model = DocumentModel(own=1.0, cue_weights={"errors_in_document": 4.0, "literal_words": -1.0},
                          intercept=0.0, confident=1.0, veto=-8.0, carry=0.5, threshold=0.5)
    candidate = _with_document_cues("Farmers grow millet and maize on dry land.", 13, 19, names=0, errors=2)
    assert find_cues(candidate).veto  # food and farming words
    [decision] = decide_documents([candidate], [0.0], model, [()])
    assert not any("other literal mistranslation" in text for text in decision.evidence)
