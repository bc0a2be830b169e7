"""CC-CEDICT parsing, cross-lingual similarity decisions (injected embeddings) and
sentence alignment."""

from __future__ import annotations

import numpy as np
import pytest

from mtcheck import CheckOptions
from mtcheck.api import check_segments
from mtcheck.bilingual.alignment import align_lines, read_aligned
from mtcheck.bilingual.cedict import Cedict, load_cedict, name_of, parse_lines
from mtcheck.bilingual.robust import robust_z_scores
from mtcheck.bilingual.similarity import cosine_similarities, load_encoder, low_similarity
from mtcheck.errors import ConfigError, InputError, ModelError
from mtcheck.models import Segment

SAMPLE = """\
# comment
小米 小米 [Xiao3 mi3] /Xiaomi, Chinese electronics company founded in 2010/
小米 小米 [xiao3 mi3] /millet/
華為 华为 [Hua2 wei2] /Huawei (brand)/
龍 龙 [Long2] /surname Long/
龍 龙 [long2] /dragon/CL:條|条[tiao2]/imperial/
聯想 联想 [Lian2 xiang3] /Lenovo/
聯想 联想 [lian2 xiang3] /to associate (cognitively)/
""".splitlines()


def test_every_entry_per_headword_is_kept():
    cedict = Cedict(parse_lines(SAMPLE))
    assert [entry.pinyin for entry in cedict.lookup("小米")] == ["Xiao3 mi3", "xiao3 mi3"]
    assert cedict.lookup("華為") == cedict.lookup("华为")


@pytest.mark.parametrize("word, names, literals, calque", [
    ("小米", ["Xiaomi"], ("millet",), True),
    ("华为", ["Huawei"], (), False),  # no common sense: casing, never a calque
    ("龙", [], ("dragon", "imperial"), False),  # a surname is no name to suggest
    ("联想", ["Lenovo"], ("associate",), False),  # a name, but not marked as a company
])
def test_senses(word, names, literals, calque):
    cedict = Cedict(parse_lines(SAMPLE))
    assert [sense.name for sense in cedict.names(word)] == names
    assert cedict.literals(word) == literals
    assert (word in set(cedict.calque_prone())) is calque


@pytest.mark.parametrize("gloss, name", [
    ("Xiaomi, Chinese electronics company founded in 2010", "Xiaomi"),
    ("Huawei (brand)", "Huawei"),
    ("Hongqi district of Xinxiang city 新鄉市|新乡市[Xin1 xiang1 shi4], Henan", "Hongqi"),
    ("surname Long", None),
    ("see 騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4]", None),
    ("millet", None),
])
def test_name_of(gloss, name):
    assert name_of(gloss) == name


def test_bundled_cedict_has_the_calques_we_rely_on():
    cedict = load_cedict()
    assert len(cedict) > 100_000
    assert cedict.organisation_name("小米").name == "Xiaomi"
    assert cedict.organisation_name("吉利").name == "Geely"
    assert cedict.organisation_name("华为") is None


# ---------------------------------------------------------------- similarity

class FixedEncoder:
    """Maps each sentence to a given vector: embeddings injected by the test."""

    def __init__(self, vectors: dict[str, list[float]]):
        self.vectors = vectors

    def encode(self, sentences):
        return np.array([self.vectors[s] for s in sentences])


def test_low_similarity_flags_the_outlier_only():
    sims = [0.82, 0.80, 0.85, 0.79, 0.83, 0.81, 0.84, 0.80, 0.20]
    assert [o.index for o in low_similarity(sims)] == [8]


@pytest.mark.parametrize("sims", [
    [0.82, 0.80, 0.85, 0.20],  # too few segments for a norm
    [0.80] * 9,  # uniform document
    [0.82, 0.80, 0.85, 0.79, 0.83, 0.81, 0.84, 0.80, 0.75],  # low but within the margin
])
def test_low_similarity_stays_quiet(sims):
    assert low_similarity(sims) == []


def test_cosine_similarities():
    encoder = FixedEncoder({"a": [1, 0], "b": [1, 0], "c": [0, 2], "d": [1, 1]})
    assert cosine_similarities(encoder, ["a", "c"], ["b", "d"]) == pytest.approx([1.0, 2 ** -0.5])


def test_bi008_with_injected_encoder():
    sources = [f"源{i}" for i in range(10)]
    targets = [f"target {i}" for i in range(10)]
    vectors = {}
    for i, (s, t) in enumerate(zip(sources, targets)):
        vectors[s] = [1.0, 0.1 * (i % 3), 0.0]
        vectors[t] = [1.0, 0.1 * (i % 3), 0.05 * (i % 2)]
    vectors[targets[6]] = [0.0, 0.0, 1.0]  # means something else
    segments = [Segment(str(i), t, source=s) for i, (s, t) in enumerate(zip(sources, targets))]
    opts = CheckOptions(use_default_glossary=False, embed=False, select=("BI008",), extra=(("cross_lingual_encoder", FixedEncoder(vectors)),))
    result = check_segments(segments, opts)
    assert [(f.rule, f.segment) for f in result.findings] == [("BI008", "6")]


def test_bi008_is_off_without_a_model():
    segments = [Segment(str(i), "text", source="源") for i in range(10)]
    assert check_segments(segments, CheckOptions(use_default_glossary=False, embed=False, select=("BI008",))).findings == ()


def test_unloadable_model_is_a_one_line_error(tmp_path):
    load_encoder.cache_clear()
    with pytest.raises(ModelError) as error:
        load_encoder(str(tmp_path / "missing-model-dir-xyz"))
    assert "cannot load cross-lingual model" in str(error.value)
    assert "\n" not in str(error.value)
    not_dir = tmp_path / "model.bin"
    not_dir.write_text("x")
    with pytest.raises(ModelError, match="not a model directory"):
        load_encoder(str(not_dir))


def test_robust_z_scores():
    assert robust_z_scores([1.0, 2.0]) == [0.0, 0.0]
    z = robust_z_scores([1.0, 1.1, 0.9, 1.0, 5.0])
    assert z[-1] > 3 and abs(z[0]) < 1


# ---------------------------------------------------------------- alignment

SOURCE = ["小米发布了新手机。", "雷军表示，公司员工超过1.6万人。", "去年出货量下降。", "今年销量回升，重回全球前五，创下单季度出货量纪录。", "公司拥有专利4806项。"]
TARGET = ["Xiaomi released a new phone.", "Lei Jun said the company has more than 16,000 employees.", "Shipments fell last year.",
          "Sales recovered this year and are back in the global top five.", "Shipments set a record for a single quarter.",
          "The company holds 4,806 patents."]


def test_gale_church_splits_one_source_line_over_two_targets():
    aligned = align_lines(SOURCE, TARGET, "length")
    assert aligned.shapes == ("1-1", "1-1", "1-1", "1-2", "1-2", "1-1")
    assert aligned.texts[3] == aligned.texts[4] == SOURCE[3]


def test_embedding_alignment_with_injected_encoder():
    # One topic vector per sentence: the encoder knows which source goes with which target.
    topics = [0, 1, 2, 3, 3, 4]
    vectors = {}
    for index, line in enumerate(SOURCE):
        vectors[line] = np.eye(5)[index]
    for line, topic in zip(TARGET, topics):
        vectors[line] = np.eye(5)[topic]
    vectors[TARGET[3] + " " + TARGET[4]] = np.eye(5)[3]
    for k in range(len(SOURCE) - 1):
        vectors[SOURCE[k] + SOURCE[k + 1]] = (np.eye(5)[k] + np.eye(5)[k + 1]) / 2
    for k in range(len(TARGET) - 1):
        vectors.setdefault(TARGET[k] + " " + TARGET[k + 1], (np.eye(5)[topics[k]] + np.eye(5)[topics[k + 1]]) / 2)
    aligned = align_lines(SOURCE, TARGET, "embedding", FixedEncoder(vectors))
    assert aligned.shapes == ("1-1", "1-1", "1-1", "1-2", "1-2", "1-1")


def test_read_aligned_marks_partial_targets(tmp_path):
    target = tmp_path / "t.txt"
    source = tmp_path / "s.txt"
    target.write_text("\n".join(TARGET) + "\n", encoding="utf-8")
    source.write_text("\n".join(SOURCE) + "\n", encoding="utf-8")
    segments, messages = read_aligned(str(target), source=str(source))
    assert [s.meta["align"] for s in segments][3:5] == ["length:1-2", "length:1-2"]
    assert "Gale-Church" in messages[0]
    # A target line holding half of a source line is not "missing" the other half's numbers.
    result = check_segments(segments, CheckOptions(use_default_glossary=False, embed=False, select=("BI003",)))
    assert result.findings == ()


@pytest.mark.parametrize("kwargs, error", [
    ({"source": None}, InputError),
    ({"method": "embedding"}, ConfigError),
    ({"method": "magic"}, ConfigError),
])
def test_read_aligned_errors(tmp_path, kwargs, error):
    target = tmp_path / "t.txt"
    target.write_text("Hello.\n", encoding="utf-8")
    source = tmp_path / "s.txt"
    source.write_text("你好。\n", encoding="utf-8")
    arguments = {"source": str(source)} | kwargs
    with pytest.raises(error):
        read_aligned(str(target), **arguments)
