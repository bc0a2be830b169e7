"""The sense gate's document layer without the model: the lexical cues (mtcheck.cues) and
one sense per discourse (mtcheck.discourse). All sentences were written for these tests."""

from __future__ import annotations

import pytest

from mtcheck.cues import find_cues, is_capitalised, metalinguistic, model_after
from mtcheck.discourse import DocumentModel, Occurrence, load_document_model, one_sense_per_discourse
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
    model = DocumentModel(own=0.5, cue_weights={"model_after": 2.0}, intercept=-1.0, confident=2.0, veto=-4.0, carry=1.0, threshold=0.6)
    path = tmp_path / "doc.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert load_document_model(path) == model
    path.write_text("{", encoding="utf-8")
    assert load_document_model(path) is None
    assert load_document_model(tmp_path / "missing.json") is None


def test_shipped_document_model_loads():
    model = load_document_model()
    assert model is not None and 0.0 < model.threshold < 1.0 and 0.0 <= model.carry <= 1.0
